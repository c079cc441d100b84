"""A unit editor opens the points-lost page from the assessment page and downloads the official
table; the administrator switches the group report between campaigns. In a real browser."""

import os

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.menu import open_menu
from tests.helpers import PASSWORD
from tests.reports.sets import build_scenario, report_sets  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_unit_and_group_reports(live_server, browser, make, report_sets, tmp_path):  # noqa: F811
    scenario = build_scenario(make, report_sets)
    make.user("unit_editor", scenario["units"]["X1"], username="canbo")
    make.user("admin", username="quantri")
    shots = os.environ.get("PARINDEX_SCREENSHOTS", str(tmp_path))

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    _log_in(page, live_server, "canbo")
    page.goto(f"{live_server}/assessments/{scenario['assessments']['X1'].id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Bảng tự đánh giá (.xlsx)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "bang-tu-danh-gia-2024-X1.xlsx"
    assert openpyxl.load_workbook(path).worksheets[0]["A1"].value.startswith("BẢNG TỰ ĐÁNH GIÁ")
    page.locator("#points-lost").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Điểm bị trừ: UBND xã X1 (2024)")
    expect(page.locator("#lost-1\\.1\\.2 td.status")).to_have_text("Tiếp tục bị trừ điểm")
    expect(page.locator("#total-lost")).to_have_text("3")
    page.screenshot(path=f"{shots}/points-lost-unit.png", full_page=True)
    context.close()

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    _log_in(page, live_server, "quantri")
    open_menu(page, "Kết quả", "Điểm bị trừ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Điểm bị trừ của các đơn vị")
    expect(page.locator("#item-2\\.2 td.status")).to_have_text("Tiếp tục bị trừ điểm")
    page.screenshot(path=f"{shots}/points-lost-group.png", full_page=True)
    page.get_by_label("Kỳ đánh giá").select_option(str(scenario["last_year"].id))
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_text("Không có kết quả năm trước để so sánh.")).to_be_visible()
    context.close()
