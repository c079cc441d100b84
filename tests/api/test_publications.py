"""Publications and ranking settings over the API: administrators publish and set, everyone
signed in reads what was published; every refusal is problem+json naming its field."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assessment, AuditEvent, Publication
from server.results.exports.ranking_workbook import ABOUT, SUMMARY
from server.results.publications import latest_publication
from server.results.ranking import rank_group
from server.results.ranking_data import ranking_dict
from tests.publication_data import finalised_group, lower_one_score

SETTINGS_EVENTS = ("campaign.tie_rule", "assessment.not_ranked", "assessment.ranked")


@pytest.fixture
def campaign(app, make):
    return finalised_group(app, make)


@pytest.fixture
def admin(make, token_for):
    return token_for(make.user("admin"))


def _publish(client, campaign_id, headers, **body):
    return client.post(f"/api/v1/campaigns/{campaign_id}/publications", headers=headers,
                       json={"group": "province", **body})


def _published(client, campaign_id, headers, **body):
    """Publish through the job (run at once by the tests' queue) and read the publication."""
    response = _publish(client, campaign_id, headers, **body)
    assert response.status_code == 202, response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{response.get_json()['id']}"
    job = client.get(response.headers["Location"], headers=headers).get_json()
    assert job["state"] == "done", job
    assert job["result_link"] == f"/rankings/{campaign_id}/{body.get('group', 'province')}"
    return client.get(f"/api/v1/publications/{job['result']['publication_id']}",
                      headers=headers)


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _problem(response, status):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def test_admin_publishes_and_every_signed_in_user_reads_it(client, make, campaign, admin,
                                                           token_for):
    live = ranking_dict(rank_group(campaign, "province"))
    response = _published(client, campaign.id, admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["number"], body["group"], body["correction"], body["latest"]) == (
        1, "province", False, True)
    assert body["criteria_set"] == {"id": "province-2020", "version": "1.0.0"}
    assert body["tie_rule"] == {"compare": "unrounded", "ranks": "shared"}
    assert body["inputs_digest"] == rank_group(campaign, "province").inputs_digest
    assert body["published_by"]["username"] and body["published_at"].endswith("+00:00")
    assert body["changes"] == [] and body["reason"] == ""
    # A unit of another group and a plain viewer read the published ranking.
    for user in (make.user("unit_head", make.unit("SNV")), make.user("viewer")):
        headers = token_for(user)
        listed = client.get(f"/api/v1/campaigns/{campaign.id}/publications?group=province",
                            headers=headers).get_json()["publications"]
        assert [p["id"] for p in listed] == [body["id"]] and "ranking" not in listed[0]
        one = client.get(f"/api/v1/publications/{body['id']}", headers=headers).get_json()
        assert one["ranking"] == live
        # ... but not the live ranking, which is working data.
        assert client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=province",
                          headers=headers).status_code == 403


def test_the_workbook_is_written_from_the_snapshot(app, client, make, campaign, admin,
                                                    token_for):
    publication_id = _published(client, campaign.id, admin).get_json()["id"]
    frozen = {r["unit_code"]: r["index"] for r in
              latest_publication(campaign.id, "province").results["ranking"]["rows"]}
    lower_one_score(app, campaign, "P01")  # later data must not leak into the export
    response = client.get(f"/api/v1/publications/{publication_id}/ranking.xlsx",
                          headers=token_for(make.user("viewer")))
    assert response.status_code == 200
    assert "cong-bo-1.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    rows = list(book[SUMMARY].iter_rows(min_row=2, values_only=True))
    assert {row[1]: row[-4] for row in rows if row[1] in frozen} == {
        code: pytest.approx(float(index)) for code, index in frozen.items()}
    about = dict(row for row in book[ABOUT].iter_rows(min_row=2, values_only=True))
    assert about["Mã công bố"] == f"{publication_id} (số 1)"
    published = db.session.get(Publication, publication_id).published_at
    assert about["Thời điểm lập (UTC)"] == published.strftime("%d/%m/%Y %H:%M:%S")


def test_publication_refused_until_every_dossier_is_finalised_names_the_units(
        app, client, make, admin):
    campaign = finalised_group(app, make, ("finalised", "appraised", "in_appraisal"))
    body = _problem(_publish(client, campaign.id, admin), 409)
    assert body["errors"][0]["field"] == "group"
    assert body["errors"][0]["units"] == ["P02", "P03"]
    assert "P02" in body["detail"] and "P03" in body["detail"]
    assert _count(Publication) == 0


