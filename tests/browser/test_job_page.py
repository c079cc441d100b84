"""The job page refreshes itself (static jobs.js, no inline script) until the job ends."""

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import Job
from tests.browser.test_self_assessment_flow import log_in

pytestmark = pytest.mark.browser


def test_the_page_follows_the_job_until_it_is_done(live_server, page, make):
    admin = make.user("admin", username="snv")
    job = Job(kind="open-campaign", key="open-campaign:browser", created_by=admin.id,
              state="running", attempts=1, progress_done=10, progress_total=40, params={})
    db.session.add(job)
    db.session.commit()

    log_in(page, live_server, "snv")
    expect(page.locator(".who")).to_be_visible()  # signed in before leaving the page
    page.goto(f"{live_server}/jobs/{job.id}")
    expect(page.locator("#job-state")).to_have_text("Đang chạy")
    expect(page.locator("#job-count")).to_have_text("10/40")
    expect(page.locator("#job-result")).to_be_hidden()

    # The worker goes on, then finishes: the page shows it without being reloaded.
    job.progress_done = 25
    db.session.commit()
    expect(page.locator("#job-count")).to_have_text("25/40")
    job.state, job.progress_done, job.result_link = "done", 40, "/admin/campaigns/1"
    db.session.commit()
    expect(page.locator("#job-state")).to_have_text("Hoàn thành")
    expect(page.locator("#job-result-link")).to_have_attribute("href", "/admin/campaigns/1")
    expect(page.locator("#job-error")).to_be_hidden()
