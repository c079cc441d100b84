"""Reviewer assignment from the campaign's page: assign a reviewer to domains (of one unit group
or of all) and remove an assignment, then back to the page, whose list of uncovered pairs shows
what is still missing. The checks are server.campaigns.reviewers'."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.campaigns.reviewers import AssignmentError, assign_reviewer, remove_assignment
from server.extensions import db
from server.models import Campaign, ReviewerAssignment, User
from server.web.access import admin_only
from server.web.blueprint import bp
from server.web.campaign_admin_views import campaign_page_response
from server.web.forms import whole_number


@bp.route("/admin/campaigns/<int:campaign_id>/reviewers", methods=["POST"])
@login_required
def campaign_assign_reviewer(campaign_id):
    admin_only()
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    reviewer_id = request.form.get("reviewer_id", "")
    reviewer = db.session.get(User, number) if (number := whole_number(reviewer_id)) else None
    try:
        assign_reviewer(campaign, reviewer, request.form.getlist("domains"),
                        request.form.get("unit_group") or None, current_user)
    except AssignmentError as error:
        db.session.rollback()
        return campaign_page_response(campaign, status=422, reviewer_errors={
            name: str(message) for name, message in error.errors.items()})
    db.session.commit()
    flash(_("The reviewer has been assigned."))
    return redirect(url_for("web.campaign_page", campaign_id=campaign_id) + "#reviewers")


@bp.route("/admin/campaigns/<int:campaign_id>/reviewers/<int:assignment_id>/delete",
          methods=["POST"])
@login_required
def campaign_remove_reviewer(campaign_id, assignment_id):
    admin_only()
    row = db.session.get(ReviewerAssignment, assignment_id)
    if row is None or row.campaign_id != campaign_id:
        abort(404)
    remove_assignment(row, current_user)
    db.session.commit()
    flash(_("The assignment has been removed."))
    return redirect(url_for("web.campaign_page", campaign_id=campaign_id) + "#reviewers")
