"""Periodic PAR reports as services: a year of four reports (Q1, 6 months, Q3, the year) in
which commune X1 sends one late and misses one; who must send what; the document's date, not
the upload time, decides on time; refusals naming the field; the outside-ParIndex record; the
roll-up equals the sum of the appendices; reminders once."""

import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from server.extensions import db
from server.models import AuditEvent, Notification, ReportSubmission, SentReminder
from server.records.appendices import check_figures, parse_template
from server.records.reports import (
    LATE,
    MISSING,
    ON_TIME,
    PENDING,
    late_and_missing,
    period_standing,
    record_outside,
    send_report_reminders,
    submit_report,
)
from server.records.rollup import period_rollup
from server.records.schedule import (
    ReportError,
    clean_schedule,
    default_schedule,
    expected_senders,
    read_schedule_file,
    set_schedule,
)
from server.results.exports.report_rollup_workbook import write_rollup_workbook
from tests.records.periodic_world import FIGURES, KEYS, build, document, xlsx


@pytest.fixture
def world(make):
    return build(make)


def _actions(prefix):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id))]


def test_the_proposed_schedule_is_seed_003s(app):
    rows = {row["key"]: row for row in default_schedule(2021)}
    assert list(rows) == ["q1", "h1", "q3", "year"]
    assert (rows["q1"]["covers_from"], rows["q1"]["covers_to"], rows["q1"]["due_on"]) == (
        date(2020, 12, 15), date(2021, 3, 10), date(2021, 3, 13))
    assert (rows["h1"]["covers_from"], rows["h1"]["covers_to"], rows["h1"]["due_on"]) == (
        date(2020, 12, 15), date(2021, 6, 10), date(2021, 6, 13))
    assert (rows["q3"]["covers_from"], rows["q3"]["covers_to"], rows["q3"]["due_on"]) == (
        date(2021, 6, 15), date(2021, 9, 10), date(2021, 9, 13))
    # The year's report is due before its window ends: the rest is an estimate.
    assert (rows["year"]["covers_from"], rows["year"]["covers_to"], rows["year"]["due_on"]) == (
        date(2020, 12, 15), date(2021, 11, 20), date(2021, 11, 15))


def test_schedule_refusals_name_the_field(world):
    campaign = world["campaign"]
    rows = default_schedule(2021)
    rows[1]["key"] = "q1"
    rows[2]["covers_to"] = "01/06/2021"
    rows[3]["due_on"] = "15/12/2020"
    rows[0]["unit_groups"] = ["nope"]
    rows[0]["template"] = "Phụ lục 9"
    _clean, errors = clean_schedule(campaign, rows)
    assert set(errors) == {"periods.1.key", "periods.2.covers_to", "periods.3.due_on",
                           "periods.0.unit_groups", "periods.0.template"}
    with pytest.raises(ReportError) as refused:
        set_schedule(campaign, rows, world["admin"])
    assert refused.value.status == 422
    with pytest.raises(ReportError) as not_admin:
        set_schedule(campaign, default_schedule(2021), world["editor"])
    assert not_admin.value.status == 403


def test_a_schedule_file_reads_back(world):
    text = b"""periods:
  - {key: q1, label: Quy I, covers_from: 15/12/2020, covers_to: 10/03/2021, due_on: 13/03/2021}
"""
    rows = read_schedule_file("lich.yaml", text)
    cleaned, errors = clean_schedule(world["campaign"], rows)
    assert not errors and cleaned[0]["due_on"] == date(2021, 3, 13)
    with pytest.raises(ReportError) as bad:
        read_schedule_file("lich.json", b"{not json")
    assert "file" in bad.value.errors


def test_who_must_send_what(world):
    q1 = world["periods"]["q1"]
    assert [(u.code, d) for u, d in expected_senders(q1)] == [
        ("STP", ""), ("STP", "2"), ("X1", ""), ("X2", "")]
    set_schedule(world["campaign"], [
        {**row, "unit_groups": ["commune"], "domain_reports": False, "template": "Phụ lục 3B"}
        for row in default_schedule(2021)], world["admin"])
    db.session.commit()
    assert [(u.code, d) for u, d in expected_senders(q1)] == [("X1", ""), ("X2", "")]


