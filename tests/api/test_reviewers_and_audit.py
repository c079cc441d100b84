"""Reviewer assignments and the audit log through the API: who may do what, and the filters."""

from datetime import UTC, datetime

from sqlalchemy import select

from server.campaigns.reviewers import may_appraise
from server.extensions import db
from server.models import AuditEvent, ReviewerAssignment


def test_admin_assigns_and_removes_a_reviewer_with_audited_events(client, make, token_for):
    campaign = make.campaign()
    admin, reviewer = make.user("admin"), make.user("reviewer")
    headers = token_for(admin)
    url = f"/api/v1/campaigns/{campaign.id}/reviewer-assignments"
    response = client.post(url, json={"reviewer_id": reviewer.id, "domains": ["4", "1", "1"],
                                      "unit_group": "department"}, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["domains"], body["unit_group"], body["reviewer"]) == (
        ["1", "4"], "department", reviewer.username)
    assert [a["id"] for a in client.get(url, headers=headers).get_json()] == [body["id"]]
    assert client.delete(f"/api/v1/reviewer-assignments/{body['id']}",
                         headers=headers).status_code == 204
    assert db.session.scalar(select(ReviewerAssignment)) is None
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "reviewer_assignment").order_by(AuditEvent.id)).all()
    assert actions == ["reviewer_assignment.created", "reviewer_assignment.deleted"]


def test_only_an_admin_assigns_and_a_reviewer_reads_only_their_own(client, make, token_for):
    campaign = make.campaign()
    reviewer, other = make.user("reviewer"), make.user("reviewer")
    db.session.add_all([ReviewerAssignment(campaign_id=campaign.id, reviewer_id=r.id,
                                           domains=["1"]) for r in (reviewer, other)])
    db.session.commit()
    url = f"/api/v1/campaigns/{campaign.id}/reviewer-assignments"
    for role, unit in (("reviewer", None), ("unit_head", make.unit()),
                       ("unit_editor", make.unit()), ("viewer", None)):
        response = client.post(url, json={"reviewer_id": reviewer.id, "domains": ["2"]},
                               headers=token_for(make.user(role, unit)))
        assert response.status_code == 403, role
        assert response.mimetype == "application/problem+json"
    own = client.get(url, headers=token_for(reviewer)).get_json()
    assert [a["reviewer_id"] for a in own] == [reviewer.id]
    assert client.get(url, headers=token_for(make.user("viewer"))).status_code == 403
    some_id = db.session.scalars(select(ReviewerAssignment.id)).first()
    assert client.delete(f"/api/v1/reviewer-assignments/{some_id}",
                         headers=token_for(reviewer)).status_code == 403
    assert db.session.query(ReviewerAssignment).count() == 2


def test_bad_assignments_answer_422_naming_each_field(client, make, token_for):
    campaign = make.campaign()
    not_a_reviewer = make.user("viewer")
    response = client.post(f"/api/v1/campaigns/{campaign.id}/reviewer-assignments",
                           json={"reviewer_id": not_a_reviewer.id, "domains": [],
                                 "unit_group": "galaxy"},
                           headers=token_for(make.user("admin")))
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(fields) == {"reviewer", "domains", "unit_group"}
    assert fields["domains"] == "Chọn ít nhất một lĩnh vực."
    assert db.session.query(ReviewerAssignment).count() == 0


def test_may_appraise_checks_campaign_group_domain_and_own_unit(make):
    unit = make.unit(level="department")
    campaign = make.campaign(pins=(("department", "province-2020", "1.0.0"),))
    assessment = make.assessment(campaign, unit)
    reviewer = make.user("reviewer", domains=["1", "4"])
    assert not may_appraise(reviewer, assessment)
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                      domains=["1", "2"], unit_group="department"))
    db.session.commit()
    assert may_appraise(reviewer, assessment)
    assert may_appraise(reviewer, assessment, "1")
    assert not may_appraise(reviewer, assessment, "2")  # not among the reviewer's own domains
    assert not may_appraise(reviewer, assessment, "4")  # not assigned in this campaign
    assert not may_appraise(make.user("reviewer", unit), assessment)  # from the unit itself
    assert may_appraise(make.user("admin"), assessment, "7")
    assert not may_appraise(make.user("admin", unit), assessment)
    assert not may_appraise(make.user("unit_head", unit), assessment)


