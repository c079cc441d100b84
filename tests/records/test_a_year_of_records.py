"""A year of records kept through the services a unit and the Department use, end to end: the
province's plan issued on time and its tasks imported from the plan's table, finished early,
on time, late and never; four periodic reports, one on time, one late, one missing and one
received outside ParIndex. The answers the records then propose for the plan and report items
are what the set's own rules give for those records."""

import io
from datetime import UTC, date, datetime

import xlsxwriter

from server.assessment.self_assessment import criteria_set_for
from server.extensions import db
from server.records import feeds
from server.records.plans import VersionFields, create_plan, issue_version
from server.records.reports import record_outside, submit_report
from server.records.schedule import default_schedule, set_schedule
from server.records.task_table import HEADERS, import_tasks
from server.records.tasks import mark_done
from tests.records.par_plan_data import document

YEAR_END = date(2021, 12, 31)
# STT, Nhiệm vụ, Kết quả/Sản phẩm, Lĩnh vực, Cơ quan chủ trì, Cơ quan phối hợp, Thời hạn
TABLE = [
    ["1", "Ban hành kế hoạch tuyên truyền CCHC", "Kế hoạch", "1", "QB", "", "28/02/2021"],
    ["2", "Rà soát thủ tục hành chính", "Báo cáo", "3", "QB", "", "30/06/2021"],
    ["3", "Kiểm tra công tác CCHC", "Báo cáo", "1", "QB", "", "31/03/2021"],
    ["4", "Đo lường sự hài lòng", "Báo cáo", "6", "QB", "", "30/09/2021"],
    ["5", "Số hóa hồ sơ", "Hệ thống", "8", "QB", "", "30/11/2021"],
]


def _table() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for number, row in enumerate([HEADERS, *TABLE]):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def test_the_years_records_propose_what_the_rules_give(make):
    campaign = make.campaign(2021, pins=(("province", "province-2020", "1.0.0"),),
                             records_open=datetime(2020, 12, 1, tzinfo=UTC))
    province = make.unit("QB", level="province", group="province", name="Tỉnh Quảng Bình")
    dossier = make.assessment(campaign, province)
    admin, editor = make.user("admin"), make.user("unit_editor", province)

    # The plan, due 15/01, issued 12/01; its five tasks from the plan's table.
    plan = create_plan(campaign, "QB", editor, due_on=date(2021, 1, 15))
    decision = document(campaign, province, "08/KH-UBND", date(2021, 1, 12))
    issue_version(plan, VersionFields("08/KH-UBND", date(2021, 1, 12), decision.id), editor)
    tasks = {task.number: task for task in import_tasks(plan, "ke-hoach.xlsx", _table(), editor)}
    db.session.commit()
    assert len(tasks) == 5
    # 1 early, 2 on its deadline day, 3 late; 4 and 5 never done.
    for number, done_on in (("1", date(2021, 2, 10)), ("2", date(2021, 6, 30)),
                            ("3", date(2021, 4, 20))):
        proof = document(campaign, province, f"{number}/BC-UBND", done_on)
        mark_done(tasks[number], proof.id, editor)
    db.session.commit()

    # The four reports: Q1 on time, 6 months late, Q3 missing, the year received on paper
    # before its due day (15/11).
    periods = {period.key: period for period in set_schedule(
        campaign, default_schedule(2021), admin)}
    db.session.commit()
    for key, signed in (("q1", date(2021, 3, 12)), ("h1", date(2021, 6, 20))):
        report = document(campaign, province, f"{key}/BC-UBND", signed)
        submit_report(periods[key], province, report.id, {}, editor)
    record_outside(periods["year"], province, date(2021, 11, 14), "Nhận bản giấy qua văn thư",
                   admin)
    db.session.commit()

    criteria_set = criteria_set_for(dossier)
    proposed = feeds.proposals(dossier, criteria_set, YEAR_END)
    issued, completion, reports = proposed["1.1.1"], proposed["1.1.2"], proposed["1.2.1"]
    rule = {code: criteria_set.leaf(code).rule for code in ("1.1.1", "1.1.2", "1.2.1")}
    # Issued before its due day: "timely", the full point.
    assert (issued.figure, issued.value) == ("on_time", "timely")
    assert issued.points == rule["1.1.1"].score("timely").points == 1
    # 3 of 5 done by the annual cut-off (20/11), the late one among them: 60 %, below 70 %.
    assert completion.value == 60
    assert completion.points == rule["1.1.2"].score(60).points == 0
    assert [row["number"] for row in completion.evidence["late"]] == ["3"]
    # One late and one missing: two failures at 0.25 each.
    assert reports.value == 2
    assert reports.points == rule["1.2.1"].score(2).points == 0.5
    states = {row["period"]: row["state"] for row in reports.evidence["reports"]}
    assert states == {"q1": "on_time", "h1": "late", "q3": "missing", "year": "on_time"}
