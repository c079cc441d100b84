"""An editor fills in a domain, uploads a PDF, links it and sees the total change; the head
checks the totals and submits, in a real browser."""

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import Assessment, EvidenceLink, Submission
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def log_in(page, server, username):
    page.goto(f"{server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_editor_fills_a_domain_with_evidence_and_head_submits(live_server, page, make,
                                                               tmp_path):
    unit = make.unit("QB", name="UBND tỉnh Quảng Bình", level="province")
    dossier = make.assessment(make.campaign(), unit)
    make.user("unit_editor", unit, username="canbo")
    make.user("unit_head", unit, username="lanhdao")
    pdf = tmp_path / "Kế hoạch CCHC 2021.pdf"
    pdf.write_bytes(PDF)

    log_in(page, live_server, "canbo")
    page.goto(f"{live_server}/assessments/{dossier.id}/evidence")
    page.get_by_label("Số hiệu").fill("12/KH-UBND")
    page.get_by_label("Ngày ban hành (dd/mm/yyyy)").fill("15/01/2021")
    page.get_by_label("Cơ quan ban hành").fill("UBND tỉnh Quảng Bình")
    page.get_by_label("Trích yếu").fill("Kế hoạch cải cách hành chính năm 2021")
    page.locator("input[name=files][multiple]").set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Kế hoạch CCHC 2021.pdf")).to_be_visible()

    page.goto(f"{live_server}/assessments/{dossier.id}?domain=1")
    expect(page.locator("#total")).to_have_text("0")
    page.locator("select[name='v-1.1.1']").select_option("timely")
    page.locator("select[name='link-1.1.1']").select_option(label="12/KH-UBND Kế hoạch cải "
                                                             "cách hành chính năm 2021")
    page.locator("input[name='v-1.1.2']").fill("abc")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Hãy nhập một số.")).to_be_visible()
    assert page.locator("input[name='v-1.1.2']").input_value() == "abc"
    page.locator("input[name='v-1.1.2']").fill("95")
    page.locator("textarea[name='ex-1.1.2']").fill("Hoàn thành 95% kế hoạch")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    expect(page.locator("#total")).to_have_text("2")
    expect(page.locator("#leaf-1\\.1\\.1 ul.links a")).to_have_text("12/KH-UBND")
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, live_server, "lanhdao")
    page.goto(f"{live_server}/assessments/{dossier.id}")
    page.get_by_role("link", name="Kiểm tra tổng điểm và gửi").click()
    expect(page.locator("#submit-total")).to_have_text("2")
    # Most items are unanswered: the head confirms submitting anyway.
    page.locator("#confirm-unanswered").check()
    page.get_by_role("button", name="Gửi kết quả với tổng điểm này").click()
    expect(page.get_by_text("Đã gửi kết quả tự đánh giá.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "submitted.png"))

    db.session.expire_all()
    assert db.session.get(Assessment, dossier.id).state == "submitted"
    assert db.session.scalar(db.select(Submission.totals))["total"] == "2.00"
    assert db.session.scalar(db.select(EvidenceLink.code)) == "1.1.1"
