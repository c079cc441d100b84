"""PAR plans over the API: a year kept through it, and its refusals (wrong unit, wrong phase,
bad table rows, foreign evidence), each a problem naming the field."""

import io
from datetime import date

import openpyxl
import pytest

from server.extensions import db
from server.models import Campaign, ParPlan
from server.people.auth import issue_token
from tests.records.par_plan_data import build_world, document, events
from tests.records.test_par_plans_table import xlsx


@pytest.fixture
def world(make):
    return build_world(make)


def _headers(user):
    token = issue_token(user, "par-plans")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _url(world, tail=""):
    return f"/api/v1/campaigns/{world['campaign'].id}/par-plans{tail}"


def _problem(answer, status, field=None):
    assert answer.status_code == status, answer.get_json()
    assert answer.content_type == "application/problem+json"
    if field is not None:
        assert field in {e["field"] for e in answer.get_json().get("errors", [])}, \
            answer.get_json()


def test_a_unit_keeps_its_plan_through_the_api(client, world):
    editor = _headers(world["justice_editor"])
    created = client.post(_url(world), json={"unit_code": "STP", "due_on": "2026-01-31"},
                          headers=editor)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["issued"] == "missing"
    doc = document(world["campaign"], world["justice"], "12/KH-STP", date(2026, 2, 2))
    issued = client.post(_url(world, "/STP/versions"), headers=editor, json={
        "decision_number": "12/KH-STP", "issued_on": "2026-02-02", "document_id": doc.id})
    assert issued.status_code == 201 and issued.get_json()["issued"] == "late"
    added = client.post(_url(world, "/STP/tasks"), headers=editor, json={
        "title": "Rà soát TTHC", "lead_unit_code": "STP", "deadline": "2026-06-30",
        "cooperating": ["STC"]})
    assert added.status_code == 201, added.get_json()
    task_id = added.get_json()["id"]
    proof = document(world["campaign"], world["justice"], "45/BC-STP", date(2026, 6, 12))
    done = client.post(_url(world, f"/STP/tasks/{task_id}/done"), headers=editor,
                       json={"document_id": proof.id})
    assert done.status_code == 200 and done.get_json()["completed_on"] == "2026-06-12"
    plan = client.get(_url(world, "/STP"), headers=editor).get_json()
    assert [t["standing"] for t in plan["tasks"]] == ["done_on_time"]
    listing = client.get(_url(world), headers=_headers(world["viewer"])).get_json()
    assert [(p["unit_code"], p["issued"], p["tasks"]) for p in listing["plans"]] == [
        ("STP", "late", 1)]
    grid = client.get(_url(world, "/progress?day=2026-07-01"), headers=editor).get_json()
    assert grid["totals"]["done_on_time"] == 1
    workbook = client.get(_url(world, "/progress.xlsx?by=lead"), headers=editor)
    assert workbook.status_code == 200
    export = client.get(_url(world, "/STP/tasks.xlsx"), headers=editor)
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "Rà soát TTHC" and rows[1][6] == "30/06/2026"
    assert {e.action for e in events("par_plan.create") + events("par_task.done")} == {
        "par_plan.create", "par_task.done"}


def test_another_units_people_get_404_and_readers_cannot_write(client, world):
    client.post(_url(world), json={"unit_code": "STP"}, headers=_headers(world["admin"]))
    _problem(client.get(_url(world, "/STP"), headers=_headers(world["finance_head"])), 404)
    _problem(client.post(_url(world, "/STP/tasks"), json={"title": "X"},
                         headers=_headers(world["finance_head"])), 404)
    _problem(client.post(_url(world, "/STP/tasks"), json={"title": "X"},
                         headers=_headers(world["viewer"])), 403)
    _problem(client.post(_url(world), json={"unit_code": "STC"},
                         headers=_headers(world["justice_editor"])), 403, "unit_code")
    assert client.get(_url(world, "/STP"), headers=_headers(world["reviewer"])).status_code \
        == 200


