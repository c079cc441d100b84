"""The evidence page refuses files over the server's limits before sending them, in Vietnamese,
and keeps what was typed (static/upload_limit.js)."""

import pytest
from playwright.sync_api import expect

from server.models import EvidenceDocument
from tests.browser.test_self_assessment_flow import log_in

pytestmark = pytest.mark.browser
MB = 1024 * 1024


@pytest.fixture
def small_limits(app):
    saved = {k: app.config[k] for k in ("EVIDENCE_MAX_MB", "MAX_CONTENT_LENGTH")}
    app.config.update(EVIDENCE_MAX_MB=1, MAX_CONTENT_LENGTH=3 * MB)
    yield
    app.config.update(saved)


def test_files_over_the_limits_are_not_sent_and_the_typed_details_stay(
        small_limits, live_server, page, make, tmp_path):
    unit = make.unit("QB", level="province")
    dossier = make.assessment(make.campaign(), unit)
    make.user("unit_editor", unit, username="canbo")
    large = tmp_path / "Báo cáo lớn.pdf"
    large.write_bytes(b"%PDF-1.7\n" + b"0" * (MB + 10))
    parts = []
    for n in range(4):
        part = tmp_path / f"phan-{n}.pdf"
        part.write_bytes(b"%PDF-1.7\n" + b"0" * (900 * 1024))
        parts.append(str(part))

    log_in(page, live_server, "canbo")
    page.goto(f"{live_server}/assessments/{dossier.id}/evidence")
    page.get_by_label("Số hiệu").fill("12/KH-UBND")
    page.get_by_label("Trích yếu").fill("Báo cáo CCHC năm 2021")
    files = page.locator("input[name=files][multiple]")
    files.set_input_files(str(large))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    refusal = page.locator("form:has(#upload) .upload-limit")
    expect(refusal).to_have_text(
        "Chưa gửi: Báo cáo lớn.pdf lớn hơn 1 MB, dung lượng tối đa của một tệp.")
    expect(page.get_by_label("Số hiệu")).to_have_value("12/KH-UBND")
    files.set_input_files(parts)
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(refusal).to_contain_text("tổng dung lượng các tệp lớn hơn 3 MB")
    expect(page.get_by_label("Trích yếu")).to_have_value("Báo cáo CCHC năm 2021")
    assert EvidenceDocument.query.count() == 0
    files.set_input_files(parts[:1])
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("phan-0.pdf")).to_be_visible()
    expect(refusal).to_be_hidden()
