"""A unit head submits the dossier from the workflow page in a real browser; the assigned
reviewer follows the notification link and starts the appraisal."""

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import ReviewerAssignment
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, live_server, username):
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


@pytest.fixture
def linked_app(app, live_server):
    """Links in notifications point at the live server."""
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = live_server
    yield app
    app.config["BASE_URL"] = saved


def test_submit_then_see_history_and_notification(live_server, linked_app, page, make):
    unit = make.unit("QB", level="province", name="UBND tỉnh Quảng Bình")
    campaign = make.campaign()
    assessment = make.assessment(campaign, unit)
    make.user("unit_head", unit, username="lanhdao")
    reviewer = make.user("reviewer", username="thamdinh")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                      domains=["1"]))
    db.session.commit()

    _log_in(page, live_server, "lanhdao")
    page.goto(f"{live_server}/assessments/{assessment.id}/workflow")
    page.locator("input[name=confirm_unanswered]").check()  # nothing is answered yet
    page.get_by_role("button", name="Gửi hồ sơ").click()
    expect(page.get_by_text("Hồ sơ hiện ở trạng thái Đã gửi.")).to_be_visible()
    expect(page.locator("table.grid tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Đăng xuất").click()

    _log_in(page, live_server, "thamdinh")
    page.get_by_role("link", name="Thông báo (1)").click()
    page.get_by_role("link", name="UBND tỉnh Quảng Bình đã gửi hồ sơ tự đánh giá").click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.get_by_text("Đang thẩm định").first).to_be_visible()
