"""The appraisal round in a real browser: the reviewer adjusts a score with a reason and asks a
question; the unit answers and links evidence to the questioned item; the head sends the
explanation; the reviewer reads the reply and accepts; the administrator finalises."""

import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.assessment import evidence
from server.extensions import db
from server.models import Assessment, ReviewerAssignment
from tests.appraisal_round import appraisal_round
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def log_in(page, server, username):
    page.goto(f"{server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


@pytest.fixture
def linked_app(app, live_server):
    """Links in notifications point at the live server."""
    saved = app.config["BASE_URL"]
    app.config["BASE_URL"] = live_server
    yield app
    app.config["BASE_URL"] = saved


def test_adjust_ask_answer_accept_finalise(live_server, linked_app, page, make):
    round_ = appraisal_round(make)
    # The reviewer also appraises domain 2, where the unit answered 2.2.1.
    assignment = db.session.scalar(select(ReviewerAssignment))
    assignment.domains = ["1", "2"]
    db.session.commit()
    evidence.upload(round_.assessment.campaign_id, round_.unit.id, round_.editor,
                    [("Báo cáo 45.pdf", io.BytesIO(PDF))],
                    {"number": "45/BC-UBND", "title": "Báo cáo kết quả CCHC năm 2021"})

    # The reviewer: queue, adjust 1.1.1 with a reason, ask about 1.1.2, request the explanation.
    log_in(page, live_server, "thamdinh")
    page.get_by_role("link", name="Hồ sơ cần thẩm định", exact=True).click()
    entries = page.locator("tr.queue-entry")  # one a domain: 1 and 2
    expect(entries).to_have_count(2)
    expect(entries.first.locator("td.pending")).to_have_text("10")
    entries.first.get_by_role("link", name="UBND tỉnh Quảng Bình").click()
    self_total = page.locator("#self-total").inner_text()
    assert page.locator("#appraised-total").inner_text() == self_total
    row = page.locator("#leaf-1\\.1\\.1")
    row.locator("select[name='v-1.1.1']").select_option("late")
    row.get_by_role("button", name="Điều chỉnh").click()
    expect(page.get_by_text("Nêu lý do điều chỉnh.")).to_be_visible()  # the reason is required
    row = page.locator("#leaf-1\\.1\\.1")
    assert row.locator("select[name='v-1.1.1']").input_value() == "late"  # input kept
    row.get_by_label("Lý do hoặc nội dung đề nghị giải trình 1.1.1").fill(
        "Kế hoạch ban hành sau ngày 31/12")
    row.get_by_role("button", name="Điều chỉnh").click()
    expect(page.get_by_text("Đã lưu: 1.1.1.")).to_be_visible()
    row = page.locator("#leaf-1\\.1\\.1")
    expect(row.locator("td.current .kind")).to_have_text("Điều chỉnh")
    expect(row.locator(".appraised-points")).to_have_text("0,5")
    assert page.locator("#appraised-total").inner_text() != self_total
    row = page.locator("#leaf-1\\.1\\.2")
    row.get_by_label("Lý do hoặc nội dung đề nghị giải trình 1.1.2").fill(
        "Số liệu 95% lấy từ báo cáo nào?")
    row.get_by_role("button", name="Đề nghị giải trình").click()
    expect(page.locator("#leaf-1\\.1\\.2 td.current .kind")).to_have_text("Đề nghị giải trình")
    page.get_by_role("button", name="Yêu cầu giải trình").click()
    expect(page.locator("#state")).to_have_text("Yêu cầu giải trình")
    log_out(page)

    # The unit editor follows the notification, answers and links the report.
    log_in(page, live_server, "canbo")
    page.get_by_role("link", name="Thông báo (1)").click()
    page.get_by_role("link", name="Đề nghị giải trình").click()
    expect(page).to_have_url(re.compile(re.escape(f"/assessments/{round_.assessment.id}/explanation")))
    expect(page.locator("section.question")).to_have_count(1)
    expect(page.get_by_text("Số liệu 95% lấy từ báo cáo nào?")).to_be_visible()
    page.get_by_label("Nội dung giải trình 1.1.2").fill("Theo Báo cáo số 45/BC-UBND, đính kèm.")
    page.locator("select[name='document_id']").select_option(
        label="45/BC-UBND Báo cáo kết quả CCHC năm 2021")
    page.get_by_role("button", name="Lưu nội dung giải trình").click()
    expect(page.get_by_text("Đã lưu: 1.1.2.")).to_be_visible()
    expect(page.locator("#question-1\\.1\\.2 ul.links a")).to_have_text("45/BC-UBND")
    log_out(page)

    # The head sends the explanation.
    log_in(page, live_server, "lanhdao")
    page.goto(f"{live_server}/assessments/{round_.assessment.id}/explanation")
    page.get_by_role("button", name="Gửi giải trình").click()
    expect(page.get_by_text("Đã gửi giải trình đến Tổ thẩm định.")).to_be_visible()
    expect(page.locator("#state")).to_have_text("Đã giải trình")
    log_out(page)

    # The reviewer reads the reply, accepts, accepts the rest explicitly, completes.
    log_in(page, live_server, "thamdinh")
    page.get_by_role("link", name="Thông báo (1)").click()
    page.get_by_role("link", name="UBND tỉnh Quảng Bình đã gửi giải trình").click()
    row = page.locator("#leaf-1\\.1\\.2")
    expect(row.locator(".reply")).to_have_text(
        "Đơn vị giải trình: Theo Báo cáo số 45/BC-UBND, đính kèm.")
    expect(row.locator("td.evidence a")).to_have_text("45/BC-UBND")
    row.get_by_role("button", name="Chấp nhận").click()
    expect(page.locator("#leaf-1\\.1\\.2 td.current .kind")).to_have_text("Chấp nhận")
    form = page.locator("#domain-1 form.accept-all")
    form.get_by_role("checkbox").check()
    form.get_by_role("button").click()
    expect(page.get_by_text("Đã chấp nhận kết quả tự đánh giá của đơn vị")).to_be_visible()
    # Domain 2 is still undecided: completing is refused, naming it.
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(page.get_by_text("Chưa thể hoàn thành thẩm định")).to_be_visible()
    expect(page.get_by_text("lĩnh vực 2: 1 tiêu chí (2.2.1)")).to_be_visible()
    form = page.locator("#domain-2 form.accept-all")
    form.get_by_role("checkbox").check()
    form.get_by_role("button").click()
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(page.locator("#state")).to_have_text("Đã thẩm định")
    log_out(page)

    # The administrator finalises on the workflow page.
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/assessments/{round_.assessment.id}/workflow")
    # Most items were never answered: the council confirms the gaps with a reason.
    page.locator("input[name=confirm_gaps]").check()
    page.locator("#reason-finalise").fill("Hội đồng chốt theo số liệu đơn vị đã cung cấp")
    page.get_by_role("button", name="Hội đồng thông qua").click()
    expect(page.get_by_text("Hồ sơ hiện ở trạng thái Hội đồng đã thông qua.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Assessment, round_.assessment.id).state == "finalised"
