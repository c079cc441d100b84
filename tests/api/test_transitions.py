"""POST /api/v1/assessments/<id>/transitions: every role × transition × own or other unit, and
the refusals as problem+json (409 wrong state, 403 wrong actor, 422 missing reason or field)."""

import pytest
from sqlalchemy import func, select

from server.campaigns.workflow import TRANSITIONS
from server.extensions import db
from server.models import Assessment, AuditEvent, ReviewerAssignment, RoleMembership

UNIT_STEPS = ("submit", "withdraw", "explain")
APPRAISAL_STEPS = ("start_appraisal", "request_explanation", "complete_appraisal",
                   "reopen_appraisal")
COUNCIL_STEPS = ("finalise", "unfinalise", "reopen_published")
# Taken for a whole unit group by the publications service (tests/test_publications.py).
GROUP_STEPS = ("publish",)
ACTORS = ("admin", "assigned_reviewer", "unassigned_reviewer", "own_head", "own_editor",
          "other_head", "viewer")
ALLOWED = {
    **{key: {"own_head"} for key in UNIT_STEPS},
    **{key: {"admin", "assigned_reviewer"} for key in APPRAISAL_STEPS},
    **{key: {"admin"} for key in COUNCIL_STEPS},
    **{key: set() for key in GROUP_STEPS},
}


class LazyUsers(dict):
    """Users made on first use (password hashing is slow; most tests need two or three)."""

    def __init__(self, builders, **made):
        super().__init__(made)
        self.builders = builders

    def __missing__(self, key):
        self[key] = self.builders[key]()
        return self[key]


@pytest.fixture
def world(make):
    unit = make.unit("STP", level="department")
    other = make.unit("STC", level="department")
    campaign = make.campaign(pins=(("department", "province-2020", "1.0.0"),))
    assessment = make.assessment(campaign, unit)
    assigned = make.user("reviewer", username="assigned")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=assigned.id,
                                      domains=["1", "4"], unit_group="department"))
    db.session.commit()
    builders = {
        "admin": lambda: make.user("admin"),
        "unassigned_reviewer": lambda: make.user("reviewer"),
        "own_head": lambda: make.user("unit_head", unit),
        "own_editor": lambda: make.user("unit_editor", unit),
        "other_head": lambda: make.user("unit_head", other),
        "viewer": lambda: make.user("viewer"),
    }
    users = LazyUsers(builders, assigned_reviewer=assigned)
    return {"assessment": assessment, "campaign": campaign, "unit": unit, "users": users}


def _set_state(assessment, state):
    row = db.session.get(Assessment, assessment.id)
    row.state = state
    db.session.commit()


def _events():
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.startswith("assessment.")))


@pytest.mark.parametrize("key", list(TRANSITIONS))
@pytest.mark.parametrize("actor", ACTORS)
def test_role_by_transition_by_unit(client, world, token_for, key, actor):
    transition = TRANSITIONS[key]
    assessment = world["assessment"]
    _set_state(assessment, transition.sources[0])
    response = client.post(f"/api/v1/assessments/{assessment.id}/transitions",
                           json={"transition": key, "reason": "Lý do kiểm thử",
                                 "confirm_unanswered": True, "confirm_gaps": True},
                           headers=token_for(world["users"][actor]))
    db.session.expire_all()
    state = db.session.get(Assessment, assessment.id).state
    if actor in ALLOWED[key]:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == transition.target == state
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == f"assessment.{key}")).one()
        assert event.actor_id == world["users"][actor].id
        assert event.request_id == response.headers["X-Request-ID"]
    else:
        # Publishing one dossier alone is refused to whoever may see it (the group is published);
        # another unit's head is told there is no such dossier.
        refused = (404 if actor == "other_head" else 409 if key in GROUP_STEPS else 403)
        assert response.status_code == refused, response.get_json()
        assert response.mimetype == "application/problem+json"
        assert state == transition.sources[0]
        assert _events() == 0


def test_a_step_from_the_wrong_state_answers_409_naming_the_field(client, world, token_for):
    assessment = world["assessment"]
    response = client.post(f"/api/v1/assessments/{assessment.id}/transitions",
                           json={"transition": "finalise"},
                           headers=token_for(world["users"]["admin"]))
    assert response.status_code == 409
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert body["errors"][0]["field"] == "transition"
    assert "Đang tự đánh giá" in body["detail"]  # Vietnamese by default
    assert _events() == 0


def test_an_unknown_transition_answers_409(client, world, token_for):
    response = client.post(f"/api/v1/assessments/{world['assessment'].id}/transitions",
                           json={"transition": "teleport"},
                           headers=token_for(world["users"]["admin"]))
    assert response.status_code == 409
    assert "teleport" in response.get_json()["detail"]


def test_unfinalising_without_a_reason_answers_422_on_reason(client, world, token_for):
    assessment = world["assessment"]
    _set_state(assessment, "finalised")
    response = client.post(f"/api/v1/assessments/{assessment.id}/transitions",
                           json={"transition": "unfinalise", "reason": "  "},
                           headers=token_for(world["users"]["admin"]))
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "reason", "message": response.get_json()["detail"]}]
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).state == "finalised"


