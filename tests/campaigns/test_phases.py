"""The phases the server enforces on real API calls: no self-assessment before it opens, and no
dossier write at all once the campaign is closed, by its state or by its closing date."""

from datetime import UTC, datetime, timedelta

import pytest

from server.campaigns.phases import may_keep_records, timeline
from server.extensions import db
from server.models import Assessment
from tests.appraisal_round import appraisal_round, questioned

NOW = datetime.now(UTC)


def _answers(client, dossier, headers):
    return client.put(f"/api/v1/assessments/{dossier.id}/answers", headers=headers,
                      json={"answers": {"1.1.1": {"value": "late", "version": None}}})


def test_before_it_opens_the_unit_may_not_self_assess(client, make, token_for):
    opens = datetime(2035, 10, 1, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    unit = make.unit("QB", level="province")
    dossier = make.assessment(make.campaign(self_assessment_opens=opens), unit)
    editor, head = token_for(make.user("unit_editor", unit)), token_for(make.user("unit_head",
                                                                                   unit))
    refused = _answers(client, dossier, editor)
    assert refused.status_code == 409
    assert "01/10/2035 08:00" in refused.get_json()["detail"]
    link = client.post(f"/api/v1/assessments/{dossier.id}/links", headers=editor,
                       json={"code": "1.1.1", "document_id": 1})
    assert link.status_code == 409
    submit = client.post(f"/api/v1/assessments/{dossier.id}/submission", headers=head, json={})
    assert submit.status_code == 409
    step = client.post(f"/api/v1/assessments/{dossier.id}/transitions", headers=head,
                       json={"transition": "submit"})
    assert step.status_code == 409
    assert db.session.get(Assessment, dossier.id).state == "draft"

    dossier.campaign.self_assessment_opens = NOW - timedelta(minutes=1)
    db.session.commit()
    assert _answers(client, dossier, editor).status_code == 200


@pytest.mark.parametrize("closed", [{"state": "closed"},
                                    {"closes_at": NOW - timedelta(minutes=1)}])
def test_once_closed_no_dossier_takes_a_write(client, make, token_for, closed):
    round_ = questioned(appraisal_round(make))
    other = make.unit("QT", level="province")
    draft = make.assessment(round_.assessment.campaign, other)
    draft_editor = token_for(make.user("unit_editor", other))
    campaign = round_.assessment.campaign
    for name, value in closed.items():
        setattr(campaign, name, value)
    db.session.commit()
    dossier = round_.assessment

    assert _answers(client, draft, draft_editor).status_code == 409
    reply = client.put(f"/api/v1/assessments/{dossier.id}/explanation/1.1.2",
                       headers=token_for(round_.editor), json={"reply": "Báo cáo 45"})
    assert reply.status_code == 409
    explain = client.post(f"/api/v1/assessments/{dossier.id}/transitions",
                          headers=token_for(round_.head), json={"transition": "explain"})
    assert explain.status_code == 409
    assert "đã kết thúc" in explain.get_json()["detail"]
    # The reviewer's side: the dossier back in appraisal, then closed.
    dossier.state = "in_appraisal"
    db.session.commit()
    appraise = client.post(f"/api/v1/assessments/{dossier.id}/appraisal/1.1.2",
                           headers=token_for(round_.reviewer), json={"action": "accept"})
    assert appraise.status_code == 409
    admin = token_for(round_.admin)
    accept = client.post(f"/api/v1/assessments/{dossier.id}/appraisal/1.1.1", headers=admin,
                         json={"action": "accept"})
    assert accept.status_code == 409, accept.get_json()
    complete = client.post(f"/api/v1/assessments/{dossier.id}/transitions", headers=admin,
                           json={"transition": "complete_appraisal"})
    assert complete.status_code == 409
    assert db.session.get(Assessment, dossier.id).state == "in_appraisal"


def test_the_same_calls_pass_while_the_campaign_runs(client, make, token_for):
    round_ = appraisal_round(make, closes_at=NOW + timedelta(days=30),
                             self_assessment_opens=NOW - timedelta(days=30))
    accept = client.post(f"/api/v1/assessments/{round_.assessment.id}/appraisal/1.1.1",
                         headers=token_for(round_.reviewer), json={"action": "accept"})
    assert accept.status_code == 200, accept.get_json()


def test_records_are_kept_from_records_open_until_the_campaign_closes(make):
    campaign = make.campaign(state="draft", records_open=NOW + timedelta(days=1))
    assert not may_keep_records(campaign, NOW + timedelta(days=2))  # not open yet
    campaign.state = "open"
    assert not may_keep_records(campaign, NOW)
    assert may_keep_records(campaign, NOW + timedelta(days=2))
    campaign.closes_at = NOW + timedelta(days=3)
    assert not may_keep_records(campaign, NOW + timedelta(days=4))
    campaign.state = "closed"
    assert not may_keep_records(campaign, NOW + timedelta(days=2))


def test_the_timeline_orders_the_dates_and_cutoffs(make):
    campaign = make.campaign(
        state="draft", self_assessment_deadline=datetime(2025, 11, 30, 16, 59, 59, tzinfo=UTC),
        records_open=datetime(2024, 11, 30, 17, tzinfo=UTC),
        data_cutoffs=[{"label": "Số liệu 9 tháng", "date": "2025-09-30"}])
    rows = timeline(campaign, now=datetime(2025, 10, 15, tzinfo=UTC))
    assert [(row["key"], row["passed"]) for row in rows[:3]] == [
        ("records_open", True), ("data_cutoff", True), ("self_assessment_deadline", False)]
    assert all(row["at"] is None for row in rows[3:])
