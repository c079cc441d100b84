"""The target planner's "make tasks": each step of a unit's target plan becomes a task of its
PAR plan, led by the agency given, due on the deadline given, naming the sub-criterion it aims
at; refused while the unit has no PAR plan."""

from datetime import date

import pytest

from server.extensions import db
from server.models import AuditEvent, PlanTask
from server.people.auth import issue_token
from server.planning.par_tasks import make_tasks
from server.planning.plans import plan_for_unit
from server.planning.targets import Target
from server.records.plans import RecordError, create_plan
from tests.cli.test_commands import run
from tests.helpers import csrf_token


def test_each_step_becomes_a_task_aiming_at_its_sub_criterion(group):
    campaign, head = group["campaign"], group["heads"]["P05"]
    target = Target(index=95)
    with pytest.raises(RecordError) as refused:
        make_tasks(campaign, "P05", target, head, lead_unit_code="P05",
                   deadline=date(2026, 9, 30))
    assert (refused.value.status, refused.value.field) == (409, "unit")
    assert "P05" in str(refused.value.message)
    create_plan(campaign, "P05", head)
    tasks = make_tasks(campaign, "P05", target, head, lead_unit_code="P01",
                       deadline=date(2026, 9, 30))
    db.session.commit()
    steps = plan_for_unit(campaign, "P05", target, head).steps
    assert [task.target_codes for task in tasks] == [[step.code] for step in steps]
    assert all(task.lead_unit.code == "P01" and task.deadline == date(2026, 9, 30)
               for task in tasks)
    assert tasks[0].title.startswith(steps[0].code) and tasks[0].domain == steps[0].domain_code
    event, = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "par_plan.tasks_from_target"))
    assert event.unit_id == group["dossiers"]["P05"].unit_id
    with pytest.raises(RecordError) as no_lead:
        make_tasks(campaign, "P05", target, head, lead_unit_code="", deadline=date(2026, 9, 30))
    assert no_lead.value.field == "lead_unit"


def test_another_units_head_cannot_make_its_tasks(group):
    campaign = group["campaign"]
    create_plan(campaign, "P05", group["admin"])
    with pytest.raises(Exception) as refused:  # the planner itself refuses: 404
        make_tasks(campaign, "P05", Target(index=95), group["heads"]["P04"],
                   lead_unit_code="P05", deadline=date(2026, 9, 30))
    assert getattr(refused.value, "status", None) == 404


def test_the_api_the_page_and_the_command_make_tasks(app, client, login, group):
    campaign, head = group["campaign"], group["heads"]["P05"]
    token = issue_token(head, "plan")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/campaigns/{campaign.id}/units/P05/plan/tasks"
    body = {"index": "95", "lead_unit_code": "P05", "deadline": "2026-09-30"}
    refused = client.post(url, json=body, headers=headers)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    create_plan(campaign, "P05", head)
    db.session.commit()
    made = client.post(url, json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    count = len(made.get_json()["tasks"])
    assert count and all(t["target_codes"] for t in made.get_json()["tasks"])
    bad = client.post(url, json={**body, "index": "abc"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "index"
    login(head)
    assessment = group["dossiers"]["P05"]
    page = client.get(f"/assessments/{assessment.id}/plan?index=95")
    assert 'id="make-tasks"' in page.get_data(as_text=True)
    posted = client.post(f"/assessments/{assessment.id}/plan/tasks", data={
        "csrf_token": csrf_token(page), "index": "95", "lead_unit_code": "P05",
        "deadline": "2026-09-30"})
    assert posted.status_code == 302 and "/par-plans/P05" in posted.location
    result = run(app, "par-plans", "from-target", str(campaign.id), "P05", "--target",
                 "index=95", "--lead", "P05", "--deadline", "30/09/2026")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count(PlanTask.id))) == 3 * count


def test_readers_of_the_plan_get_no_make_tasks_form(client, login, make, group):
    login(make.user("viewer"))
    page = client.get(f"/assessments/{group['dossiers']['P05'].id}/plan?index=95")
    assert page.status_code == 200 and 'id="make-tasks"' not in page.get_data(as_text=True)