def test_publish_refusals(client, make, campaign, admin, token_for):
    for role in ("reviewer", "viewer"):
        _problem(_publish(client, campaign.id, token_for(make.user(role))), 403)
    _problem(_publish(client, 999, admin), 404)
    body = _problem(_publish(client, campaign.id, admin, group="commune"), 422)
    assert body["errors"][0]["field"] == "group"
    body = _problem(client.post(f"/api/v1/campaigns/{campaign.id}/publications",
                                headers=admin, json={"reason": "x"}), 422)
    assert body["errors"][0]["field"] == "group"
    _problem(client.post(f"/api/v1/campaigns/{campaign.id}/publications",
                         json={"group": "province"}), 401)
    assert _count(Publication) == 0
    _problem(client.get("/api/v1/publications/1", headers=admin), 404)
    _problem(client.get("/api/v1/campaigns/999/publications", headers=admin), 404)


def test_a_correction_needs_a_reason_and_lists_the_changes(app, client, campaign, admin):
    first = _published(client, campaign.id, admin).get_json()
    body = _problem(_publish(client, campaign.id, admin, reason="Đính chính"), 409)
    assert body["errors"][0]["field"] == "group"  # nothing changed
    lower_one_score(app, campaign, "P01")
    body = _problem(_publish(client, campaign.id, admin), 422)
    assert body["errors"][0]["field"] == "reason"
    response = _published(client, campaign.id, admin, reason="Đính chính tiêu chí 1.1")
    assert response.status_code == 200, response.get_json()
    correction = response.get_json()
    assert correction["number"] == 2 and correction["correction"] is True
    assert {(c["unit_code"], c["field"]) for c in correction["changes"]} >= {
        ("P01", "total"), ("P01", "index")}
    listed = client.get(f"/api/v1/campaigns/{campaign.id}/publications",
                        headers=admin).get_json()["publications"]
    assert [(p["number"], p["latest"]) for p in listed] == [(2, True), (1, False)]
    assert client.get(f"/api/v1/publications/{first['id']}",
                      headers=admin).get_json()["latest"] is False


def test_drift_tells_when_a_correction_is_due(app, client, make, campaign, admin, token_for):
    publication_id = _published(client, campaign.id, admin).get_json()["id"]
    url = f"/api/v1/publications/{publication_id}/drift"
    body = client.get(url, headers=admin).get_json()
    assert (body["inputs_match"], body["correction_due"], body["changes"]) == (True, False, [])
    lower_one_score(app, campaign, "P01")
    body = client.get(url, headers=admin).get_json()
    assert body["inputs_match"] is False and body["correction_due"] is True
    assert ("P01", "total") in {(c["unit_code"], c["field"]) for c in body["changes"]}
    _problem(client.get(url, headers=token_for(make.user("viewer"))), 403)


