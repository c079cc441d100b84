"""In a real browser: the public page from the login page without logging in, its chart and
table; then a unit head opens the unit's scorecard from the ranking page."""

import pytest
from playwright.sync_api import expect

from server.results.publications import publish
from tests.helpers import PASSWORD
from tests.web.ranking_pages import ranked_group

pytestmark = pytest.mark.browser


@pytest.fixture
def published(app, make):
    province_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    group = ranked_group(make, province_set)
    group["publication"] = publish(group["campaign"], "province", group["admin"])
    return group


def test_public_page_then_scorecard(live_server, page, published):
    rows = published["publication"].results["ranking"]["rows"]
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Xem kết quả Chỉ số CCHC đã công bố").click()
    page.get_by_role("link", name="Xem xếp hạng").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xếp hạng Chỉ số CCHC")
    chart = page.get_by_role("img", name="Chỉ số CCHC theo đơn vị, UBND cấp tỉnh, năm 2021")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).to_have_count(3)  # P04 is not ranked
    first = page.locator("table.ranking tbody tr[data-unit]").first
    assert first.get_attribute("data-unit") == rows[0]["unit_code"]
    expect(first.locator("td.rank")).to_have_text("1")
    expect(page.get_by_text("Bản xem trước")).to_have_count(0)

    head = published["heads"]["P02"]
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill(head.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Xếp hạng").first.click()
    page.get_by_role("link", name="2021 — Chỉ số CCHC năm 2021: UBND cấp tỉnh").click()
    page.get_by_role("link", name="Tỉnh P02").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Phiếu kết quả: Tỉnh P02 — Chỉ số CCHC năm 2021")
    row = next(r for r in rows if r["unit_code"] == "P02")
    expect(page.locator("dd.rank")).to_have_text(f"{row['rank']} trên 3 đơn vị được xếp hạng")
    domain_chart = page.get_by_role("img", name="Điểm theo lĩnh vực của Tỉnh P02, năm 2021")
    expect(domain_chart.locator("rect.bar")).to_have_count(len(row["domains"]))
