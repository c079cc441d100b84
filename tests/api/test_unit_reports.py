"""The unit table and the points-lost reports over the API: who may read what, and the
workbooks read back against the service."""

import io

import openpyxl
import pytest

from server.results.exports.points_lost_workbook import ITEMS_SHEET, UNIT_SHEET
from server.results.points_lost import group_points_lost, unit_points_lost
from tests.reports.sets import build_scenario, report_sets  # noqa: F401  (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scenario(make, report_sets):  # noqa: F811
    return build_scenario(make, report_sets)


def _unit_paths(assessment_id):
    return [f"/api/v1/assessments/{assessment_id}/{path}"
            for path in ("table.xlsx", "points-lost", "points-lost.xlsx")]


def test_the_units_own_editor_reads_its_reports(client, make, token_for, scenario):
    assessment = scenario["assessments"]["X1"]
    headers = token_for(make.user("unit_editor", unit=scenario["units"]["X1"]))
    table, body, workbook = (client.get(path, headers=headers)
                             for path in _unit_paths(assessment.id))
    assert table.status_code == 200 and table.mimetype == XLSX
    assert "bang-tu-danh-gia-2024-X1.xlsx" in table.headers["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(table.data)).worksheets[0]["A1"].value.startswith(
        "BẢNG TỰ ĐÁNH GIÁ")
    assert body.status_code == 200
    expected = unit_points_lost(assessment)
    assert body.get_json() == expected.to_dict()
    assert body.get_json()["total_lost"] == "3"
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))[UNIT_SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[7], r[8], r[10]) for r in rows] == [
        (line.code, float(line.lost),
         None if line.previous_lost is None else float(line.previous_lost),
         {"new": "bị trừ điểm mới", "repeated": "tiếp tục bị trừ điểm",
          "improved": "đã cải thiện"}[line.status]) for line in expected.lines]


@pytest.mark.parametrize("role", ["admin", "reviewer", "viewer"])
def test_readers_of_every_unit_may_read(client, make, token_for, scenario, role):
    headers = token_for(make.user(role))
    for path in _unit_paths(scenario["assessments"]["X2"].id):
        assert client.get(path, headers=headers).status_code == 200, path


@pytest.mark.parametrize("role", ["unit_editor", "unit_head"])
def test_another_units_users_get_404(client, make, token_for, scenario, role):
    headers = token_for(make.user(role, unit=scenario["units"]["X2"]))
    for path in _unit_paths(scenario["assessments"]["X1"].id) + _unit_paths(999):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"


def test_group_report_for_administrators(client, make, token_for, scenario):
    campaign = scenario["this_year"]
    headers = token_for(make.user("admin"))
    body = client.get(f"/api/v1/campaigns/{campaign.id}/points-lost?group=commune",
                      headers=headers)
    assert body.status_code == 200
    expected = group_points_lost(campaign, "commune")
    assert body.get_json() == expected.to_dict()
    workbook = client.get(f"/api/v1/campaigns/{campaign.id}/points-lost.xlsx?group=commune",
                          headers=headers)
    assert workbook.status_code == 200
    assert "diem-bi-tru-2024-commune.xlsx" in workbook.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))[ITEMS_SHEET]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[5], r[6], r[7], r[8], r[10]) for r in rows] == [
        (i.code, i.units_assessed, i.units_lost, float(i.total_lost), float(i.average_lost),
         None if i.previous_total_lost is None else float(i.previous_total_lost))
        for i in expected.items]


def test_group_report_refusals(client, make, token_for, scenario):
    campaign = scenario["this_year"]
    base = f"/api/v1/campaigns/{campaign.id}"
    admin = token_for(make.user("admin"))
    missing = client.get(f"{base}/points-lost", headers=admin)
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == [{"field": "group", "message": "required"}]
    assert client.get(f"{base}/points-lost?group=district", headers=admin).status_code == 404
    assert client.get("/api/v1/campaigns/999/points-lost?group=commune",
                      headers=admin).status_code == 404
    for user in (make.user("unit_head", unit=scenario["units"]["X1"]), make.user("reviewer"),
                 make.user("viewer")):
        headers = token_for(user)
        for path in ("points-lost?group=commune", "points-lost.xlsx?group=commune"):
            response = client.get(f"{base}/{path}", headers=headers)
            assert response.status_code == 403
            assert response.mimetype == "application/problem+json"
    assert client.get(f"{base}/points-lost?group=commune").status_code == 401
    assert client.get(_unit_paths(scenario["assessments"]["X1"].id)[0]).status_code == 401
