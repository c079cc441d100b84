"""/api/v1/assessments/<id>/appraisal: the reviewer's view, one decision per sub-criterion and
the explicit accept-all, with refusals as problem+json naming the field."""

import pytest
from sqlalchemy import func, select

from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Answer, AuditEvent, ReviewerAssignment


@pytest.fixture
def world(make):
    unit = make.unit("QB", level="province")
    assessment = make.assessment(make.campaign(), unit)
    editor = make.user("unit_editor", unit)
    sa.save_answers(assessment, editor, {"1.1.1": {"value": "timely"},
                                         "1.1.2": {"value": "95"}})
    assessment.state = "in_appraisal"
    reviewer = make.user("reviewer", username="rv")
    db.session.add(ReviewerAssignment(campaign_id=assessment.campaign_id,
                                      reviewer_id=reviewer.id, domains=["1"]))
    db.session.commit()
    return {"assessment": assessment, "reviewer": reviewer, "editor": editor,
            "url": f"/api/v1/assessments/{assessment.id}/appraisal"}


def _appraisals():
    return db.session.scalar(select(func.count(Answer.id)).filter_by(source="appraisal"))


def test_accept_adjust_and_view(client, world, token_for):
    headers = token_for(world["reviewer"])
    accepted = client.post(f"{world['url']}/1.1.1", json={"action": "accept"}, headers=headers)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["kind"] == "accepted" and accepted.get_json()["version"] == 1
    adjusted = client.post(f"{world['url']}/1.1.1", headers=headers, json={
        "action": "adjust", "value": "late", "reason": "Muộn", "version": 1})
    assert adjusted.status_code == 200, adjusted.get_json()
    assert adjusted.get_json()["value"] == "late" and adjusted.get_json()["version"] == 2
    view = client.get(world["url"], headers=headers).get_json()
    item = next(i for i in view["items"] if i["code"] == "1.1.1")
    assert item["self"]["value"] == "timely"
    assert item["appraisal"]["reason"] == "Muộn" and item["appraisal"]["kind"] == "adjusted"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.startswith("appraisal."))) == 2


@pytest.mark.parametrize("body, status, field", [
    ({"action": "adjust", "value": "late"}, 422, "reason"),
    ({"action": "adjust", "value": "soon", "reason": "x"}, 422, "value"),
    ({"action": "request_explanation"}, 422, "reason"),
    ({"action": "approve"}, 422, "action"),
    ({"action": "accept", "version": 4}, 409, "version"),
])
def test_refusals_name_the_field(client, world, token_for, body, status, field):
    response = client.post(f"{world['url']}/1.1.1", json=body,
                           headers=token_for(world["reviewer"]))
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert _appraisals() == 0


def test_unknown_code_answers_422_on_code(client, world, token_for):
    response = client.post(f"{world['url']}/1.1.3", json={"action": "accept"},
                           headers=token_for(world["reviewer"]))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "code"


def test_wrong_state_answers_409(client, world, token_for):
    world["assessment"].state = "submitted"
    db.session.commit()
    response = client.post(f"{world['url']}/1.1.1", json={"action": "accept"},
                           headers=token_for(world["reviewer"]))
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert _appraisals() == 0


@pytest.mark.parametrize("who", ["unassigned", "editor", "viewer", "other_head"])
def test_others_are_refused(client, world, make, token_for, who):
    user = {"unassigned": lambda: make.user("reviewer"), "editor": lambda: world["editor"],
            "viewer": lambda: make.user("viewer"),
            "other_head": lambda: make.user("unit_head", make.unit("HN"))}[who]()
    headers = token_for(user)
    expected = 404 if who == "other_head" else 403
    assert client.post(f"{world['url']}/1.1.1", json={"action": "accept"},
                       headers=headers).status_code == expected
    assert client.get(world["url"], headers=headers).status_code == expected
    assert client.post(f"{world['url']}/accept-untouched", json={"domain": "1"},
                       headers=headers).status_code == expected
    assert _appraisals() == 0


def test_accept_untouched(client, world, token_for):
    headers = token_for(world["reviewer"])
    client.post(f"{world['url']}/1.1.1", headers=headers,
                json={"action": "adjust", "value": "none", "reason": "Không có"})
    response = client.post(f"{world['url']}/accept-untouched", json={"domain": "1"},
                           headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"accepted": ["1.1.2"]}
    refused = client.post(f"{world['url']}/accept-untouched", json={"domain": "2"},
                          headers=headers)
    assert refused.status_code == 403
    missing = client.post(f"{world['url']}/accept-untouched", json={}, headers=headers)
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "domain"


def test_no_token_401_and_no_assessment_404(client, world, token_for):
    assert client.get(world["url"]).status_code == 401
    response = client.get("/api/v1/assessments/99999/appraisal",
                          headers=token_for(world["reviewer"]))
    assert response.status_code == 404
