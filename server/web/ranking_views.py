"""Ranking pages per campaign and unit group, the unit scorecard, and the public page.

Thin: who sees what is decided in server/results/visible.py. Live numbers are for
administrators only; everyone else, and the public pages, read the latest publication.
"""

from urllib.parse import quote

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from server.downloads import csv_download, xlsx_download
from server.extensions import db
from server.models import Unit
from server.people.permissions import own_unit_ids
from server.results.exports.long_table import HEADERS, frozen_leaves, long_table_rows
from server.results.exports.ranking_workbook import write_ranking_workbook
from server.results.ranking import collection_paused
from server.results.visible import (
    NotShown,
    campaign_or_not_shown,
    is_admin,
    live_long_table,
    live_ranking,
    published_groups,
    published_ranking,
    ranking_choices,
    ranking_page,
    scorecard,
)
from server.results.workbook_jobs import (
    file_response,
    live_workbook_job,
    publication_workbook_job,
)
from server.web.blueprint import bp
from server.web.charts import domain_chart, index_chart


def _live_asked() -> bool:
    return request.args.get("live") == "1"


@bp.route("/rankings")
@login_required
def rankings():
    """The campaign and group chooser, and the list of what is published."""
    # The selector posts "campaign id/group", with "/live" for an administrator's preview.
    campaign_id, _, rest = request.args.get("ranking", "").partition("/")
    group, _, live = rest.partition("/")
    if campaign_id.isdecimal() and group:
        return redirect(url_for("web.ranking", campaign_id=int(campaign_id), group=group,
                                **({"live": 1} if live == "live" else {})))
    return render_template("rankings/index.html", choices=ranking_choices(current_user),
                           published=published_groups(), admin=is_admin(current_user))


def _unpublished(campaign, group):
    return render_template("rankings/unpublished.html", campaign=campaign, group=group), 404


@bp.route("/rankings/<int:campaign_id>/<group>")
@login_required
def ranking(campaign_id, group):
    # A ranking page builds and renders a thousand rows of small objects, none in a cycle:
    # collections while it does would scan the whole heap again and again.
    with collection_paused():
        return _ranking(campaign_id, group)


def _ranking(campaign_id, group):
    try:
        campaign = campaign_or_not_shown(campaign_id)
        page = ranking_page(campaign, group, current_user, live=_live_asked())
    except NotShown as refused:
        if refused.unpublished:
            return _unpublished(campaign, group)
        abort(404)
    return render_template(
        "rankings/ranking.html", page=page, choices=ranking_choices(current_user),
        chart=index_chart(page.data["rows"], page.criteria_set), admin=is_admin(current_user),
        links=_scorecard_links(page))


def _scorecard_links(page) -> dict[str, str]:
    """unit code -> its scorecard, for the rows this user may open: every row for an
    administrator, the user's own units otherwise."""
    codes = [row["unit_code"] for row in page.data["rows"]]
    if not is_admin(current_user):
        own = own_unit_ids(current_user)
        codes = set(db.session.scalars(select(Unit.code).where(Unit.id.in_(own)))) if own \
            else set()
    extra = {"live": 1} if page.live else {}
    # One url_for, the code put in after (quoted as url_for would): a page has 1,000 rows.
    pattern = url_for("web.unit_scorecard", campaign_id=page.campaign.id, unit_code=_SLOT,
                      **extra)
    return {code: pattern.replace(_SLOT, quote(code, safe="")) for code in codes}


_SLOT = "UNIT-CODE-SLOT"


@bp.route("/rankings/<int:campaign_id>/<group>/workbook.xlsx")
@login_required
def ranking_workbook(campaign_id, group):
    """The ranking workbook: the published one, or the live one for an administrator."""
    try:
        campaign = campaign_or_not_shown(campaign_id)
        if campaign.pin_for(group) is None:
            raise NotShown()
        if _live_asked():
            if not is_admin(current_user):
                raise NotShown()
            job = live_workbook_job(campaign, group, current_user)
            return _job_file(job) if job else \
                _workbook(live_ranking(campaign, group, current_user), None)
        publication, ranking = published_ranking(campaign.id, group)
        job = publication_workbook_job(publication, current_user)
        return _job_file(job) if job else _workbook(ranking, publication)
    except NotShown:
        abort(404)