def test_writes_outside_the_records_phase_are_409(client, world):
    client.post(_url(world), json={"unit_code": "STP"}, headers=_headers(world["admin"]))
    db.session.get(Campaign, world["campaign"].id).state = "closed"
    db.session.commit()
    _problem(client.post(_url(world, "/STP/tasks"), json={"title": "X"},
                         headers=_headers(world["justice_editor"])), 409, "campaign")
    _problem(client.post(_url(world), json={"unit_code": "STC"},
                         headers=_headers(world["finance_head"])), 409, "campaign")


def test_foreign_evidence_is_refused_naming_the_field(client, world):
    headers = _headers(world["justice_editor"])
    client.post(_url(world), json={"unit_code": "STP"}, headers=headers)
    foreign = document(world["campaign"], world["finance"], "7/STC", date(2026, 1, 9))
    _problem(client.post(_url(world, "/STP/versions"), headers=headers, json={
        "decision_number": "1/KH", "issued_on": "2026-01-09", "document_id": foreign.id}),
        422, "document_id")
    task_id = client.post(_url(world, "/STP/tasks"), headers=headers,
                          json={"title": "X"}).get_json()["id"]
    _problem(client.post(_url(world, f"/STP/tasks/{task_id}/done"), headers=headers,
                         json={"document_id": foreign.id}), 422, "document_id")
    _problem(client.post(_url(world, "/STP/tasks"), headers=headers,
                         json={"title": "X", "lead_unit_code": "NOPE"}), 422, "lead_unit")


def test_a_table_with_bad_rows_fails_its_job_naming_rows_and_columns(client, world):
    headers = _headers(world["admin"])
    client.post(_url(world), json={"unit_code": "QB"}, headers=headers)
    bad = xlsx((1, "", "", "3", "STP", "", "30/06/2026"),
               (2, "Sai", "", "3", "STP", "", "ngày mai"))
    queued = client.post(_url(world, "/QB/tasks/import"), headers=headers,
                         data={"file": (io.BytesIO(bad), "ke-hoach.xlsx")})
    assert queued.status_code == 202, queued.get_json()
    job = client.get(f"/api/v1/jobs/{queued.get_json()['id']}", headers=headers).get_json()
    assert job["state"] == "failed"
    assert sorted((p["row"], p["column"]) for p in job["problems"]) == [
        (2, "Nhiệm vụ"), (3, "Thời hạn hoàn thành")]
    assert db.session.scalar(db.select(ParPlan)).tasks == []
    good = xlsx((1, "Rà soát", "", "3", "STP", "", "30/06/2026"))
    queued = client.post(_url(world, "/QB/tasks/import"), headers=headers,
                         data={"file": (io.BytesIO(good), "ke-hoach.xlsx")})
    job = client.get(f"/api/v1/jobs/{queued.get_json()['id']}", headers=headers).get_json()
    assert job["state"] == "done" and job["result"] == {"created": 1}
    other = client.post(_url(world, "/QB/tasks/import"), headers=headers,
                        data={"file": (io.BytesIO(b"x"), "ke-hoach.pdf")})
    _problem(other, 422)


def test_a_patch_changes_only_what_it_sends(client, world):
    headers = _headers(world["justice_editor"])
    client.post(_url(world), json={"unit_code": "STP", "due_on": "2026-01-31"},
                headers=headers)
    titled = client.patch(_url(world, "/STP"), json={"title": "Kế hoạch CCHC 2026"},
                          headers=headers).get_json()
    assert (titled["title"], titled["due_on"]) == ("Kế hoạch CCHC 2026", "2026-01-31")
    cleared = client.patch(_url(world, "/STP"), json={"due_on": None},
                           headers=headers).get_json()
    assert (cleared["title"], cleared["due_on"]) == ("Kế hoạch CCHC 2026", None)
    assert len(events("par_plan.edit")) == 2