def test_a_year_of_reports_one_late_one_missing(world):
    periods, x1, editor = world["periods"], world["x1"], world["editor"]
    campaign = world["campaign"]
    on_time = document(campaign, x1, date(2021, 3, 12), "10/BC-UBND")
    late = document(campaign, x1, date(2021, 6, 20), "25/BC-UBND")
    yearly = document(campaign, x1, date(2021, 11, 14), "60/BC-UBND")
    submit_report(periods["q1"], x1, on_time.id, FIGURES, editor)
    submit_report(periods["h1"], x1, late.id, FIGURES, editor)
    submit_report(periods["year"], x1, yearly.id, FIGURES, editor)
    db.session.commit()
    day = date(2021, 12, 1)
    standing = {key: {(r.unit.code, r.domain): r.standing for r in period_standing(p, day)}
                for key, p in periods.items()}
    assert [standing[k][("X1", "")] for k in ("q1", "h1", "q3", "year")] == [
        ON_TIME, LATE, MISSING, ON_TIME]
    assert standing["q1"][("X2", "")] == MISSING
    before_due = {(r.unit.code, r.domain): r.standing
                  for r in period_standing(periods["q3"], date(2021, 9, 13))}
    assert before_due[("X1", "")] == PENDING
    listed = {p.key: [(r.unit.code, r.domain, r.standing) for r in rows]
              for p, rows in late_and_missing(campaign, day)}
    assert ("X1", "", LATE) in listed["h1"] and ("X1", "", MISSING) in listed["q3"]
    assert all(code != "X1" for code, _d, _s in listed["q1"])
    assert _actions("report.") == ["report.submitted"] * 3


def test_the_document_date_counts_not_the_upload_time(world):
    # Uploaded today, years after the due day, with a document dated before it: on time.
    q1, x1 = world["periods"]["q1"], world["x1"]
    doc = document(world["campaign"], x1, date(2021, 3, 13))
    submission = submit_report(q1, x1, doc.id, FIGURES, world["editor"])
    db.session.commit()
    assert submission.submitted_at.date() > q1.due_on
    assert period_standing(q1, date(2026, 1, 1), {x1.id})[0].standing == ON_TIME


def test_resubmitting_replaces_the_report_and_the_audit_keeps_the_old(world):
    q1, x1 = world["periods"]["q1"], world["x1"]
    first = document(world["campaign"], x1, date(2021, 3, 20), "1")
    second = document(world["campaign"], x1, date(2021, 3, 12), "2")
    submit_report(q1, x1, first.id, FIGURES, world["editor"])
    db.session.commit()
    submit_report(q1, x1, second.id, {**FIGURES, "so_tthc_duoc_cong_bo": 13}, world["editor"])
    db.session.commit()
    rows = db.session.scalars(select(ReportSubmission)).all()
    assert len(rows) == 1 and rows[0].document_id == second.id
    assert rows[0].figures["so_tthc_duoc_cong_bo"] == 13
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report.resubmitted")).one()
    assert event.before["document_id"] == first.id and event.before["on_time"] is False
    assert event.before["figures"]["so_tthc_duoc_cong_bo"] == 12


