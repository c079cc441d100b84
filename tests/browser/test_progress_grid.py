"""The Department of Home Affairs opens the progress grid from the menu, filters it and
downloads it, in a real browser."""

from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from playwright.sync_api import expect

from server.extensions import db
from tests.browser.menu import open_menu
from tests.browser.test_self_assessment_flow import log_in

pytestmark = pytest.mark.browser


def test_admin_filters_the_grid_and_downloads_it(live_server, page, make, tmp_path):
    campaign = make.campaign(self_assessment_deadline=datetime.now(UTC) - timedelta(hours=1))
    for code, name in (("QB", "UBND tỉnh Quảng Bình"), ("HN", "UBND thành phố Hà Nội"),
                       ("HP", "UBND thành phố Hải Phòng")):
        unit = make.unit(code, name=name, level="province")
        if code == "QB":
            make.assessment(campaign, unit).state = "submitted"
            db.session.commit()
    make.user("admin", username="snv")

    log_in(page, live_server, "snv")
    open_menu(page, "Thẩm định", "Tiến độ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiến độ đánh giá Chỉ số CCHC")
    expect(page.locator("table.progress tbody tr")).to_have_count(3)
    expect(page.locator("tr.overdue")).to_have_count(2)  # HN and HP never started, deadline passed

    page.get_by_label("Trạng thái", exact=True).select_option("not_started")
    page.get_by_label("Mã hoặc tên đơn vị").fill("hải phòng")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("table.progress tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("HP – UBND thành phố Hải Phòng")
    expect(rows.first).to_contain_text("Quá thời hạn tự đánh giá")
    page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về tệp .xlsx").click()
    assert download.value.suggested_filename == "tien-do-2021.xlsx"
    download.value.save_as(tmp_path / "tien-do.xlsx")
    book = openpyxl.load_workbook(tmp_path / "tien-do.xlsx")
    lines = list(book["Tiến độ"].iter_rows(min_row=2, values_only=True))
    assert [line[:4] for line in lines] == [
        ("HP", "UBND thành phố Hải Phòng", "UBND cấp tỉnh", "Chưa bắt đầu")]
