"""The unit's points-lost page and downloads, the administrators' group page: Vietnamese, and
the refusals."""

import io

import openpyxl
import pytest

from server.results.exports.points_lost_workbook import ITEMS_SHEET
from tests.reports.sets import build_scenario, report_sets  # noqa: F401  (fixture)


@pytest.fixture
def scenario(make, report_sets):  # noqa: F811
    return build_scenario(make, report_sets)


def test_unit_user_reaches_its_reports_from_the_assessment_page(client, make, login, scenario):
    assessment = scenario["assessments"]["X1"]
    login(make.user("unit_editor", scenario["units"]["X1"]))
    form = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/table.xlsx"' in form
    assert f'href="/assessments/{assessment.id}/points-lost"' in form
    page = client.get(f"/assessments/{assessment.id}/points-lost")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Điểm bị trừ: UBND xã X1 (2024)" in text
    assert "So sánh với năm 2023 (bộ tiêu chí xa-bao-cao@1.0.0)" in text
    row = text.split('id="lost-1.1.2"', 1)[1].split("</tr>", 1)[0]
    assert "Tiếp tục bị trừ điểm" in row and "(1.1.3, 1.1.4)" in row and "Phòng Nội vụ" in row
    row = text.split('id="lost-1.1.1"', 1)[1].split("</tr>", 1)[0]
    assert "Bị trừ điểm mới" in row and "Ban hành kế hoạch chậm" in row
    assert "Đã cải thiện" in text.split('id="lost-1.1.3"', 1)[1].split("</tr>", 1)[0]
    assert 'id="lost-2.1.1"' not in text
    table = client.get(f"/assessments/{assessment.id}/table.xlsx")
    assert table.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(table.data)).worksheets[0]["A2"].value \
        == "Đơn vị: UBND xã X1 (mã X1)"
    assert client.get(f"/assessments/{assessment.id}/points-lost.xlsx").status_code == 200
    # The group page is the administrators'.
    assert client.get("/points-lost").status_code == 403
    assert client.get("/points-lost.xlsx").status_code == 403


def test_another_units_user_gets_404(client, make, login, scenario):
    assessment = scenario["assessments"]["X1"]
    login(make.user("unit_head", scenario["units"]["X2"]))
    for path in ("points-lost", "points-lost.xlsx", "table.xlsx"):
        assert client.get(f"/assessments/{assessment.id}/{path}").status_code == 404, path


def test_anonymous_users_are_sent_to_log_in(client, scenario):
    response = client.get(f"/assessments/{scenario['assessments']['X1'].id}/points-lost")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_group_page_with_selectors_and_download(client, make, login, scenario):
    login(make.user("admin"))
    assert "/points-lost" in client.get("/").get_data(as_text=True)  # in the menu
    campaign = scenario["this_year"]
    page = client.get("/points-lost")  # the latest campaign and its first group by default
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<option value="{campaign.id}" selected>' in text
    row = text.split('id="item-2.2"', 1)[1].split("</tr>", 1)[0]
    assert "1 / 3" in row and "Tiếp tục bị trừ điểm" in row
    agencies = text.split('id="by-agency"', 1)[1].split("</table>", 1)[0]
    assert "Phòng Nội vụ" in agencies and "3,5" in agencies
    response = client.get(f"/points-lost.xlsx?campaign={campaign.id}&group=commune")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data))[ITEMS_SHEET].iter_rows(
        min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["1.1.1", "1.1.2", "1.1.3", "1.1.5", "2.1.1", "2.1.2", "2.2"]
    last_year = client.get(f"/points-lost?campaign={scenario['last_year'].id}&group=commune")
    assert "Không có kết quả năm trước để so sánh." in last_year.get_data(as_text=True)
    assert client.get(f"/points-lost?campaign={campaign.id}&group=district").status_code == 404
    assert client.get("/points-lost?campaign=999").status_code == 404