def test_refusals(world, make):
    q1, x1, x2, campaign = world["periods"]["q1"], world["x1"], world["x2"], world["campaign"]
    foreign = document(campaign, x2, date(2021, 3, 1))
    undated = document(campaign, x1, None)
    other_year = make.campaign(2022)
    elsewhere = document(other_year, x1, date(2021, 3, 1))
    mine = document(campaign, x1, date(2021, 3, 1))
    for doc in (foreign, undated, elsewhere):
        with pytest.raises(ReportError) as refused:
            submit_report(q1, x1, doc.id, FIGURES, world["editor"])
        assert list(refused.value.errors) == ["document_id"]
    with pytest.raises(ReportError) as bad:
        submit_report(q1, x1, mine.id, {"so_tthc_duoc_cong_bo": "1.5",
                                        "ty_le_ho_so_dung_han": 120, "khac": 1}, world["editor"])
    assert set(bad.value.errors) == {"figures.so_tthc_duoc_cong_bo", "figures.so_ho_so_tiep_nhan",
                                     "figures.ty_le_ho_so_dung_han", "figures.khac"}
    with pytest.raises(ReportError) as negative:
        submit_report(q1, x1, mine.id, {**FIGURES, "so_ho_so_tiep_nhan": -1}, world["editor"])
    assert list(negative.value.errors) == ["figures.so_ho_so_tiep_nhan"]
    with pytest.raises(ReportError) as wrong_unit:
        submit_report(q1, x2, foreign.id, FIGURES, world["editor"])
    assert wrong_unit.value.status == 403
    with pytest.raises(ReportError) as viewer:
        submit_report(q1, x1, mine.id, FIGURES, world["viewer"])
    assert viewer.value.status == 403
    with pytest.raises(ReportError) as not_asked:
        submit_report(q1, world["district"], mine.id, FIGURES, None)
    assert list(not_asked.value.errors) == ["unit"]
    campaign.state = "closed"
    db.session.commit()
    with pytest.raises(ReportError) as closed:
        submit_report(q1, x1, mine.id, FIGURES, world["editor"])
    assert closed.value.status == 409
    with pytest.raises(ReportError) as closed_schedule:
        set_schedule(campaign, default_schedule(2021), world["admin"])
    assert closed_schedule.value.status == 409
    assert db.session.scalar(select(db.func.count(ReportSubmission.id))) == 0


def test_records_wait_for_their_phase(world):
    campaign = world["campaign"]
    campaign.records_open = datetime(2099, 1, 1, tzinfo=UTC)
    db.session.commit()
    doc = document(campaign, world["x1"], date(2021, 3, 1))
    with pytest.raises(ReportError) as refused:
        submit_report(world["periods"]["q1"], world["x1"], doc.id, FIGURES, world["editor"])
    assert refused.value.status == 409


def test_bad_templates_name_the_column(app):
    with pytest.raises(ReportError) as wrong_type:
        parse_template("t.xlsx", xlsx(["Số TTHC", "Ghi chú"], ["số", "ngày"]))
    assert "B (Ghi chú)" in wrong_type.value.errors["file"]
    with pytest.raises(ReportError) as no_label:
        parse_template("t.xlsx", xlsx(["Số TTHC", None, "Khác"], ["số", "số", "chữ"]))
    assert re.search(r"\bB\b", no_label.value.errors["file"])  # the column, in any language
    with pytest.raises(ReportError) as bad_mark:
        parse_template("t.xlsx", xlsx(["A1"], ["percent"], ["maybe"]))
    assert "A (A1)" in bad_mark.value.errors["file"]
    with pytest.raises(ReportError):
        parse_template("t.csv", b"a,b\n")
    fields = parse_template("t.xlsx", xlsx(["Tỷ lệ %", "Số đơn vị"],
                                            ["Tỷ lệ %", "Integer"], ["required", ""]))
    assert fields == [
        {"key": "ty_le", "label": "Tỷ lệ %", "type": "percent", "required": True},
        {"key": "so_don_vi", "label": "Số đơn vị", "type": "integer", "required": False}]


def test_figures_are_checked_and_kept_exactly(world):
    clean, errors = check_figures(world["template"], FIGURES)
    assert not errors
    assert clean == {KEYS[0]: 12, KEYS[1]: "150.5", KEYS[2]: "98.5", KEYS[3]: "đủ"}


def test_a_report_received_outside_parindex(world):
    q3, x1 = world["periods"]["q3"], world["x1"]
    with pytest.raises(ReportError) as missing:
        record_outside(q3, x1, None, " ", world["admin"])
    assert set(missing.value.errors) == {"received_on", "outside_reason"}
    with pytest.raises(ReportError) as not_admin:
        record_outside(q3, x1, date(2021, 9, 12), "Gửi bản giấy", world["editor"])
    assert not_admin.value.status == 403
    record_outside(q3, x1, "12/09/2021", "Gửi bản giấy qua văn thư", world["admin"])
    db.session.commit()
    row = period_standing(q3, date(2021, 12, 1), {x1.id})[0]
    assert row.standing == ON_TIME and row.submission.received_outside
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report.recorded_outside")).one()
    assert event.reason == "Gửi bản giấy qua văn thư" and event.actor_id == world["admin"].id
    assert event.after["received_on"] == "2021-09-12"


