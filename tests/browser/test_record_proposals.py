"""The unit sees in its form what the year's records propose, opens the evidence, uses one
proposal and overrides another with an explanation, in a real browser."""

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import Answer
from tests.browser.test_self_assessment_flow import log_in
from tests.records.feeds_world import build

pytestmark = pytest.mark.browser


def test_the_unit_uses_one_proposal_and_explains_another(live_server, page, make):
    world = build(make)
    make.user("unit_editor", world.province, username="canbo")
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server}/assessments/{world.dossier.id}?domain=1")
    completion = page.locator("#leaf-1\\.1\\.2 .proposal")
    expect(completion).to_have_attribute("data-proposal", "57.14")
    evidence = page.locator("#records-1\\.1\\.2")
    evidence.locator("summary").click()
    # The 7 tasks that count, then the late one again, then the 2 not counted.
    expect(evidence.locator("table.records-tasks").first.locator("tr.task")).to_have_count(7)
    expect(evidence.locator("tr.task")).to_have_count(10)
    expect(evidence.locator("tr.task[data-standing='done_late']").first).to_be_visible()
    reports = page.locator("#leaf-1\\.2\\.1 .proposal")
    expect(reports).to_have_attribute("data-proposal", "2")
    page.locator("#records-1\\.2\\.1 summary").click()
    expect(page.locator("#records-1\\.2\\.1 tr.report[data-state='missing']")).to_have_count(1)

    page.locator("input[name='use-1.1.2']").check()
    page.locator("input[name='v-1.2.1']").fill("0")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".field-error[data-code='1.2.1'][data-field='explanation']")
           ).to_be_visible()
    page.locator("textarea[name='ex-1.2.1']").fill("Báo cáo Quý III gửi bản giấy đúng hạn")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()

    db.session.expire_all()
    rows = {row.code: row for row in db.session.scalars(db.select(Answer).filter_by(
        assessment_id=world.dossier.id, source="self"))}
    assert (rows["1.1.2"].value, rows["1.1.2"].proposal) == (57.14, 57.14)
    assert (rows["1.2.1"].value, rows["1.2.1"].proposal) == ("0", 2)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_evidence_fits_the_page_at_a_desk_and_on_a_phone(live_server, page, make, width):
    from tests.browser.test_every_page_layout import MEASURE

    world = build(make)
    make.user("unit_editor", world.province, username="canbo")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server}/assessments/{world.dossier.id}?domain=1")
    for summary in page.locator(".records-evidence summary").all():
        summary.click()
    expect(page.locator(".records-evidence tr.report").first).to_be_visible()
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["width"], found["outside"]
    assert not found["scrolling"]
