""""Start from last year": a campaign copied into next year's draft with its pins (or their
successor versions), reviewer assignments, settings and every date a year later."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Campaign, ReviewerAssignment
from tests.reports.sets import report_sets  # noqa: F401  (a fixture)


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


@pytest.fixture
def last_year(make):
    campaign = make.campaign(
        2024, state="closed",
        # province-2020 1.1.0 has no successor (1.0.0 has: 1.1.0 carries its codes over)
        pins=(("province", "province-2020", "1.1.0"), ("commune", "xa-bao-cao", "1.0.0")),
        records_open=datetime(2023, 11, 30, 17, tzinfo=UTC),  # 1 Dec 2023, 00:00 in Vietnam
        self_assessment_deadline=datetime(2024, 2, 29, 10, tzinfo=UTC),
        closes_at=datetime(2025, 3, 31, 16, 59, 59, tzinfo=UTC),
        data_cutoffs=[{"label": "Số liệu 9 tháng", "date": "2024-09-30"}], survey=False,
        tie_compare="rounded", tie_ranks="distinct",
        bands=[{"key": "tot", "label": "Tốt", "min": "80"}])
    kept, gone = make.user("reviewer"), make.user("reviewer", active=False)
    for reviewer, domains, group in ((kept, ["1", "2"], "commune"), (gone, ["3"], None)):
        db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                          domains=domains, unit_group=group))
    db.session.commit()
    return campaign, kept


def test_next_year_starts_from_this_one(client, admin_headers, last_year,
                                        report_sets):  # noqa: F811
    previous, reviewer = last_year
    url = f"/api/v1/campaigns/{previous.id}/successor"
    unconfirmed = client.post(url, json={}, headers=admin_headers)
    # xa-bao-cao@2.0.0 carries codes over from 1.0.0 and is not verified: confirm it first.
    assert unconfirmed.status_code == 422
    assert [e["field"] for e in unconfirmed.get_json()["errors"]] == ["pins.commune"]

    copied = client.post(url, json={"confirm_unverified": True}, headers=admin_headers)
    assert copied.status_code == 201, copied.get_json()
    body = copied.get_json()
    assert (body["year"], body["title"], body["state"], body["previous_id"]) == (
        2025, "Chỉ số CCHC năm 2025", "draft", previous.id)
    assert body["pins"] == {"province": "province-2020@1.1.0", "commune": "xa-bao-cao@2.0.0"}
    assert body["records_open"] == "2024-12-01T00:00:00+07:00"
    assert body["self_assessment_deadline"] == "2025-02-28T17:00:00+07:00"
    assert body["closes_at"] == "2026-03-31T23:59:59+07:00"
    assert body["appraisal_deadline"] is None
    assert body["data_cutoffs"] == [{"label": "Số liệu 9 tháng", "date": "2025-09-30"}]
    assert (body["survey"], body["tie_rule"], body["bands"]) == (
        False, {"compare": "rounded", "ranks": "distinct"},
        [{"key": "tot", "label": "Tốt", "min": "80"}])
    rows = db.session.scalars(select(ReviewerAssignment).where(
        ReviewerAssignment.campaign_id == body["id"])).all()
    assert [(r.reviewer_id, r.domains, r.unit_group) for r in rows] == [
        (reviewer.id, ["1", "2"], "commune")]  # the deactivated reviewer is left out
    created = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "campaign.created")).one()
    assert created.after["previous_id"] == previous.id

    again = client.post(url, json={"confirm_unverified": True}, headers=admin_headers)
    assert again.status_code == 409 and again.get_json()["errors"][0]["field"] == "previous_id"
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2


def test_without_a_successor_the_same_version_is_kept(client, admin_headers, make):
    previous = make.campaign(2024, state="open", pins=(("province", "province-2020", "1.1.0"),))
    copied = client.post(f"/api/v1/campaigns/{previous.id}/successor", json={},
                         headers=admin_headers)
    assert copied.status_code == 201
    assert copied.get_json()["pins"] == {"province": "province-2020@1.1.0"}


def test_a_built_in_set_moves_to_its_new_version(client, admin_headers, make):
    # province-2020 1.1.0 carries codes over from 1.0.0: next year's draft pins it, once the
    # administrator confirms its unverified items.
    previous = make.campaign(2024, state="closed")
    url = f"/api/v1/campaigns/{previous.id}/successor"
    unconfirmed = client.post(url, json={}, headers=admin_headers)
    assert unconfirmed.status_code == 422
    assert [e["field"] for e in unconfirmed.get_json()["errors"]] == ["pins.province"]
    copied = client.post(url, json={"confirm_unverified": True}, headers=admin_headers)
    assert copied.get_json()["pins"] == {"province": "province-2020@1.1.0"}


def test_a_set_no_longer_installed_is_named(client, admin_headers, make):
    previous = make.campaign(2024, pins=(("province", "tinh-cu", "0.9"),))
    refused = client.post(f"/api/v1/campaigns/{previous.id}/successor", json={},
                          headers=admin_headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "pins.province"
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("role", ["unit_head", "reviewer", "viewer"])
def test_only_administrators_copy(client, make, token_for, role):
    previous = make.campaign(2024)
    headers = token_for(make.user(role, make.unit() if role == "unit_head" else None))
    url = f"/api/v1/campaigns/{previous.id}/successor"
    assert client.post(url, json={}, headers=headers).status_code == 403
    assert client.post(url, json={}).status_code == 401
    assert client.post("/api/v1/campaigns/999/successor", json={},
                       headers=token_for(make.user("admin"))).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_cli_copies(app, make):
    previous = make.campaign(2024, pins=(("province", "province-2020", "1.1.0"),))
    runner = app.test_cli_runner()
    copied = runner.invoke(args=["parindex", "campaign", "copy", str(previous.id)])
    assert copied.exit_code == 0, copied.output
    assert f"(2025, draft) from campaign {previous.id}" in copied.output
    assert runner.invoke(args=["parindex", "campaign", "copy", str(previous.id)]).exit_code == 1