def _event(action, unit=None, actor=None, at=None):
    from server.audit import chain as audit_chain

    row = audit_chain.append(action=action, object_type="thing", object_id="1",
                             unit_id=unit.id if unit else None,
                             actor_id=actor.id if actor else None, at=at)
    db.session.commit()
    return row.id


def test_audit_events_admin_sees_all_units_their_own_others_nothing(client, make, token_for):
    mine, theirs = make.unit(), make.unit()
    head = make.user("unit_head", mine)
    editor = make.user("unit_editor", mine)
    own_id = _event("answer.saved", mine)
    _event("answer.saved", theirs)
    _event("settings.changed")
    url = "/api/v1/audit-events?action=answer.saved"
    admin_page = client.get(url, headers=token_for(make.user("admin"))).get_json()
    assert admin_page["total"] == 2
    head_page = client.get("/api/v1/audit-events", headers=token_for(head)).get_json()
    assert [e["id"] for e in head_page["items"]] == [own_id]
    editor_page = client.get("/api/v1/audit-events", headers=token_for(editor)).get_json()
    assert [e["id"] for e in editor_page["items"]] == [own_id]
    assert client.get(f"/api/v1/audit-events?unit_id={theirs.id}",
                      headers=token_for(head)).get_json()["total"] == 0
    for role in ("viewer", "reviewer"):
        body = client.get("/api/v1/audit-events", headers=token_for(make.user(role))).get_json()
        assert body["total"] == 0, role
    assert client.get("/api/v1/audit-events").status_code == 401


def test_audit_event_filters_and_pages(client, make, token_for):
    unit = make.unit()
    admin = make.user("admin")
    actor = make.user("unit_editor", unit)
    old = _event("answer.saved", unit, actor, at=datetime(2021, 3, 1, 3, 0, tzinfo=UTC))
    new = _event("answer.saved", unit, actor, at=datetime(2021, 3, 2, 3, 0, tzinfo=UTC))
    _event("assessment.submit", unit)
    # 16:59 UTC on 1 March is 23:59 on 1 March in Hà Nội; 17:00 UTC is already 2 March.
    late = _event("answer.saved", unit, actor, at=datetime(2021, 3, 1, 17, 0, tzinfo=UTC))
    headers = token_for(admin)

    def ids(query):
        response = client.get(f"/api/v1/audit-events?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [e["id"] for e in response.get_json()["items"]]

    assert ids(f"actor_id={actor.id}") == [late, new, old]
    assert ids("action=assessment.*") == ids("action=assessment.submit") != []
    assert ids(f"unit_id={unit.id}&from=2021-03-01&to=2021-03-01") == [old]
    assert ids("from=2021-03-02&to=2021-03-02&action=answer.saved") == [late, new]
    assert ids("per_page=2&page=2&action=answer.saved") == [old]
    response = client.get("/api/v1/audit-events?from=yesterday&per_page=0", headers=headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"from", "per_page"}


def test_an_assignment_outside_the_reviewers_own_domains_gives_no_right(make):
    unit = make.unit(level="department")
    campaign = make.campaign(pins=(("department", "province-2020", "1.0.0"),))
    assessment = make.assessment(campaign, unit)
    reviewer = make.user("reviewer", domains=["1"])
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                      domains=["2", "3"]))
    db.session.commit()
    assert not may_appraise(reviewer, assessment)
    assert not may_appraise(reviewer, assessment, "2")


def test_the_openapi_document_lists_the_new_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/assessments/{assessment_id}/transitions",
            "/api/v1/assessments/{assessment_id}/history", "/api/v1/audit-events",
            "/api/v1/campaigns/{campaign_id}/reviewer-assignments",
            "/api/v1/reviewer-assignments/{assignment_id}", "/api/v1/notifications",
            "/api/v1/notifications/{notification_id}/read"} <= set(paths)
