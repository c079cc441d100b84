"""A person logs in and opens the criteria tree, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_log_in_and_open_the_criteria_tree(live_server, page, make, tmp_path):
    make.user("unit_editor", make.unit(), username="canbo")

    page.goto(f"{live_server}/criteria-sets")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/login")))
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.")).to_be_visible()

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server}/criteria-sets")

    # Two versions of the set are installed: open 1.0.0's row.
    page.locator("tr", has_text="1.0.0").get_by_role(
        "link", name="Chỉ số cải cách hành chính cấp tỉnh (PAR INDEX)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Chỉ số cải cách hành chính cấp tỉnh")
    rows = page.locator("table.tree tbody tr")
    expect(rows).to_have_count(8 + 43 + 102)
    first_leaf = page.locator("tr.leaf").first
    expect(first_leaf.locator("td").first).to_have_text("1.1.1")
    expect(first_leaf).to_contain_text("chưa đối chiếu")
    expect(page.locator("text=1149/QĐ-BNV").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "criteria-tree.png"), full_page=False)

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server}/login")))
