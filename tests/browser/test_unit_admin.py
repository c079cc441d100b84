"""The administrator builds the unit list on the web from an empty database: a file with a bad
row changes nothing and names the row, the corrected file imports, a unit is added by hand with
its problems shown in Vietnamese, and one is deactivated."""

import os

import openpyxl
import pytest
from playwright.sync_api import expect

from server.people.units import HEADERS
from tests.browser.menu import open_menu
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("PARINDEX_SCREENSHOTS")  # a folder: save the pages for a person to look at


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    for row in rows:
        book.active.append(list(row))
    book.save(path)


def _shot(page, name):
    if SHOTS:
        for width, height, device in ((1366, 900, "desktop"), (390, 844, "phone")):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{device}.png"), full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def test_admin_imports_adds_and_deactivates_units(live_server, page, make, tmp_path):
    make.user("admin", username="quantri")
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    open_menu(page, "Quản trị", "Đơn vị")
    expect(page.get_by_text("Chưa có đơn vị nào")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    download.value.save_as(tmp_path / "mau.xlsx")
    template = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    assert [c.value for c in template.worksheets[0][1]] == list(HEADERS)

    rows = [("QB", "UBND tỉnh Quảng Bình", "province", "province", ""),
            ("SNV", "Sở Nội vụ", "department", "department", "QB"),
            ("DH", "UBND thành phố Đồng Hới", "district", "district", "QB")]
    bad = tmp_path / "sai.xlsx"
    _xlsx(bad, [*rows, ("BT", "UBND huyện Bố Trạch", "district", "huyen", "QB")])
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập", exact=True).click()
    # A job imports it; its page names every bad row.
    expect(page.get_by_text("Chưa nhập gì: tệp có 1 lỗi.")).to_be_visible()
    problem = page.locator("tr.row-problem")
    expect(problem.locator("td").first).to_have_text("5")
    expect(problem.locator("td").last).to_contain_text("Nhóm xếp hạng")
    _shot(page, "units-import-refused")
    page.go_back()
    expect(page.get_by_text("Chưa có đơn vị nào")).to_be_visible()

    good = tmp_path / "dung.xlsx"
    _xlsx(good, rows)
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(str(good))
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.get_by_text("Đã thêm 3 đơn vị, cập nhật 0 đơn vị.")).to_be_visible()
    page.locator("#job-result-link").click()
    expect(page.locator("#units tbody tr")).to_have_count(3)

    page.get_by_label("Mã đơn vị").fill("STP")
    page.get_by_label("Nhóm xếp hạng").select_option("department")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("không được để trống")).to_have_count(2)  # name and level
    assert page.get_by_label("Mã đơn vị").input_value() == "STP"
    _shot(page, "units-add-refused")
    page.get_by_label("Tên đơn vị").fill("Sở Tư pháp")
    page.get_by_label("Cấp", exact=True).select_option("department")
    page.get_by_label("Đơn vị cấp trên").select_option("QB")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu đơn vị STP.")).to_be_visible()
    expect(page.locator("#unit-STP td").nth(4)).to_have_text("UBND tỉnh Quảng Bình")

    page.locator("#unit-DH").get_by_role("button", name="Ngừng hoạt động").click()
    expect(page.get_by_text("Đơn vị DH đã ngừng hoạt động")).to_be_visible()
    expect(page.locator("#unit-DH td").nth(5)).to_have_text("Ngừng hoạt động")
    _shot(page, "units-list")


def test_the_page_is_for_administrators_only(client, make, login):
    unit = make.unit("QB", level="province")
    login(make.user("unit_head", unit))
    assert client.get("/admin/units").status_code == 403
    assert client.get("/admin/units.xlsx").status_code == 403
