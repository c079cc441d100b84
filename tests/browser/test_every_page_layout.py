"""Every HTML page the app's routes list, in Chromium at a desk (1366 px) and a phone (390 px):
the page never scrolls sideways, only elements marked `scroll-x` scroll inside it, every form
control uses the one proportional font stack (Vietnamese diacritics render whole), the ranking's
rank, unit, total, index and classification are in view, the self-assessment's title column
takes the room, and the administrator's menu holds on one line at 1366 px.

A GET route added later fails `test_every_page_is_visited` until it is visited here or excluded
with a reason. Screenshots of every page at both widths go to `screenshots/` (or
PARINDEX_SCREENSHOTS), for a person to look at.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from server.extensions import db
from server.models import Job, ParPlan, PlanTask
from server.models.types import utcnow
from server.records.schedule import default_schedule, set_schedule
from tests.helpers import PASSWORD
from tests.two_years import two_years

pytestmark = pytest.mark.browser

FONT_STACK = ('"Segoe UI", Roboto, "Noto Sans", Arial, "Liberation Sans", "DejaVu Sans", '
              'sans-serif')
WIDTHS = (1366, 390)

# GET routes that render no HTML page, with the reason.
EXCLUDED = {
    "static": "static files",
    "web.static": "static files",
    "health.healthz": "health probe (JSON)",
    "health.readyz": "health probe (JSON)",
    "web.evidence_file": "an evidence file, served as stored",
    "web.criteria_table": "download (.xlsx)",
    "web.progress_workbook": "download (.xlsx)",
    "web.publication_import_template": "download (.xlsx)",
    "web.unit_export": "download (.xlsx)",
    "web.user_template": "download (.xlsx or .csv)",
    "web.unit_points_lost_download": "download (.xlsx)",
    "web.unit_table_download": "download (.xlsx)",
    "web.group_points_lost_download": "download (.xlsx)",
    "web.unit_plan_download": "download (.xlsx)",
    "web.group_plans_download": "download (.xlsx)",
    "web.public_workbook": "download (.xlsx)",
    "web.publication_workbook": "download (.xlsx)",
    "web.ranking_workbook": "download (.xlsx)",
    "web.ranking_long_table": "download (.csv)",
    "web.job_state": "a job's state (JSON), which the job page polls",
    "web.job_file": "download (.xlsx) a job wrote",
    "web.par_plan_export": "download (.xlsx)",
    "web.par_plans_progress_download": "download (.xlsx)",
    "web.periodic_report_rollup": "download (.xlsx)",
}
RANKING_PAGES = ("web.ranking", "web.public_ranking")
# The pages people spend their day on: photographed at both widths.
MAIN_PAGES = {"web.index", "web.login", "web.public_ranking", "web.ranking", "web.unit_scorecard",
              "web.assessment_form", "web.explanation_page", "web.evidence_library",
              "web.appraisal_page", "web.appraisal_queue", "web.notifications", "web.progress",
              "web.publications_home", "web.unit_points_lost_page", "web.campaign_page",
              "web.group_plans_page", "web.plan_weights_page", "web.periodic_reports",
              "web.periodic_report_unit", "web.par_plans_page", "web.par_plan_page",
              "web.par_plans_progress"}


def html_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.rule.startswith("/api/")}


def visits(world) -> list[tuple[str, str | None, str]]:
    """(endpoint, user, path) of every page visited; user None: not logged in."""
    before, now = world["before"], world["now"]
    p01, p02, last = world["p01"], world["p02"], world["p02_before"]
    admin = [
        ("web.index", "/"), ("web.account_password", "/account/password"),
        ("web.account_tokens", "/account/tokens"), ("web.campaign_admin", "/admin/campaigns"),
        ("web.campaign_page", f"/admin/campaigns/{now.id}"),
        ("web.campaign_publications", f"/admin/campaigns/{before.id}/publications"),
        ("web.criteria_admin", "/admin/criteria-sets"),
        ("web.criteria_diff",
         "/admin/criteria-sets/diff?left=province-2017@1.0.0&right=province-2020@1.0.0"),
        ("web.exclusion_admin", "/admin/exclusions"), ("web.group_admin", "/admin/groups"),
        ("web.plugins", "/admin/plugins"), ("web.progress", f"/admin/progress?campaign={now.id}"),
        ("web.publications_home", "/admin/publications"),
        ("web.reviewer_assignments", "/admin/reviewers"), ("web.unit_admin", "/admin/units"),
        ("web.user_admin", "/admin/users"), ("web.assessments", "/assessments"),
        ("web.audit", "/audit"), ("web.criteria_sets", "/criteria-sets"),
        ("web.criteria_set", "/criteria-sets/province-2020/1.0.0"),
        ("web.rankings", "/rankings"), ("web.ranking", f"/rankings/{before.id}/province"),
        ("web.group_points_lost_page", f"/points-lost?campaign={before.id}&group=province"),
        ("web.unit_points_lost_page", f"/assessments/{last.id}/points-lost"),
        ("web.group_plans_page",
         f"/plans?campaign={before.id}&group=province&index=95&domain_min=50"),
        ("web.plan_weights_page", f"/plans/weights?campaign={before.id}&group=province"),
        ("web.job_page", f"/jobs/{world['job'].id}"),
        ("web.par_plans_home", "/par-plans"),
        ("web.par_plans_page", f"/campaigns/{now.id}/par-plans"),
        ("web.par_plans_progress", f"/campaigns/{now.id}/par-plans/progress"),
        ("web.periodic_reports_home", "/reports"),
        ("web.periodic_reports", f"/campaigns/{now.id}/reports"),
        ("web.periodic_report_schedule", f"/campaigns/{now.id}/reports/schedule?proposal=1"),
        ("web.periodic_report_templates", f"/campaigns/{now.id}/reports/templates"),
        ("web.periodic_report_period", f"/campaigns/{now.id}/reports/periods/q1"),
        ("web.periodic_report_outside", f"/campaigns/{now.id}/reports/periods/q1/outside"),
    ]
    unit_p02 = [
        ("web.index", "/"), ("web.assessment_form", f"/assessments/{p02.id}"),
        ("web.explanation_page", f"/assessments/{p02.id}/explanation"),
        ("web.evidence_library", f"/assessments/{p02.id}/evidence"),
        ("web.assessment_workflow", f"/assessments/{p02.id}/workflow"),
        ("web.notifications", "/notifications"),
        ("web.unit_scorecard", f"/scorecards/{before.id}/P02"),
        ("web.ranking", f"/rankings/{before.id}/province"),
        ("web.unit_plan_page", f"/assessments/{last.id}/plan?rank=1&domain_min=60"),
        ("web.par_plan_page", f"/campaigns/{now.id}/par-plans/P02"),
        ("web.par_task_page", f"/campaigns/{now.id}/par-plans/P02/tasks/{world.get('task', 0)}"),
        ("web.periodic_report_unit", f"/campaigns/{now.id}/reports/units/P02"),
    ]
    unit_p01 = [("web.assessment_form", f"/assessments/{p01.id}"),
                ("web.assessment_submit", f"/assessments/{p01.id}/submit")]
    reviewer = [("web.appraisal_queue", "/appraisal"),
                ("web.appraisal_page", f"/assessments/{p02.id}/appraisal"),
                ("web.appraisal_page", f"/assessments/{world['p03'].id}/appraisal")]
    public = [("web.login", "/login"), ("web.public_index", "/public"),
              ("web.public_ranking", f"/public/{before.id}/province")]
    return ([(e, None, p) for e, p in public] + [(e, "admin", p) for e, p in admin]
            + [(e, "canbo", p) for e, p in unit_p02] + [(e, "p01", p) for e, p in unit_p01]
            + [(e, "thamdinh", p) for e, p in reviewer])


@pytest.fixture
def world(app, make):
    world = two_years(app, make)
    # A finished job, as opening a campaign leaves one, for the job page.
    job = Job(kind="open-campaign", key="layout-open", state="done", progress_done=3,
              progress_total=3, created_by=world["admin"].id, campaign_id=world["now"].id,
              finished_at=utcnow())
    db.session.add(job)
    # P02's PAR plan with a task, for its pages.
    plan = ParPlan(campaign_id=world["now"].id, unit_id=world["p02"].unit_id,
                   title="Kế hoạch CCHC năm 2021", due_on=date(2021, 1, 31))
    plan.tasks.append(PlanTask(number="1", title="Rà soát, đánh giá thủ tục hành chính",
                               expected_result="Báo cáo kết quả rà soát", domain="3",
                               cooperating=["P01"], deadline=date(2021, 6, 30)))
    db.session.add(plan)
    # The year's periodic reports, for their pages.
    set_schedule(world["now"], default_schedule(world["now"].year), None)
    db.session.commit()
    return {**world, "job": job, "task": plan.tasks[0].id}


def screenshots_folder() -> Path:
    folder = Path(os.environ.get("PARINDEX_SCREENSHOTS")
                  or Path(__file__).resolve().parents[2] / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Everything measured in the page: what scrolls or sticks out, and the fonts in use.
MEASURE = """() => {
  const width = window.innerWidth;
  const marked = (el) => el.closest('.scroll-x') !== null;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.classList.length ? '.' + Array.from(el.classList).join('.') : '');
  const scrolling = [], outside = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
        && !el.classList.contains('scroll-x')) scrolling.push(name(el));
    const box = el.getBoundingClientRect();
    if (box.width && el.checkVisibility() && box.right > width + 1 && !marked(el)
        && !el.closest('.sr-only'))
      outside.push(name(el) + ' "' + el.textContent.trim().slice(0, 30) + '" right='
                   + Math.round(box.right));
  }
  const fonts = {};
  const controls = document.querySelectorAll('textarea, input, select, button, pre');
  for (const el of [document.body, ...controls])
    fonts[getComputedStyle(el).fontFamily] = name(el);
  return {scrollWidth: document.documentElement.scrollWidth, width, scrolling,
          outside: outside.slice(0, 5), fonts};
}"""

# With `scrolled`, the domain columns are first scrolled to their end: the five stay (sticky).
RANKING_CELLS = """(scrolled) => {
  const wrap = document.querySelector('.table-wrap.scroll-x');
  wrap.scrollLeft = scrolled ? wrap.scrollWidth : 0;
  const row = document.querySelector('table.ranking tbody tr[data-unit]');
  return ['rank', 'unit', 'total', 'index', 'classification'].map((name) => {
    const box = row.querySelector('td.' + name).getBoundingClientRect();
    return [name, box.left >= 0 && box.right <= window.innerWidth + 1];
  });
}"""

TITLE_SHARE = """() => Array.from(document.querySelectorAll('table.form')).map((table) => {
  const title = table.querySelector('th:nth-child(2)');
  return title.getBoundingClientRect().width / table.getBoundingClientRect().width;
})"""

MENU_LINES = """() => new Set(Array.from(document.querySelectorAll('.topbar nav > *'))
  .map((el) => Math.round(el.getBoundingClientRect().top))).size"""


def log_in(page, base, username):
    page.context.clear_cookies()
    if username is None:
        return
    page.goto(f"{base}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_every_page_is_visited(app):
    # The `world` ids do not matter here: only which endpoints are visited.
    fake = {key: type("Row", (), {"id": 1})() for key in ("before", "now", "p01", "p02", "p03",
                                                          "p02_before", "job")}
    visited = {endpoint for endpoint, _user, _path in visits(fake)}
    assert html_routes(app) - visited - set(EXCLUDED) == set()
    assert visited & set(EXCLUDED) == set()


def test_every_page_at_desk_and_phone_width(live_server, browser, world):
    folder = screenshots_folder()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        user = "?"
        for number, (endpoint, who, path) in enumerate(visits(world)):
            if who != user:
                log_in(page, live_server, who)
                user = who
            response = page.goto(f"{live_server}{path}")
            where = f"{width}px {who or 'anonymous'} {path}"
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status}")
                continue
            if endpoint in MAIN_PAGES:  # its first screens: what a person sees at first
                height = min(page.evaluate("document.documentElement.scrollHeight"), 2400)
                shot = f"{width}-{number:02d}-{endpoint[4:]}-{who or 'public'}.png"
                page.screenshot(path=folder / shot,
                                full_page=True, clip={"x": 0, "y": 0, "width": width,
                                                      "height": height})
            found = page.evaluate(MEASURE)
            if found["scrollWidth"] > found["width"]:
                problems.append(f"{where}: the page scrolls sideways "
                                f"({found['scrollWidth']} > {found['width']}): {found['outside']}")
            if found["scrolling"]:
                problems.append(f"{where}: unmarked elements scroll: {found['scrolling']}")
            if set(found["fonts"]) != {FONT_STACK}:
                problems.append(f"{where}: fonts {found['fonts']}")
            if endpoint in RANKING_PAGES:
                for scrolled in (False, width == 1366):
                    hidden = [name for name, seen in page.evaluate(RANKING_CELLS, scrolled)
                              if not seen]
                    if hidden:
                        problems.append(f"{where}: ranking cells out of view "
                                        f"(scrolled: {scrolled}): {hidden}")
            if endpoint == "web.assessment_form" and width == 1366:
                shares = page.evaluate(TITLE_SHARE)
                if not shares or min(shares) < 0.4:
                    problems.append(f"{where}: title column share {shares}")
            if who == "admin" and width == 1366 and page.evaluate(MENU_LINES) != 1:
                problems.append(f"{where}: the menu takes more than one line")
    context.close()
    assert not blocked, blocked
    assert not problems, "\n".join(problems)


def test_scorecard_and_ranking_print_on_paper(live_server, browser, world):
    """The "In" button opens the browser's print; printed, the ranking keeps every column and
    its chart on the paper and drops the menu; both pages make a PDF (kept beside the shots)."""
    folder = screenshots_folder()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    # Stands in for the print dialog, which a headless browser cannot show.
    page.add_init_script("window.print = () => { document.body.dataset.printed = 'yes'; }")
    log_in(page, live_server, "canbo")
    before = world["before"]
    for name, path in (("ranking", f"/rankings/{before.id}/province"),
                       ("scorecard", f"/scorecards/{before.id}/P02")):
        page.goto(f"{live_server}{path}")
        page.get_by_role("button", name="In", exact=True).click()
        expect(page.locator("body")).to_have_attribute("data-printed", "yes")
        page.emulate_media(media="print")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator("figure.chart svg")).to_be_visible()
        if name == "ranking":
            wrap = page.locator(".table-wrap.scroll-x")
            assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")
            expect(page.locator("table.ranking td.domain-points").first).to_be_visible()
        page.screenshot(path=folder / f"print-{name}.png", full_page=True)
        assert page.pdf(path=folder / f"print-{name}.pdf", format="A4",
                        landscape=True).startswith(b"%PDF")
        page.emulate_media(media="screen")
    context.close()
