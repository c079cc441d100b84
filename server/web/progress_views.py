"""The progress grid page for the Department of Home Affairs (and, for their own groups and
domains, the campaign's reviewers), with its workbook download. Thin: server.appraisal.progress
decides.
"""

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from server.appraisal.progress import (
    OVERDUE_REASONS,
    STATE_LABELS,
    FilterError,
    ProgressFilters,
    campaign_progress,
    parse_filters,
    progress_scope,
)
from server.downloads import xlsx_download
from server.extensions import db
from server.models import Campaign, ReviewerAssignment
from server.results.exports.progress_workbook import write_progress_workbook
from server.web.blueprint import bp


def _campaigns() -> list[Campaign]:
    """The campaigns whose grid the user may open, newest first."""
    query = select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())
    if not current_user.has_role("admin"):
        query = query.where(Campaign.id.in_(select(ReviewerAssignment.campaign_id).where(
            ReviewerAssignment.reviewer_id == current_user.id)))
    return list(db.session.scalars(query))


def _chosen(campaigns: list[Campaign]):
    """(campaign, scope) for the `campaign` argument, or the newest; aborts 403/404."""
    wanted = request.args.get("campaign", "")
    if wanted and not wanted.isdecimal():
        abort(404)
    campaign = db.session.get(Campaign, int(wanted)) if wanted else (
        campaigns[0] if campaigns else None)
    if wanted and campaign is None:
        abort(404)
    if campaign is None:
        if not current_user.has_role("admin"):
            abort(403)
        return None, None
    scope = progress_scope(current_user, campaign)
    if scope is None:
        abort(403)
    return campaign, scope


@bp.route("/admin/progress")
@login_required
def progress():
    campaigns = _campaigns()
    campaign, scope = _chosen(campaigns)
    errors, filters = {}, ProgressFilters()
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        errors = error.errors
    report = campaign_progress(campaign, scope, filters) if campaign and not errors else None
    return render_template("progress.html", campaigns=campaigns, campaign=campaign,
                           report=report, filters=filters, errors=errors,
                           args=request.args, state_labels=STATE_LABELS,
                           overdue_reasons=OVERDUE_REASONS), 422 if errors else 200


@bp.route("/admin/progress.xlsx")
@login_required
def progress_workbook():
    campaign, scope = _chosen(_campaigns())
    if campaign is None:
        abort(404)
    try:
        filters = parse_filters(request.args)
    except FilterError:
        abort(422)
    report = campaign_progress(campaign, scope, filters)
    return xlsx_download(lambda buffer: write_progress_workbook(report, buffer),
                         f"tien-do-{campaign.year}.xlsx")