def test_a_missing_transition_field_answers_422(client, world, token_for):
    response = client.post(f"/api/v1/assessments/{world['assessment'].id}/transitions",
                           json={"reason": "x"}, headers=token_for(world["users"]["admin"]))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["transition"]


def test_no_token_401_and_no_assessment_404(client, world, token_for):
    url = f"/api/v1/assessments/{world['assessment'].id}/transitions"
    assert client.post(url, json={"transition": "submit"}).status_code == 401
    response = client.post("/api/v1/assessments/99999/transitions",
                           json={"transition": "submit"},
                           headers=token_for(world["users"]["admin"]))
    assert response.status_code == 404


def test_a_reviewer_assigned_in_another_campaign_or_group_is_refused(client, world, make,
                                                                      token_for):
    reviewer = make.user("reviewer")
    other_campaign = make.campaign(year=2022)
    db.session.add_all([
        ReviewerAssignment(campaign_id=other_campaign.id, reviewer_id=reviewer.id,
                           domains=["1"]),
        ReviewerAssignment(campaign_id=world["campaign"].id, reviewer_id=reviewer.id,
                           domains=["1"], unit_group="commune"),
    ])
    db.session.commit()
    _set_state(world["assessment"], "submitted")
    response = client.post(f"/api/v1/assessments/{world['assessment'].id}/transitions",
                           json={"transition": "start_appraisal"}, headers=token_for(reviewer))
    assert response.status_code == 403
    assert "phân công" in response.get_json()["detail"]


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_nobody_appraises_their_own_unit(client, world, make, token_for, role):
    user = make.user(role)
    # The same person also works in the assessed unit.
    user.memberships.append(RoleMembership(role="unit_editor", unit_id=world["unit"].id))
    db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id, reviewer_id=user.id,
                                      domains=["1"]))
    db.session.commit()
    _set_state(world["assessment"], "submitted")
    response = client.post(f"/api/v1/assessments/{world['assessment'].id}/transitions",
                           json={"transition": "start_appraisal"}, headers=token_for(user))
    assert response.status_code == 403


def test_get_lists_the_steps_the_caller_may_take(client, world, token_for):
    url = f"/api/v1/assessments/{world['assessment'].id}/transitions"
    body = client.get(url, headers=token_for(world["users"]["own_head"])).get_json()
    assert body["state"] == "draft"
    assert [t["key"] for t in body["transitions"]] == ["submit"]
    _set_state(world["assessment"], "submitted")
    for actor, expected in (("assigned_reviewer", ["start_appraisal"]),
                            ("unassigned_reviewer", []), ("viewer", [])):
        body = client.get(url, headers=token_for(world["users"][actor])).get_json()
        assert [t["key"] for t in body["transitions"]] == expected, actor
    assert client.get(url, headers=token_for(world["users"]["other_head"])).status_code == 404


def test_history_lists_the_steps_with_actor_and_reason(client, world, token_for):
    url = f"/api/v1/assessments/{world['assessment'].id}"
    head = token_for(world["users"]["own_head"])
    client.post(f"{url}/transitions", json={"transition": "submit", "confirm_unanswered": True},
                headers=head)
    client.post(f"{url}/transitions", json={"transition": "withdraw", "reason": "Sửa số liệu"},
                headers=head)
    history = client.get(f"{url}/history", headers=head).get_json()
    assert [(e["action"], e["before"], e["after"], e["reason"]) for e in history] == [
        ("assessment.submit", {"state": "draft"}, {"state": "submitted"}, ""),
        ("assessment.withdraw", {"state": "submitted"}, {"state": "draft"}, "Sửa số liệu"),
    ]
    assert history[0]["actor"] == world["users"]["own_head"].username
    other = token_for(world["users"]["other_head"])
    # The same answer as for an id that does not exist: ids reveal nothing.
    assert client.get(f"{url}/history", headers=other).status_code == 404
    assert client.get("/api/v1/assessments/999999/history", headers=other).status_code == 404


def test_submitting_through_the_workflow_endpoint_keeps_the_self_assessment_checks(
        client, make, token_for):
    """The generic transitions endpoint may not bypass the evidence rule or skip recording the
    submitted totals: submit goes through the self-assessment service."""
    from server.assessment import self_assessment
    from server.models import Submission

    unit = make.unit("QB", level="province")
    dossier = make.assessment(make.campaign(), unit)
    editor, head = make.user("unit_editor", unit), make.user("unit_head", unit)
    self_assessment.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}})
    url = f"/api/v1/assessments/{dossier.id}/transitions"
    refused = client.post(url, json={"transition": "submit", "confirm_unanswered": True},
                          headers=token_for(head))
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert db.session.get(Assessment, dossier.id).state == "draft"
    self_assessment.save_answers(dossier, editor, {"1.1.1": {
        "value": "timely", "explanation": "Kế hoạch số 24/KH-UBND ngày 27/01/2021",
        "version": 1}})
    assert client.post(url, json={"transition": "submit", "confirm_unanswered": True},
                       headers=token_for(head)).status_code == 200
    db.session.expire_all()
    assert db.session.get(Assessment, dossier.id).state == "submitted"
    assert db.session.query(Submission).filter_by(assessment_id=dossier.id).count() == 1
