"""The campaign's own workflow (draft → open → closed, reopened with a reason) through the API
and the CLI: who may take each step, from which state, audited with before and after."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Campaign, ReviewerAssignment


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _covered_campaign(make, **fields):
    make.unit("QB", level="province")
    campaign = make.campaign(state="draft", **fields)
    db.session.add(ReviewerAssignment(campaign_id=campaign.id,
                                      reviewer_id=make.user("reviewer").id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    return campaign


def _step(client, campaign, headers, transition, **body):
    return client.post(f"/api/v1/campaigns/{campaign.id}/transitions", headers=headers,
                       json={"transition": transition, **body})


def _keys(client, campaign, headers):
    return [t["key"] for t in client.get(f"/api/v1/campaigns/{campaign.id}/transitions",
                                         headers=headers).get_json()["transitions"]]


def test_open_close_and_reopen_with_a_reason(client, make, admin_headers):
    campaign = _covered_campaign(make)
    assert _keys(client, campaign, admin_headers) == ["open"]
    assert _step(client, campaign, admin_headers, "close").status_code == 409
    opened = _step(client, campaign, admin_headers, "open")
    assert opened.status_code == 202 and opened.get_json()["job"]["progress"]["done"] == 1
    assert _keys(client, campaign, admin_headers) == ["open", "close"]

    closed = _step(client, campaign, admin_headers, "close", reason="Hết năm")
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    assert _keys(client, campaign, admin_headers) == ["reopen"]
    assert _step(client, campaign, admin_headers, "open").status_code == 409
    no_reason = _step(client, campaign, admin_headers, "reopen")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    reopened = _step(client, campaign, admin_headers, "reopen", reason="Sửa điểm sau phúc tra")
    assert reopened.status_code == 200 and reopened.get_json()["state"] == "open"

    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "campaign").order_by(AuditEvent.id)).all()
    assert [(e.action, e.before["state"], e.after["state"]) for e in events] == [
        ("campaign.opened", "draft", "open"), ("campaign.close", "open", "closed"),
        ("campaign.reopen", "closed", "open")]
    assert events[-1].reason == "Sửa điểm sau phúc tra"
    unknown = _step(client, campaign, admin_headers, "archive")
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "transition"


def test_reopening_after_the_closing_date_needs_a_new_one(client, make, admin_headers):
    past = datetime.now(UTC) - timedelta(days=1)
    campaign = _covered_campaign(make, closes_at=past)
    campaign.state = "closed"
    db.session.commit()
    refused = _step(client, campaign, admin_headers, "reopen", reason="Sửa")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "closes_at"
    earlier = _step(client, campaign, admin_headers, "reopen", reason="Sửa",
                    closes_at="2020-01-01")
    assert earlier.status_code == 422
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    reopened = _step(client, campaign, admin_headers, "reopen", reason="Sửa", closes_at=later)
    assert reopened.status_code == 200
    assert reopened.get_json()["closes_at"] == f"{later}T23:59:59+07:00"


@pytest.mark.parametrize("role", ["unit_head", "reviewer", "viewer"])
def test_only_administrators_take_the_steps(client, make, token_for, role):
    campaign = _covered_campaign(make)
    headers = token_for(make.user(role, make.unit() if role == "unit_head" else None))
    assert _keys(client, campaign, headers) == []
    assert _step(client, campaign, headers, "open").status_code == 403
    assert client.get(f"/api/v1/campaigns/{campaign.id}/transitions").status_code == 401
    assert _step(client, campaign, {}, "open").status_code == 401
    assert client.get("/api/v1/campaigns/999/transitions", headers=headers).status_code == 404
    assert db.session.get(Campaign, campaign.id).state == "draft"


def test_cli_closes_and_reopens(app, make):
    campaign = _covered_campaign(make)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["parindex", "campaign", "close", str(campaign.id)]).exit_code == 1
    assert runner.invoke(args=["parindex", "campaign", "open", str(campaign.id)]).exit_code == 0
    closed = runner.invoke(args=["parindex", "campaign", "close", str(campaign.id)])
    assert closed.exit_code == 0 and "is closed" in closed.output
    assert db.session.get(Campaign, campaign.id).state == "closed"
    reopened = runner.invoke(args=["parindex", "campaign", "reopen", str(campaign.id),
                                   "--reason", "Phúc tra"])
    assert reopened.exit_code == 0, reopened.output
    missing = runner.invoke(args=["parindex", "campaign", "close", "999"])
    assert missing.exit_code == 1 and "does not exist" in missing.output
