"""Periodic PAR reports through the API, the pages and the CLI: the same services, refusals named
per field, a unit sending its Q1 report from its page, the administrator's forms, the roll-up
download and who may get it."""

import io
import json
from datetime import date

import openpyxl
import pytest
import yaml
from sqlalchemy import select

from server.extensions import db
from server.models import AppendixTemplate, AuditEvent, ReportPeriod, ReportSubmission
from server.records.reports import submit_report
from tests.cli.test_commands import run
from tests.helpers import csrf_token
from tests.records.periodic_world import FIGURES, KEYS, build, document, template_file, xlsx


@pytest.fixture
def world(make):
    return build(make)


def _base(world):
    return f"/api/v1/campaigns/{world['campaign'].id}/report-periods"


# ------------------------------------------------------------------------------------- API

def test_the_schedule_over_the_api(client, world, token_for):
    admin, editor = token_for(world["admin"]), token_for(world["editor"])
    listed = client.get(_base(world), headers=editor).get_json()
    assert [p["key"] for p in listed["periods"]] == ["q1", "h1", "q3", "year"]
    assert listed["domain_offices"] == {"2": "STP"}
    assert listed["templates"][0]["fields"][0]["key"] == KEYS[0]
    proposal = client.get(f"{_base(world)}/proposal", headers=admin).get_json()
    assert "164/UBND-NV" in proposal["source"]
    assert proposal["periods"][0]["due_on"] == "2021-03-13"
    rows = proposal["periods"]
    rows[0]["due_on"] = "2020-12-01"
    refused = client.put(_base(world), headers=admin, json={"periods": rows})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert [e["field"] for e in refused.get_json()["errors"]] == ["periods.0.due_on"]
    rows[0]["due_on"] = "2021-03-13"
    saved = client.put(_base(world), headers=admin, json={"periods": rows})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["periods"][0]["template"] is None
    assert client.put(_base(world), headers=editor, json={"periods": rows}).status_code == 403
    offices = client.put(f"{_base(world)}/domain-offices", headers=admin,
                         json={"offices": {"2": "STP", "99": "STP"}})
    assert [e["field"] for e in offices.get_json()["errors"]] == ["offices.99"]


def test_a_template_upload_over_the_api(client, world, token_for):
    admin = token_for(world["admin"])
    wrong = xlsx(["Số văn bản", "Ghi chú"], ["số", "ngày"])
    bad = client.post(f"{_base(world)}/templates", headers=admin,
                      content_type="multipart/form-data",
                      data={"name": "Phụ lục 3A", "file": (io.BytesIO(wrong), "3a.xlsx")})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["field"] == "file"
    assert "B (Ghi chú)" in bad.get_json()["errors"][0]["message"]
    good = client.post(f"{_base(world)}/templates", headers=admin,
                       content_type="multipart/form-data",
                       data={"name": "Phụ lục 3A", "file": (io.BytesIO(template_file()),
                                                            "3a.xlsx")})
    assert good.status_code == 201 and len(good.get_json()["fields"]) == 4
    assert db.session.scalar(select(db.func.count(AppendixTemplate.id))) == 2


def test_a_unit_sends_its_report_over_the_api(client, world, token_for):
    editor = token_for(world["editor"])
    doc = document(world["campaign"], world["x1"], date(2021, 3, 12))
    foreign = document(world["campaign"], world["x2"], date(2021, 3, 12))
    url = f"{_base(world)}/q1/units/X1"
    bad = client.put(url, headers=editor, json={"document_id": foreign.id,
                                                "figures": {**FIGURES, KEYS[2]: "101"}})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert {e["field"] for e in bad.get_json()["errors"]} == {"document_id",
                                                              f"figures.{KEYS[2]}"}
    sent = client.put(url, headers=editor, json={"document_id": doc.id, "figures": FIGURES})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["on_time"] is True and sent.get_json()["document_date"] == "2021-03-12"
    other = client.put(f"{_base(world)}/q1/units/X2", headers=editor,
                       json={"document_id": doc.id, "figures": FIGURES})
    assert other.status_code == 403
    period = client.get(f"{_base(world)}/q1", headers=editor).get_json()
    assert [(r["unit_code"], r["standing"]) for r in period["reports"]] == [("X1", "on_time")]
    everything = client.get(f"{_base(world)}/q1", headers=token_for(world["viewer"])).get_json()
    assert [r["unit_code"] for r in everything["reports"]] == ["STP", "STP", "X1", "X2"]
    assert client.get(f"{_base(world)}/nope", headers=editor).status_code == 404


