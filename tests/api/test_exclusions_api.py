"""Items not applicable over the API (administrators), and what the unit sees of them: its
dossier lists them, its answers to them are refused (409), submission counts without them."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, ExcludedItem

REASON = "Đơn vị không có thủ tục hành chính"


@pytest.fixture
def world(make):
    campaign = make.campaign()
    unit = make.unit("STP", level="province", group="province")
    return {"campaign": campaign, "unit": unit, "dossier": make.assessment(campaign, unit),
            "admin": make.user("admin"), "head": make.user("unit_head", unit),
            "editor": make.user("unit_editor", unit)}


def _url(world, code=""):
    base = f"/api/v1/campaigns/{world['campaign'].id}/units/{world['unit'].code}/exclusions"
    return f"{base}/{code}" if code else base


def test_an_administrator_sets_lists_and_clears_exclusions(client, world, token_for):
    admin = token_for(world["admin"])
    put = client.put(_url(world, "3"), json={"reason": REASON}, headers=admin)
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["code"] == "3" and put.get_json()["reason"] == REASON
    listed = client.get(_url(world), headers=admin).get_json()
    assert [(e["code"], e["reason"]) for e in listed["exclusions"]] == [("3", REASON)]
    assert client.delete(_url(world, "3"), headers=admin).status_code == 204
    assert client.get(_url(world), headers=admin).get_json()["exclusions"] == []
    again = client.delete(_url(world, "3"), headers=admin)
    assert again.status_code == 404 and again.mimetype == "application/problem+json"
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.startswith("exclusion.")).order_by(AuditEvent.id))] == [
        "exclusion.set", "exclusion.cleared"]


def test_bad_codes_and_missing_reasons_are_named(client, world, token_for):
    admin = token_for(world["admin"])
    unknown = client.put(_url(world, "9.9.9"), json={"reason": REASON}, headers=admin)
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"
    assert [e["field"] for e in unknown.get_json()["errors"]] == ["code"]
    empty = client.put(_url(world, "3"), json={"reason": " "}, headers=admin)
    assert [e["field"] for e in empty.get_json()["errors"]] == ["reason"]
    missing = client.put(_url(world, "3"), json={}, headers=admin)
    assert missing.status_code == 422
    assert db.session.scalar(select(db.func.count(ExcludedItem.id))) == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_administrators_reach_exclusions(client, world, token_for, method):
    call = getattr(client, method)
    kwargs = {"json": {"reason": REASON}} if method == "put" else {}
    url = _url(world) if method == "get" else _url(world, "3")
    assert call(url, **kwargs).status_code == 401
    for user in ("head", "editor"):
        assert call(url, headers=token_for(world[user]), **kwargs).status_code == 403
    admin = token_for(world["admin"])
    missing_campaign = url.replace(f"/campaigns/{world['campaign'].id}/", "/campaigns/999/")
    assert call(missing_campaign, headers=admin, **kwargs).status_code == 404
    missing_unit = url.replace("/units/STP/", "/units/NOPE/")
    assert call(missing_unit, headers=admin, **kwargs).status_code == 404


def test_the_unit_sees_its_exclusions_and_cannot_answer_them(client, world, token_for):
    client.put(_url(world, "3"), json={"reason": REASON}, headers=token_for(world["admin"]))
    editor = token_for(world["editor"])
    base = f"/api/v1/assessments/{world['dossier'].id}"
    dossier = client.get(base, headers=editor).get_json()
    assert dossier["exclusions"] == [{"code": "3", "reason": REASON}]
    assert dossier["totals"]["max_points"] == "87.00"
    refused = client.put(f"{base}/answers", headers=editor,
                         json={"answers": {"3.1.1": {"not_applicable": True}}})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "3" in refused.get_json()["detail"]
    assert refused.get_json()["errors"][0]["sub_criterion"] == "3.1.1"


def test_submitting_names_the_domains_with_unanswered_items(client, world, token_for):
    admin, head = token_for(world["admin"]), token_for(world["head"])
    for code in ("2", "3", "4", "5", "6", "7", "8"):
        client.put(_url(world, code), json={"reason": REASON}, headers=admin)
    base = f"/api/v1/assessments/{world['dossier'].id}"
    refused = client.post(f"{base}/submission", headers=head, json={})
    assert refused.status_code == 422
    errors = refused.get_json()["errors"]
    assert [(e["field"], e["domain"], e["count"]) for e in errors] == [
        ("confirm_unanswered", "1", 10)]
    assert client.post(f"{base}/submission", headers=head,
                       json={"confirm_unanswered": True}).status_code == 201
