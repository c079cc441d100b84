"""Starting a year without code: create a campaign (pins, deadlines in Vietnam time), open it,
and the dossiers exist; refusals name their field and write nothing."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assessment, Campaign, ReviewerAssignment, RoleMembership, Unit

BODY = {"year": 2025, "title": "Chỉ số CCHC năm 2025",
        "pins": {"province": "province-2020@1.0.0", "district": "district@1.0.0"},
        "deadlines": {"self_assessment_deadline": "2025-11-30",
                      "appraisal_deadline": "2026-01-15T17:00"},
        "confirm_unverified": True}


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _reviewer_for_every_domain(make, campaign_id, unit=None, group=None):
    reviewer = make.user("reviewer")
    if unit is not None:  # a reviewer who also works at `unit`
        reviewer.memberships.append(RoleMembership(role="viewer", unit=unit))
    db.session.add(ReviewerAssignment(campaign_id=campaign_id, reviewer_id=reviewer.id,
                                      domains=[str(n) for n in range(1, 9)], unit_group=group))
    db.session.commit()
    return reviewer


def _dossiers(campaign_id):
    return db.session.scalars(select(Assessment.unit_id)
                              .where(Assessment.campaign_id == campaign_id)).all()


def test_create_then_open_creates_one_dossier_per_active_unit(client, admin_headers, make):
    province = make.unit("QB", level="province", group="province")
    districts = [make.unit(f"H{n}", level="district", group="district", parent=province)
                 for n in range(3)]
    retired = make.unit("H9", level="district", group="district", parent=province)
    retired.active = False
    make.unit("SNV", level="department", group="department", parent=province)  # not pinned
    db.session.commit()

    created = client.post("/api/v1/campaigns", json=BODY, headers=admin_headers)
    assert created.status_code == 201, created.json
    campaign = created.json
    assert campaign["state"] == "draft"
    assert campaign["pins"] == BODY["pins"]
    # A date is the end of that day in Vietnam; a time without zone is Vietnam time.
    assert campaign["self_assessment_deadline"] == "2025-11-30T23:59:59+07:00"
    assert campaign["appraisal_deadline"] == "2026-01-15T17:00:00+07:00"
    assert _dossiers(campaign["id"]) == []
    _reviewer_for_every_domain(make, campaign["id"])

    opened = client.post(f"/api/v1/campaigns/{campaign['id']}/opening", headers=admin_headers)
    # A job creates the dossiers (run at once in the tests; tests/jobs runs a real worker).
    assert opened.status_code == 202
    assert opened.headers["Location"] == f"/api/v1/jobs/{opened.json['job']['id']}"
    assert opened.json["state"] == "open" and opened.json["job"]["state"] == "done"
    assert opened.json["job"]["progress"] == {"done": 4, "total": 4}
    assert sorted(_dossiers(campaign["id"])) == sorted([province.id] +
                                                       [d.id for d in districts])
    pins = dict(db.session.execute(
        select(Assessment.unit_id, Assessment.criteria_set_id)
        .where(Assessment.campaign_id == campaign["id"])).all())
    assert pins[province.id] == "province-2020" and pins[districts[0].id] == "district"

    # Opening again adds only the units added since.
    again = client.post(f"/api/v1/campaigns/{campaign['id']}/opening", headers=admin_headers)
    assert again.json["job"]["progress"]["done"] == 0
    make.unit("H4", level="district", group="district", parent=province)
    assert client.post(f"/api/v1/campaigns/{campaign['id']}/opening",
                       headers=admin_headers).json["job"]["progress"]["done"] == 1
    assert len(_dossiers(campaign["id"])) == 5


def test_unverified_sets_need_a_confirmation(client, admin_headers):
    body = {**BODY, "confirm_unverified": False}
    refused = client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.json["errors"]}
    assert set(fields) == {"pins.province", "pins.district"}
    assert "chưa được đối chiếu" in fields["pins.province"]
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_refusals_name_each_field(client, admin_headers):
    body = {"year": 1990, "title": " ", "confirm_unverified": True,
            "pins": {"province": "district@1.0.0", "ban-nganh": "department@1.0.0",
                     "commune": "commune"},
            "deadlines": {"self_assessment_deadline": "31/11/2025", "later": "2025-12-01"}}
    refused = client.post("/api/v1/campaigns", json=body, headers=admin_headers)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in refused.json["errors"]}
    assert fields == {"year", "title", "pins.province", "pins.ban-nganh", "pins.commune",
                      "deadlines.self_assessment_deadline", "deadlines.later"}
    missing = client.post("/api/v1/campaigns", json={"year": 2025}, headers=admin_headers)
    assert {e["field"] for e in missing.json["errors"]} == {"title", "pins"}
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_closed_campaign_is_not_opened(client, admin_headers, make):
    campaign = make.campaign(state="closed")
    response = client.post(f"/api/v1/campaigns/{campaign.id}/opening", headers=admin_headers)
    assert response.status_code == 409 and response.json["errors"][0]["field"] == "state"
    assert client.post("/api/v1/campaigns/999/opening", headers=admin_headers).status_code == 404


@pytest.mark.parametrize("role", ["unit_head", "reviewer", "viewer"])
def test_only_administrators_create_and_open(client, make, token_for, role):
    unit = make.unit("QB", level="province", group="province")
    campaign = make.campaign(state="draft")
    headers = token_for(make.user(role, unit if role == "unit_head" else None))
    assert client.get("/api/v1/campaigns", headers=headers).status_code == 200
    assert client.post("/api/v1/campaigns", json=BODY, headers=headers).status_code == 403
    assert client.post(f"/api/v1/campaigns/{campaign.id}/opening",
                       headers=headers).status_code == 403
    assert _dossiers(campaign.id) == []


def test_cli_creates_and_opens(app, make):
    make.unit("QB", level="province", group="province")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["parindex", "campaign", "create", "--year", "2025",
                                  "--title", "Năm 2025", "--pin", "province=province-2020@1.0.0"])
    assert refused.exit_code == 1 and "chưa được đối chiếu" in refused.output
    created = runner.invoke(args=[
        "parindex", "campaign", "create", "--year", "2025", "--title", "Năm 2025",
        "--pin", "province=province-2020@1.0.0", "--confirm-unverified",
        "--deadline", "self_assessment_deadline=2025-11-30"])
    assert created.exit_code == 0, created.output
    campaign_id = db.session.scalar(select(Campaign.id))
    _reviewer_for_every_domain(make, campaign_id)
    opened = runner.invoke(args=["parindex", "campaign", "open", str(campaign_id)])
    assert "1 dossier(s) created" in opened.output
    listed = runner.invoke(args=["parindex", "campaign", "list"]).output
    assert f"{campaign_id}\t2025\topen\tprovince=province-2020@1.0.0\tNăm 2025" in listed


def test_it_does_not_open_until_every_unit_and_domain_has_a_reviewer(client, admin_headers,
                                                                        make):
    province = make.unit("QB", level="province", group="province")
    make.unit("H1", level="district", group="district", parent=province)
    make.unit("H2", level="district", group="district", parent=province)
    campaign = client.post("/api/v1/campaigns", json=BODY, headers=admin_headers).get_json()
    url = f"/api/v1/campaigns/{campaign['id']}"
    # A reviewer of the district group who works at H1 covers H2 but never H1.
    h1 = db.session.scalar(select(Unit).where(Unit.code == "H1"))
    _reviewer_for_every_domain(make, campaign["id"], unit=h1, group="district")
    gaps = client.get(f"{url}/coverage", headers=admin_headers).get_json()["uncovered"]
    assert gaps["district / 1"] == ["H1"] and gaps["province / 8"] == ["QB"]
    assert len(gaps) == 16
    refused = client.post(f"{url}/opening", headers=admin_headers)
    assert refused.status_code == 409
    # The refusal names the group by its label.
    assert "UBND cấp huyện / 1: H1" in refused.get_json()["errors"][0]["message"]
    assert _dossiers(campaign["id"]) == []
    assert db.session.get(Campaign, campaign["id"]).state == "draft"

    _reviewer_for_every_domain(make, campaign["id"])
    assert client.get(f"{url}/coverage", headers=admin_headers).get_json() == {"uncovered": {}}
    assert client.post(f"{url}/opening", headers=admin_headers).status_code == 202
    assert len(_dossiers(campaign["id"])) == 3


def test_coverage_is_read_in_a_fixed_number_of_statements(app, make):
    from server.campaigns.setup import uncovered
    from tests.helpers import count_statements

    campaign = make.campaign(state="draft", pins=(("commune", "commune", "1.0.0"),))
    make.unit("X0", level="commune", group="commune")
    _reviewer_for_every_domain(make, campaign.id)
    few = count_statements(lambda: uncovered(campaign))
    for n in range(1, 20):
        make.unit(f"X{n}", level="commune", group="commune")
    _reviewer_for_every_domain(make, campaign.id)
    db.session.expire_all()
    assert count_statements(lambda: uncovered(campaign)) == few


def test_a_reviewer_counts_only_for_the_domains_their_role_allows(make):
    from server.campaigns.setup import uncovered

    make.unit("QB", level="province", group="province")
    campaign = make.campaign(state="draft")
    limited = make.user("reviewer", domains=["1"])  # the role allows domain 1 only
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=limited.id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    assert sorted(uncovered(campaign)) == [f"province / {n}" for n in range(2, 9)]