def test_outside_late_and_rollup_over_the_api(client, world, token_for):
    admin = token_for(world["admin"])
    url = f"{_base(world)}/q1/units/X2/outside"
    refused = client.put(url, headers=admin, json={"received_on": "", "outside_reason": ""})
    assert {e["field"] for e in refused.get_json()["errors"]} == {"received_on",
                                                                  "outside_reason"}
    assert client.put(url, headers=token_for(world["editor"]),
                      json={"received_on": "2021-03-20", "outside_reason": "x"}
                      ).status_code == 403
    recorded = client.put(url, headers=admin, json={"received_on": "20/03/2021",
                                                    "outside_reason": "Bản giấy"})
    assert recorded.status_code == 200 and recorded.get_json()["on_time"] is False
    late = client.get(f"{_base(world)}/late", headers=admin).get_json()
    q1 = next(p for p in late["periods"] if p["period"] == "q1")
    assert ("X2", "late") in [(r["unit_code"], r["standing"]) for r in q1["reports"]]
    assert ("X1", "missing") in [(r["unit_code"], r["standing"]) for r in q1["reports"]]
    workbook = client.get(f"{_base(world)}/q1/rollup.xlsx", headers=admin)
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.data))["Tổng hợp"]["B2"].value == "STP"
    district = client.get(f"{_base(world)}/q1/rollup.xlsx",
                          headers=token_for(world["district_head"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(district.data))["Tổng hợp"].iter_rows(
        values_only=True))
    assert [r[1] for r in rows[1:-1]] == ["X1", "X2"]
    assert client.get(f"{_base(world)}/q1/rollup.xlsx",
                      headers=token_for(world["editor"])).status_code == 403


# ----------------------------------------------------------------------------------- pages

def _post(client, url, data):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


def test_a_unit_sends_its_q1_report_from_its_page(client, world, login):
    doc = document(world["campaign"], world["x1"], date(2021, 3, 12), "12/BC-UBND")
    login(world["editor"])
    home = client.get(f"/campaigns/{world['campaign'].id}/reports")
    assert home.status_code == 200
    url = f"/campaigns/{world['campaign'].id}/reports/units/X1"
    assert url.encode() in home.data
    form = {"period": "q1", "domain": "", "document_id": str(doc.id),
            **{f"fig-{k}": str(v) for k, v in FIGURES.items()}}
    bad = _post(client, url, {**form, f"fig-{KEYS[0]}": "-3"})
    assert bad.status_code == 422 and "Số TTHC được công bố".encode() in bad.data
    assert db.session.scalar(select(db.func.count(ReportSubmission.id))) == 0
    sent = _post(client, url, form)
    assert sent.status_code == 302
    page = client.get(url)
    assert b'data-period="q1" data-domain="" data-standing="on_time"' in page.data
    assert db.session.scalars(select(ReportSubmission)).one().figures[KEYS[1]] == "150.5"
    assert client.get(f"/campaigns/{world['campaign'].id}/reports/units/X2").status_code == 403
    assert client.get(f"/campaigns/{world['campaign'].id}/reports/schedule").status_code == 403


def test_the_administrators_pages(client, world, login):
    campaign = world["campaign"]
    login(world["admin"])
    base = f"/campaigns/{campaign.id}/reports"
    proposal = client.get(f"{base}/schedule?proposal=1")
    assert proposal.status_code == 200 and b"164/UBND-NV" in proposal.data
    form = {"rows": "1", "key-0": "q1", "label-0": "Quý I", "covers_from-0": "15/12/2020",
            "covers_to-0": "10/03/2021", "due_on-0": "01/12/2020"}
    bad = _post(client, f"{base}/schedule", form)
    assert bad.status_code == 422
    assert db.session.scalar(select(db.func.count(ReportPeriod.id))) == 4
    saved = _post(client, f"{base}/schedule", {**form, "due_on-0": "13/03/2021"})
    assert saved.status_code == 302  # the other three have no reports: they leave
    assert db.session.scalar(select(db.func.count(ReportPeriod.id))) == 1
    uploaded = client.post(f"{base}/templates", data={
        "csrf_token": csrf_token(client.get(f"{base}/templates")), "name": "Phụ lục 3A",
        "file": (io.BytesIO(xlsx(["Số", "X"], ["số", "bogus"])), "3a.xlsx")},
        content_type="multipart/form-data")
    assert uploaded.status_code == 422 and "B (X)" in uploaded.get_data(as_text=True)
    outside = _post(client, f"{base}/periods/q1/outside",
                    {"sender": "X1|", "received_on": "12/03/2021",
                     "outside_reason": "Gửi bản giấy"})
    assert outside.status_code == 302
    period = client.get(f"{base}/periods/q1")
    assert b'data-unit="X1" data-domain="" data-standing="on_time"' in period.data
    assert client.get(f"{base}/periods/q1/rollup.xlsx").status_code == 200
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report.recorded_outside")).one().reason == "Gửi bản giấy"
    assert client.get("/reports").status_code == 302


def test_pages_others_may_not_use(client, world, login):
    campaign = world["campaign"]
    login(world["viewer"])
    base = f"/campaigns/{campaign.id}/reports"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/periods/q1").status_code == 200
    assert client.get(f"{base}/periods/q1/rollup.xlsx").status_code == 403
    assert client.get(f"{base}/periods/q1/outside").status_code == 403
    assert client.get(f"{base}/templates").status_code == 403
    assert client.get(f"{base}/periods/nope").status_code == 404


# ------------------------------------------------------------------------------------- CLI

def test_the_commands(app, world, tmp_path):
    campaign = str(world["campaign"].id)
    proposal = run(app, "reports", "schedule", "propose", campaign)
    assert proposal.exit_code == 0 and "164/UBND-NV" in proposal.output
    schedule = tmp_path / "lich.yaml"
    schedule.write_text(proposal.output, encoding="utf-8")
    assert run(app, "reports", "schedule", "set", campaign, str(schedule)).exit_code == 0
    shown = run(app, "reports", "schedule", "show", campaign)
    assert "due_on: '2021-03-13'" in shown.output and "domain_offices" in shown.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"key": "q1", "label": "Q1", "covers_from": "2021-03-10",
                                "covers_to": "2021-03-01", "due_on": "2021-03-13"}]))
    refused = run(app, "reports", "schedule", "set", campaign, str(bad))
    assert refused.exit_code != 0 and "periods.0.covers_to" in refused.output
    template = tmp_path / "3b.xlsx"
    template.write_bytes(template_file())
    uploaded = run(app, "reports", "template", "upload", campaign, "Phụ lục 3C", str(template))
    assert uploaded.exit_code == 0 and f"{KEYS[0]}\tinteger (required)" in uploaded.output
    rows = yaml.safe_load(proposal.output)["periods"]
    schedule.write_text(yaml.safe_dump({"periods": [{**r, "template": "Phụ lục 3B"}
                                                    for r in rows]}), encoding="utf-8")
    assert run(app, "reports", "schedule", "set", campaign, str(schedule)).exit_code == 0
    doc = document(world["campaign"], world["x1"], date(2021, 3, 12))
    sent = run(app, "reports", "submit", campaign, "q1", "X1", "--document", str(doc.id),
               *[f"--figure={k}={v}" for k, v in FIGURES.items()])
    assert sent.exit_code == 0, sent.output
    wrong = run(app, "reports", "submit", campaign, "q1", "X1", "--document", str(doc.id),
                "--figure", f"{KEYS[0]}=abc")
    assert wrong.exit_code != 0 and f"figures.{KEYS[0]}" in wrong.output
    outside = run(app, "reports", "record-outside", campaign, "q1", "X2", "--received-on",
                  "20/03/2021", "--reason", "Bản giấy")
    assert outside.exit_code == 0
    late = run(app, "reports", "late", campaign, "--today", "01/04/2021")
    assert "q1\tX2\t\tlate\t20/03/2021" in late.output.splitlines()
    assert "q1\tSTP\t\tmissing\t" in late.output.splitlines()
    out = tmp_path / "tong-hop.xlsx"
    rolled = run(app, "reports", "rollup", campaign, "q1", "--out", str(out))
    assert rolled.exit_code == 0 and "2 of 4" in rolled.output
    sheet = openpyxl.load_workbook(out)["Tổng hợp"]
    assert sheet.cell(sheet.max_row, 3).value == "Tổng cộng"
    reminded = run(app, "notify-deadlines", "--now", "2021-09-10T03:00:00")
    assert reminded.exit_code == 0 and "4 report reminder(s) sent" in reminded.output


def test_submitting_is_shared_by_every_interface(world):
    # The page, the API and the CLI call the one service; its refusal of a closed campaign.
    world["campaign"].state = "closed"
    db.session.commit()
    doc = document(world["campaign"], world["x1"], date(2021, 3, 12))
    with pytest.raises(Exception) as refused:
        submit_report(world["periods"]["q1"], world["x1"], doc.id, FIGURES, None)
    assert getattr(refused.value, "status", None) == 409