def _send_all(world):
    campaign, q1 = world["campaign"], world["periods"]["q1"]
    sent = {"X1": {**FIGURES}, "X2": {"so_tthc_duoc_cong_bo": 30, "so_ho_so_tiep_nhan": "49.5",
                                      "ty_le_ho_so_dung_han": 90},
            "STP": {"so_tthc_duoc_cong_bo": 7, "so_ho_so_tiep_nhan": 0}}
    for code, figures in sent.items():
        unit = world[code.lower()]
        doc = document(campaign, unit, date(2021, 3, 11))
        submit_report(q1, unit, doc.id, figures, None)
    db.session.commit()
    return q1


def test_the_rollup_is_the_sum_of_the_appendices(world):
    q1 = _send_all(world)
    rollup = period_rollup(q1, world["admin"], date(2021, 4, 1))
    assert rollup.totals == {KEYS[0]: 49, KEYS[1]: 200}
    buffer = io.BytesIO()
    write_rollup_workbook(rollup, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Tổng hợp"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    first = header.index("Số TTHC được công bố")
    assert [r[1] for r in body] == ["STP", "STP", "X1", "X2"]
    for column in (first, first + 1):
        assert total[column] == sum(r[column] or 0 for r in body)
    assert total[first] == 49 and total[first + 1] == 200
    # Percentages are listed, never summed.
    assert [r[first + 2] for r in body] == [None, None, 98.5, 90]
    assert total[first + 2] is None
    assert [r[5] for r in body] == ["đúng hạn", "chưa gửi", "đúng hạn", "đúng hạn"]


def test_a_district_office_rolls_up_its_communes_only(world):
    q1 = _send_all(world)
    rollup = period_rollup(q1, world["district_head"], date(2021, 4, 1))
    assert [r.unit.code for r in rollup.rows] == ["X1", "X2"]
    assert rollup.totals[KEYS[0]] == 42
    with pytest.raises(ReportError) as commune:
        period_rollup(q1, world["editor"])
    assert commune.value.status == 403


def test_reminders_go_out_once_per_period_unit_and_threshold(world):
    q1, x1 = world["periods"]["q1"], world["x1"]
    week = datetime(2021, 3, 7, 3, tzinfo=UTC)  # 6 days before 13/03
    first = send_report_reminders(week)
    assert first == 4  # STP, STP's domain 2, X1, X2
    assert send_report_reminders(week) == 0
    doc = document(world["campaign"], x1, date(2021, 3, 12))
    submit_report(q1, x1, doc.id, FIGURES, None)
    db.session.commit()
    day_before = datetime(2021, 3, 12, 3, tzinfo=UTC)
    assert send_report_reminders(day_before) == 3  # X1 has sent it
    assert send_report_reminders(day_before) == 0
    assert db.session.scalar(select(db.func.count(SentReminder.id))) == 7
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == world["head2"].id)).all()
    assert len(notes) == 2 and all(n.kind.startswith("report_due") for n in notes)
    assert all("13/03/2021" in n.body for n in notes)


def test_two_sends_at_once_let_one_through(world):
    # Another session sends X1's Q1 report between this one's read and its first write.
    q1, x1 = world["periods"]["q1"], world["x1"]
    doc = document(world["campaign"], x1, date(2021, 3, 12))

    def the_other_sends_first(_session, _context, _instances):
        with Session(db.engine) as other:
            other.add(ReportSubmission(period_id=q1.id, unit_id=x1.id, domain="",
                                       document_id=doc.id, figures={}))
            other.commit()

    event.listen(db.session(), "before_flush", the_other_sends_first, once=True)
    with pytest.raises(ReportError) as refused:
        submit_report(q1, x1, doc.id, FIGURES, world["editor"])
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(ReportSubmission.id))) == 1