def _job_file(job):
    """A large group's workbook: the stored file once its job is done, else the job's page
    (which links to the file when it is written)."""
    db.session.commit()
    db.session.refresh(job)
    if job.state == "done":
        return file_response(job)
    return redirect(url_for("web.job_page", job_id=job.id))


def _workbook(ranking, publication):
    suffix = "xem-truoc" if publication is None else f"cong-bo-{publication.number}"
    return xlsx_download(
        lambda buffer: write_ranking_workbook(
            ranking, buffer, publication_id=None if publication is None else str(publication.id),
            generated_at=None if publication is None else publication.published_at),
        f"xep-hang-{ranking.year}-{ranking.group}-{suffix}.xlsx")


@bp.route("/rankings/<int:campaign_id>/<group>/long-table.csv")
@login_required
def ranking_long_table(campaign_id, group):
    """The long table (a line per unit and sub-criterion) as CSV, streamed: the published one,
    or the live one for an administrator."""
    try:
        campaign = campaign_or_not_shown(campaign_id)
        if campaign.pin_for(group) is None:
            raise NotShown()
        if _live_asked():
            ranking, leaves = live_long_table(campaign, group, current_user)
            suffix = "xem-truoc"
        else:
            publication, ranking = published_ranking(campaign.id, group)
            leaves, suffix = frozen_leaves(ranking), f"cong-bo-{publication.number}"
    except NotShown:
        abort(404)
    return csv_download(HEADERS, long_table_rows(ranking, leaves),
                        f"bang-dai-{ranking.year}-{ranking.group}-{suffix}.csv")


@bp.route("/scorecards/<int:campaign_id>/<unit_code>")
@login_required
def unit_scorecard(campaign_id, unit_code):
    try:
        card = scorecard(campaign_or_not_shown(campaign_id), unit_code, current_user,
                         live=_live_asked())
    except NotShown:
        abort(404)
    titles = {d.code: d.title for d in card.criteria_set.domains} if card.criteria_set else {}
    points_lost = None
    if card.assessment_id and "web.unit_points_lost_page" in current_app.view_functions:
        points_lost = url_for("web.unit_points_lost_page", assessment_id=card.assessment_id)
    return render_template("rankings/scorecard.html", card=card, titles=titles,
                           chart=domain_chart(card.row["domains"], titles,
                                              card.previous_points),
                           admin=is_admin(current_user), points_lost=points_lost)


# -- public: no login, published snapshots only ------------------------------------------------

@bp.route("/public")
def public_index():
    return render_template("rankings/public_index.html", published=published_groups())


@bp.route("/public/<int:campaign_id>/<group>")
def public_ranking(campaign_id, group):
    # `user=None`: never an administrator here, so only a publication can be shown.
    try:
        page = ranking_page(campaign_or_not_shown(campaign_id), group, None)
    except NotShown:
        abort(404)
    return render_template("rankings/public_ranking.html", page=page,
                           chart=index_chart(page.data["rows"], page.criteria_set))


@bp.route("/public/<int:campaign_id>/<group>/workbook.xlsx")
def public_workbook(campaign_id, group):
    try:
        publication, ranking = published_ranking(campaign_id, group)
    except NotShown:
        abort(404)
    job = publication_workbook_job(publication, None)
    if job is None:
        return _workbook(ranking, publication)
    db.session.commit()
    db.session.refresh(job)
    if job.state == "done":
        return file_response(job)
    # Written once by the worker, for every reader after: the public page asks to come back.
    return render_template("rankings/workbook_pending.html"), 503, {"Retry-After": "60"}
