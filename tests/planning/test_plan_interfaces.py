"""The planner's command, API answers and workbooks, on the group of test_plans."""

import io

import openpyxl

from server.extensions import db
from server.people.auth import issue_token
from server.planning.plan_workbook import AGENCIES_SHEET, GROUP_SHEET, STEPS_SHEET
from server.results.publications import publish
from tests.cli.test_commands import run


def _headers(user):
    token = issue_token(user, "plan")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_command_prints_the_plan_by_agency_and_writes_the_workbook(app, group, tmp_path):
    campaign = group["campaign"]
    publish(campaign, "province", group["admin"])
    path = tmp_path / "plan.xlsx"
    result = run(app, "plan", "P05", "--campaign", str(campaign.id), "--target", "rank=2-3",
                 "--target", "domain_min=60", "--xlsx", str(path))
    assert result.exit_code == 0, result.output
    assert "other units held at their published scores" in result.output
    assert "now:   index" in result.output and "after: index" in result.output
    book = openpyxl.load_workbook(path, read_only=True)
    steps = list(book[STEPS_SHEET].iter_rows(min_row=2, values_only=True))
    assert steps and all(row[8] > 0 for row in steps)  # each step wins points
    assert list(book[AGENCIES_SHEET].iter_rows(min_row=2, values_only=True))
    refused = run(app, "plan", "P05", "--campaign", str(campaign.id), "--target", "rank=0")
    assert refused.exit_code != 0 and "target.rank" in refused.output
    unknown = run(app, "plan", "P05", "--campaign", str(campaign.id), "--target", "band=Z")
    assert unknown.exit_code != 0 and "target.band" in unknown.output


def test_the_api_plans_for_a_unit_and_refuses_naming_the_field(client, group):
    campaign, head = group["campaign"], group["heads"]["P05"]
    url = f"/api/v1/campaigns/{campaign.id}/units/P05/plan"
    answer = client.get(f"{url}?index=95&domain_min=50", headers=_headers(head))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["reached"] and float(body["after"]["index"]) >= 95
    assert body["others_held_at"] is None and body["plan"]
    assert sum(len(codes) for codes in body["by_agency"].values()) == len(body["plan"])
    bad = client.get(f"{url}?rank=abc&index=101", headers=_headers(head))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert {e["field"] for e in bad.get_json()["errors"]} == {"rank", "index"}
    # A rank before publication: only against published figures for a unit.
    unpublished = client.get(f"{url}?rank=1", headers=_headers(head))
    assert unpublished.status_code == 409
    assert unpublished.get_json()["errors"][0]["field"] == "target.rank"
    other = client.get(f"/api/v1/campaigns/{campaign.id}/units/P04/plan?index=90",
                       headers=_headers(head))
    assert other.status_code == 404
    workbook = client.get(f"{url}.xlsx?index=95", headers=_headers(head))
    assert workbook.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(workbook.data), read_only=True)[STEPS_SHEET]


def test_the_department_sees_every_unit_the_farthest_first(client, group):
    campaign, admin = group["campaign"], group["admin"]
    headers = _headers(admin)
    answer = client.get(f"/api/v1/campaigns/{campaign.id}/plans?group=province&index=99",
                        headers=headers)
    assert answer.status_code == 200, answer.get_json()
    codes = [plan["unit_code"] for plan in answer.get_json()["plans"]]
    assert codes == ["P05", "P04", "P03", "P02", "P01"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/api/v1/campaigns/{campaign.id}/plans.xlsx?group=province&index=99",
        headers=headers).data), read_only=True)
    assert [row[0] for row in book[GROUP_SHEET].iter_rows(min_row=2, values_only=True)] == codes
    weights = client.put(f"/api/v1/campaigns/{campaign.id}/plan-weights?group=province",
                         headers=headers, json={"weights": {"1.1.1": 4, "8.1.1": True}})
    assert weights.status_code == 422
    assert [e["field"] for e in weights.get_json()["errors"]] == ["weights.8.1.1"]
    saved = client.put(f"/api/v1/campaigns/{campaign.id}/plan-weights?group=province",
                       headers=headers, json={"weights": {"1.1.1": 4, "1.1.2": 1}})
    assert saved.get_json()["weights"] == {"1.1.1": 4}


def test_the_command_sets_and_shows_the_weights(app, group):
    campaign = group["campaign"]
    base = ["plan-weights", str(campaign.id), "province"]
    result = run(app, *base, "1.1.1=3", "8.1.1=2", "--reason", "Khó cải thiện")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1.1.1=3", "8.1.1=2"]
    refused = run(app, *base, "9.9.9=2")
    assert refused.exit_code != 0 and "weights.9.9.9" in refused.output
    assert run(app, *base).output.splitlines() == ["1.1.1=3", "8.1.1=2"]
