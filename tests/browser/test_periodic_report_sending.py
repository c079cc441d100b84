"""A unit editor sends the unit's Q1 periodic report in a real browser: from the campaign's
reports page to the unit's page, the signed document chosen from the unit's evidence, the
appendix figures typed, a bad figure refused beside its field, then sent and shown on time; the
unit's self-assessment form then proposes one report fewer missing for item 1.2.1 ("Báo cáo CCHC
định kỳ đủ số lượng và đúng thời gian"), with the Q1 report listed on time.
(Locators use the pages' own attributes, not their translated words.)"""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import Assessment, ReportSubmission
from tests.browser.test_self_assessment_flow import log_in
from tests.records.periodic_world import FIGURES, KEYS, build, document

pytestmark = pytest.mark.browser


def test_a_unit_sends_its_q1_report(live_server, page, make):
    world = build(make)
    world["editor"].username = "canbo.x1"
    db.session.commit()
    signed = document(world["campaign"], world["x1"], date(2021, 3, 12), "12/BC-UBND")
    campaign_id = world["campaign"].id

    dossier_id = db.session.scalar(select(Assessment.id).filter_by(unit_id=world["x1"].id))
    form = f"{live_server}/assessments/{dossier_id}?domain=1"
    reports_item = page.locator("#leaf-1\\.2\\.1 .proposal")

    log_in(page, live_server, "canbo.x1")
    # Before: every report of 2021 is past its due day and none is sent.
    page.goto(form)
    expect(reports_item).to_have_attribute("data-proposal", "4")
    page.goto(f"{live_server}/campaigns/{campaign_id}/reports")
    page.locator(f"a[href='/campaigns/{campaign_id}/reports/units/X1']").click()
    q1 = page.locator("section[data-period='q1'][data-domain='']")
    expect(q1).to_have_attribute("data-standing", "missing")  # 13/03/2021 has long passed
    q1.locator("select[name='document_id']").select_option(str(signed.id))
    for key, value in FIGURES.items():
        q1.locator(f"input[name='fig-{key}']").fill(str(value))
    q1.locator(f"input[name='fig-{KEYS[2]}']").fill("120")
    q1.locator("button[type='submit']").click()

    q1 = page.locator("section[data-period='q1'][data-domain='']")
    expect(q1.locator(".field.invalid input")).to_have_attribute("name", f"fig-{KEYS[2]}")
    assert db.session.scalar(select(db.func.count(ReportSubmission.id))) == 0
    q1.locator(f"input[name='fig-{KEYS[2]}']").fill("98,5")
    q1.locator("button[type='submit']").click()

    q1 = page.locator("section[data-period='q1'][data-domain='']")
    expect(q1).to_have_attribute("data-standing", "on_time")
    expect(q1.locator("select[name='document_id']")).to_have_value(str(signed.id))
    expect(q1.locator(f"input[name='fig-{KEYS[1]}']")).to_have_value("150,5")
    db.session.expire_all()
    sent = db.session.scalars(select(ReportSubmission)).one()
    assert sent.document_id == signed.id and sent.figures[KEYS[2]] == "98.5"

    # The form now proposes 3 missing or late, the Q1 report listed on time with its document.
    page.goto(form)
    expect(reports_item).to_have_attribute("data-proposal", "3")
    page.locator("#records-1\\.2\\.1 summary").click()
    expect(page.locator("#records-1\\.2\\.1 tr.report[data-state='on_time']")).to_have_count(1)
    expect(page.locator("#records-1\\.2\\.1 tr.report[data-state='missing']")).to_have_count(3)
