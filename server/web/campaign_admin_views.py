"""The administrator's campaigns (Kỳ đánh giá): create one with its pins and deadlines, see which
unit groups and domains still lack a reviewer, and open it. Thin: server.campaigns.setup checks
and writes; a refusal re-renders the form with what was typed and each problem beside its field."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from server.campaigns.criteria import criteria_registry
from server.campaigns.setup import (
    DEADLINES,
    CampaignFields,
    CampaignInputError,
    create_campaign,
    open_campaign,
    uncovered,
)
from server.extensions import db
from server.models import LEVELS, Assessment, Campaign
from server.people.groups import group_labels
from server.web.access import admin_only
from server.web.blueprint import bp


def _sets_by_group() -> dict[str, list]:
    """The installed criteria-set versions each active group may pin, by the groups' position:
    the sets of the group's level, or any set for a group not named after a level."""
    sets = criteria_registry().all()
    return {group: [s for s in sets if s.level == group or group not in LEVELS]
            for group in group_labels(include_inactive=False)}


def _page(errors=None, typed=None, status=200):
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                                  Campaign.id.desc())))
    dossiers = dict(db.session.execute(select(Assessment.campaign_id, func.count())
                                       .group_by(Assessment.campaign_id)).all())
    gaps = {c.id: uncovered(c) for c in campaigns if c.state != "closed"}
    return render_template("admin/campaigns.html", campaigns=campaigns, dossiers=dossiers,
                           gaps=gaps, sets_by_group=_sets_by_group(), deadlines=DEADLINES,
                           errors=errors or {}, typed=typed or {}), status


@bp.route("/admin/campaigns", methods=["GET", "POST"])
@login_required
def campaign_admin():
    admin_only()
    if request.method == "GET":
        return _page()
    form = request.form
    typed = {"year": form.get("year", ""), "title": form.get("title", ""),
             "pins": {group: form.get(f"pin_{group}", "")
                      for group in group_labels(include_inactive=False)},
             "deadlines": {name: form.get(name, "") for name in DEADLINES},
             "confirm_unverified": form.get("confirm_unverified") == "1"}
    year = typed["year"].strip()
    fields = CampaignFields(
        year=int(year) if year.isdigit() else 0, title=typed["title"],
        pins={group: ref for group, ref in typed["pins"].items() if ref},
        deadlines={name: value for name, value in typed["deadlines"].items() if value},
        confirm_unverified=typed["confirm_unverified"])
    try:
        campaign = create_campaign(fields, actor_id=current_user.id)
    except CampaignInputError as error:
        db.session.rollback()
        errors = dict(error.problems)
        if not year.isdigit():
            errors["year"] = _("Enter the year, e.g. 2025.")
        return _page(errors=errors, typed=typed, status=422)
    flash(_("Campaign %(title)s created. Assign the reviewers, then open it.",
            title=campaign.title))
    return redirect(url_for("web.campaign_admin") + f"#campaign-{campaign.id}")


@bp.route("/admin/campaigns/<int:campaign_id>/open", methods=["POST"])
@login_required
def campaign_open(campaign_id):
    admin_only()
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    try:
        created = open_campaign(campaign, actor_id=current_user.id)
    except CampaignInputError as error:
        db.session.rollback()
        flash(next(iter(error.problems.values())), "error")
    else:
        flash(_("The campaign is open: %(count)s dossier(s) created.", count=created))
    return redirect(url_for("web.campaign_admin") + f"#campaign-{campaign_id}")
