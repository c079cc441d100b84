"""Criteria sets and scoring through the API."""

import pytest

URL = "/api/v1/criteria-sets/province-2020/1.0.0"


@pytest.fixture
def headers(make, token_for):
    return token_for(make.user("viewer"))


def full_marks(app) -> dict:
    leaves = app.extensions["parindex"].criteria.get("province-2020").leaves()
    return {leaf.code: {"value": leaf.rule.max_input()} for leaf in leaves}


def test_list_shows_each_set_with_its_verification(client, headers):
    sets = client.get("/api/v1/criteria-sets", headers=headers).get_json()
    province = next(s for s in sets if s["id"] == "province-2020")
    assert province["legal_basis"]["number"] == "1149/QĐ-BNV"
    assert province["max_points"] == "100"
    assert province["verified"] is True
    v = province["verification"]
    assert v["nodes"] == 8 + 43 + 102
    assert v["unverified"] == v["nodes"] - v["verified"] > 0


def test_tree(client, headers):
    tree = client.get(URL, headers=headers).get_json()
    assert [d["code"] for d in tree["domains"]] == [str(n) for n in range(1, 9)]


def test_unknown_set_is_404_problem(client, headers):
    response = client.get("/api/v1/criteria-sets/province-2020/9.9.9", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "province-2020@9.9.9" in response.get_json()["detail"]


def test_score_full_marks(app, client, headers):
    response = client.post(f"{URL}/score", headers=headers, json={"answers": full_marks(app)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["index"] == "100.00"
    assert body["classification"] == "A"
    assert len(body["trace"]) == 102


def test_score_with_not_applicable_leaves_the_denominator(app, client, headers):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020")
    optional = [leaf for leaf in criteria_set.leaves() if leaf.not_applicable_allowed]
    assert optional, "the set should allow some not-applicable items"
    answers = full_marks(app)
    answers[optional[0].code] = {"not_applicable": True}
    body = client.post(f"{URL}/score", headers=headers, json={"answers": answers}).get_json()
    assert body["index"] == "100.00"


def test_score_refuses_every_bad_answer_and_names_each(app, client, headers):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020")
    by_type = {}
    for leaf in criteria_set.leaves():
        by_type.setdefault(leaf.rule.name, leaf)
    fixed = next(leaf for leaf in criteria_set.leaves() if not leaf.not_applicable_allowed)
    answers = {
        "99.1.1": {"value": 1},
        by_type["percent_bands"].code: {"value": 120},
        by_type["choice"].code: {"value": "not-an-outcome"},
        by_type["deduction"].code: {"value": -1},
        fixed.code: {"not_applicable": True},
    }
    response = client.post(f"{URL}/score", headers=headers, json={"answers": answers})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert {e["sub_criterion"] for e in errors} == set(answers)
    assert all(e["field"].startswith(f"answers.{e['sub_criterion']}.") for e in errors)


def test_score_refuses_a_malformed_body(client, headers):
    response = client.post(f"{URL}/score", headers=headers,
                           json={"answers": {"1.1.1": {"value": 1, "colour": "red"}}, "x": 1})
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"answers.1.1.1.value.colour", "x"} or "x" in fields


def test_scoring_needs_a_token(client):
    assert client.post(f"{URL}/score", json={"answers": {}}).status_code == 401
