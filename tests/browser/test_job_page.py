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


def test_an_import_that_fails_shows_every_bad_row_once_it_ends(live_server, page, make):
    admin = make.user("admin", username="snv")
    job = Job(kind="unit-import", key="unit-import:browser", created_by=admin.id,
              state="running", attempts=1, params={"filename": "don-vi.xlsx"})
    db.session.add(job)
    db.session.commit()

    log_in(page, live_server, "snv")
    expect(page.locator(".who")).to_be_visible()
    page.goto(f"{live_server}/jobs/{job.id}")
    expect(page.locator("#job-state")).to_have_text("Đang chạy")
    job.state, job.error = "failed", "Tệp không được nhập (2 lỗi):"
    job.params = {"filename": "don-vi.xlsx", "problems": [
        {"row": 3, "kind": "duplicate", "message": "Mã đơn vị: 'QB' đã có ở dòng 2"},
        {"row": 5, "kind": "unknown_parent", "message": "Đơn vị cấp trên: không có 'HUYEN9'"}]}
    db.session.commit()
    # The page reloads itself to show the rows, each in its own line of the table.
    expect(page.locator("tr.row-problem")).to_have_count(2)
    expect(page.locator("tr.row-problem").first).to_contain_text("'QB' đã có ở dòng 2")
    expect(page.locator("#job-error")).to_be_hidden()
