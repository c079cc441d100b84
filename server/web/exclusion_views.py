"""The administrator's page of items that do not apply (Không áp dụng): per campaign and unit,
pick domains, criteria or sub-criteria with a reason, or let one apply again. Thin: the
service `server.campaigns.exclusions` checks and writes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.campaigns.exclusions import (
    ExclusionError,
    clear_exclusion,
    list_exclusions,
    set_exclusions,
    unit_criteria_set,
)
from server.extensions import db
from server.models import Campaign, Unit
from server.people.units import unit_by_code
from server.web.access import admin_only
from server.web.blueprint import bp
from server.web.forms import LogoutForm as CsrfForm


def _chosen():
    """The campaign (the latest when none is asked) and unit named in the request, or 404."""
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                             Campaign.id.desc())).all()
    wanted = request.values.get("campaign", "")
    campaign = next((c for c in campaigns if str(c.id) == wanted), None) if wanted \
        else (campaigns[0] if campaigns else None)
    if wanted and campaign is None:
        abort(404)
    unit = None
    if request.values.get("unit"):
        unit = unit_by_code(request.values["unit"])
        if unit is None:
            abort(404)
    return campaigns, campaign, unit


def _page(campaigns, campaign, unit, errors=None, typed=None, status=200):
    units = []
    if campaign is not None:
        units = db.session.scalars(select(Unit).where(
            Unit.group.in_([pin.unit_group for pin in campaign.pins])).order_by(Unit.code)).all()
    items = list_exclusions(campaign, unit) if campaign and unit else []
    criteria_set = unit_criteria_set(campaign, unit) if campaign and unit else None
    return render_template(
        "admin/exclusions.html", campaigns=campaigns, campaign=campaign, unit=unit,
        units=units, items=items, cs=criteria_set, excluded={i.code for i in items},
        errors=errors or {}, typed=typed or {}), status


@bp.route("/admin/exclusions", methods=["GET", "POST"])
@login_required
def exclusion_admin():
    admin_only()
    campaigns, campaign, unit = _chosen()
    if request.method == "GET":
        return _page(campaigns, campaign, unit)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if campaign is None or unit is None:
        abort(404)
    codes, reason = request.form.getlist("codes"), request.form.get("reason", "")
    try:
        items = set_exclusions(campaign, unit, codes, reason, current_user)
    except ExclusionError as error:
        db.session.rollback()
        return _page(campaigns, campaign, unit, error.errors,
                     {"codes": set(codes), "reason": reason}, error.status)
    db.session.commit()
    flash(_("Not applicable to %(unit)s: %(codes)s.", unit=unit.code,
            codes=", ".join(item.code for item in items)), "info")
    return redirect(url_for("web.exclusion_admin", campaign=campaign.id, unit=unit.code))


@bp.route("/admin/exclusions/clear", methods=["POST"])
@login_required
def exclusion_clear():
    admin_only()
    _campaigns, campaign, unit = _chosen()
    if not CsrfForm().validate_on_submit():
        abort(400)
    if campaign is None or unit is None:
        abort(404)
    code = request.form.get("code", "")
    try:
        clear_exclusion(campaign, unit, code, current_user, request.form.get("reason", ""))
    except ExclusionError as error:
        db.session.rollback()
        abort(error.status)
    db.session.commit()
    flash(_("%(code)s applies to %(unit)s again.", code=code, unit=unit.code), "info")
    return redirect(url_for("web.exclusion_admin", campaign=campaign.id, unit=unit.code))
