"""The administrator publishes a group from the publication page in a real browser: first
without ticking the confirmation (refused beside the box), then confirmed; the publication is
listed with its workbook, which downloads."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from server.results.exports.ranking_workbook import ABOUT
from tests.browser.menu import open_menu
from tests.browser.test_workflow_steps import _log_in
from tests.publication_data import finalised_group

pytestmark = pytest.mark.browser


def test_publish_from_the_page(app, live_server, page, make):
    campaign = finalised_group(app, make)
    make.user("admin", username="snv")
    _log_in(page, live_server, "snv")
    open_menu(page, "Kết quả", "Công bố")
    expect(page.get_by_text("Mọi hồ sơ của nhóm đã được Hội đồng thông qua")).to_be_visible()
    page.get_by_label("Ghi chú (không bắt buộc)").fill("Công bố theo Quyết định số 1/QĐ")
    page.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.get_by_text("Hãy đánh dấu ô xác nhận để công bố.")).to_be_visible()
    page.get_by_label("Tôi xác nhận").check()
    page.get_by_role("button", name="Công bố", exact=True).click()
    # A job publishes it; its page links to the published ranking.
    expect(page.get_by_text("Đã công bố lần 1 của nhóm; 3 đơn vị.")).to_be_visible()
    expect(page.locator("#job-result-link")).to_have_attribute(
        "href", f"/rankings/{campaign.id}/province")
    open_menu(page, "Kết quả", "Công bố")
    row = page.locator("table.publications tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Công bố theo Quyết định số 1/QĐ")
    expect(page.get_by_text("Số liệu hiện tại vẫn cho kết quả như lần công bố 1.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp .xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()),
                                  read_only=True)
    about = dict(book[ABOUT].iter_rows(min_row=2, values_only=True))
    assert about["Mã công bố"].endswith("(số 1)")