def test_ranking_settings_round_trip_and_are_audited(client, campaign, admin):
    url = f"/api/v1/campaigns/{campaign.id}/ranking-settings"
    assert client.get(url, headers=admin).get_json() == {
        "campaign_id": campaign.id, "tie_rule": None, "not_ranked": []}
    response = client.put(url, headers=admin, json={
        "tie_rule": {"compare": "rounded", "ranks": "distinct"},
        "not_ranked": [{"unit_code": "P02", "reason": "Mới sáp nhập"}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "campaign_id": campaign.id, "tie_rule": {"compare": "rounded", "ranks": "distinct"},
        "not_ranked": [{"unit_code": "P02", "unit_name": "Tỉnh P02", "group": "province",
                        "reason": "Mới sáp nhập"}]}
    rows = {r.unit_code: r for r in rank_group(campaign, "province").rows}
    assert rows["P02"].rank is None and rows["P03"].rank == 2
    assert _count(AuditEvent, AuditEvent.action == "campaign.tie_rule") == 1
    assert _count(AuditEvent, AuditEvent.action == "assessment.not_ranked") == 1
    # PATCH changes only what it names; the same settings again write no event.
    response = client.patch(url, headers=admin, json={"tie_rule": None})
    assert response.get_json()["tie_rule"] is None
    assert len(response.get_json()["not_ranked"]) == 1
    client.patch(url, headers=admin, json={"not_ranked": [
        {"unit_code": "P02", "reason": "Mới sáp nhập"}]})
    assert _count(AuditEvent, AuditEvent.action.like("assessment.%ranked")) == 1
    client.patch(url, headers=admin, json={"not_ranked": []})
    assert _count(AuditEvent, AuditEvent.action == "assessment.ranked") == 1
    assert db.session.scalar(select(func.count()).select_from(Assessment)
                             .where(Assessment.ranked.is_(False))) == 0


@pytest.mark.parametrize(("body", "fields"), [
    ({"tie_rule": {"compare": "rounded"}}, ["tie_rule.ranks"]),
    ({"tie_rule": {"ranks": "shared"}}, ["tie_rule.compare"]),
    ({"tie_rule": {"compare": "nearest", "ranks": "shared"}}, ["tie_rule.compare"]),
    ({"tie_rule": {"compare": "rounded", "ranks": "olympic"}}, ["tie_rule.ranks"]),
    ({"not_ranked": [{"unit_code": "P02"}]}, ["not_ranked.0.reason"]),
    ({"not_ranked": [{"unit_code": "NOPE", "reason": "x"}]}, ["not_ranked.0.unit_code"]),
    ({"not_ranked": [{"unit_code": "P02", "reason": "x"}, {"unit_code": "P02", "reason": "y"}]},
     ["not_ranked.1.unit_code"]),
    ({"not_ranked": [{"reason": "x"}]}, ["not_ranked.0.unit_code"]),
    ({"tie_rule": {"compare": "rounded"}, "not_ranked": [{"unit_code": "P01"}]},
     ["tie_rule.ranks", "not_ranked.0.reason"]),
])
def test_bad_ranking_settings_are_422_naming_the_field(client, campaign, admin, body, fields):
    url = f"/api/v1/campaigns/{campaign.id}/ranking-settings"
    problem = _problem(client.patch(url, headers=admin, json=body), 422)
    assert sorted(e["field"] for e in problem["errors"]) == sorted(fields)
    assert client.get(url, headers=admin).get_json()["tie_rule"] is None
    assert _count(AuditEvent, AuditEvent.action.in_(SETTINGS_EVENTS)) == 0


def test_put_needs_both_settings_and_only_admins_set_them(client, make, campaign, admin,
                                                          token_for):
    url = f"/api/v1/campaigns/{campaign.id}/ranking-settings"
    problem = _problem(client.put(url, headers=admin, json={"tie_rule": None}), 422)
    assert [e["field"] for e in problem["errors"]] == ["not_ranked"]
    for role in ("reviewer", "viewer"):
        headers = token_for(make.user(role))
        _problem(client.get(url, headers=headers), 403)
        _problem(client.patch(url, headers=headers, json={"tie_rule": None}), 403)
    _problem(client.get("/api/v1/campaigns/999/ranking-settings", headers=admin), 404)


def test_settings_changed_after_publication_make_a_correction_due(client, campaign, admin):
    publication_id = _published(client, campaign.id, admin).get_json()["id"]
    client.patch(f"/api/v1/campaigns/{campaign.id}/ranking-settings", headers=admin,
                 json={"not_ranked": [{"unit_code": "P02", "reason": "Mới sáp nhập"}]})
    body = client.get(f"/api/v1/publications/{publication_id}/drift", headers=admin).get_json()
    assert body["inputs_match"] is True and body["correction_due"] is True
    assert ("P02", "ranked") in {(c["unit_code"], c["field"]) for c in body["changes"]}
    response = _published(client, campaign.id, admin, reason="P02 không xếp hạng")
    assert response.status_code == 200
    assert {"unit_code": "P02", "field": "ranked", "before": True, "after": False} in \
        response.get_json()["changes"]


def test_the_list_reads_in_a_fixed_number_of_queries(app, client, campaign, admin):
    from sqlalchemy import event

    url = f"/api/v1/campaigns/{campaign.id}/publications"

    def statements():
        counted = []

        def count(*_args):
            counted.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            body = client.get(url, headers=admin).get_json()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(body["publications"]), len(counted)

    _published(client, campaign.id, admin)
    one = statements()
    lower_one_score(app, campaign, "P01")
    assert _published(client, campaign.id, admin, reason="Đính chính P01").status_code == 200
    client.patch(f"/api/v1/campaigns/{campaign.id}/ranking-settings", headers=admin,
                 json={"not_ranked": [{"unit_code": "P03", "reason": "Sáp nhập"}]})
    assert _published(client, campaign.id, admin, reason="P03 không xếp hạng").status_code == 200
    three = statements()
    assert (one[0], three[0]) == (1, 3) and one[1] == three[1]
