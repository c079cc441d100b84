"""A person logs in and opens the criteria tree, in a real browser."""

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_log_in_and_open_the_criteria_tree(live_server, page, make, tmp_path):
    make.user("unit_editor", make.unit(), username="canbo")

    page.goto(f"{live_server}/criteria-sets")
    assert page.url.startswith(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.url == f"{live_server}/criteria-sets"

    page.get_by_role("link", name="Chỉ số cải cách hành chính cấp tỉnh (PAR INDEX)").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(
        "Chỉ số cải cách hành chính cấp tỉnh")
    rows = page.locator("table.tree tbody tr")
    assert rows.count() == 8 + 43 + 102
    first_leaf = page.locator("tr.leaf").first
    assert first_leaf.locator("td").first.inner_text() == "1.1.1"
    assert "chưa đối chiếu" in first_leaf.inner_text()
    assert page.locator("text=1149/QĐ-BNV").first.is_visible()
    page.screenshot(path=str(tmp_path / "criteria-tree.png"), full_page=False)

    page.get_by_role("button", name="Đăng xuất").click()
    assert page.url.startswith(f"{live_server}/login")
