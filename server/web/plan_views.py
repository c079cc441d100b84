"""The target planner's pages: a unit's own plan, and the Department's view of a whole group
against one target (administrators only), with their workbooks.

A unit's plan: whoever may read its dossier; another unit's users get 404.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from server.campaigns.criteria import group_criteria_set
from server.downloads import unit_file_name, xlsx_download
from server.extensions import db
from server.models import Campaign
from server.people.permissions import can_edit_unit
from server.planning.group_plans import group_plans
from server.planning.plan_workbook import write_group_plans, write_unit_plan
from server.planning.planner import PlanError
from server.planning.plans import plan_for_unit
from server.planning.targets import KEYS, TargetError, target_from
from server.planning.weights import MAX_WEIGHT, WeightsError, effort_weights, set_effort_weights
from server.web.appraisal_views import appraisal_assessment_or_404
from server.web.blueprint import bp
from server.web.group_choice import chosen_campaign_group

# The built-in rules' own English outcome labels; a set's choices are written in Vietnamese.
OUTCOME_WORDS = {"yes": _l("Yes"), "no": _l("No"), "survey": _l("Survey points"),
                 "manual": _l("Points")}


def _asked() -> dict:
    return {key: request.args.get(key, "").strip() for key in KEYS}


def _target(campaign, group: str):
    """(target or None, errors by part): None when nothing is asked yet."""
    asked = _asked()
    if not any(asked.values()):
        return None, {}
    bands = [band.label for band in group_criteria_set(campaign, group).bands]
    try:
        return target_from(asked, bands), {}
    except TargetError as error:
        return None, {key.removeprefix("target.") or "target": message
                      for key, message in error.errors.items()}


def _unit_plan(assessment_id: int):
    """(assessment, bands, plan or None, errors)."""
    assessment = appraisal_assessment_or_404(assessment_id)
    campaign, group = assessment.campaign, assessment.unit_group
    target, errors = _target(campaign, group)
    plan = None
    if target is not None:
        try:
            plan = plan_for_unit(campaign, assessment.unit.code, target, current_user)
        except PlanError as error:
            if error.status == 404:
                abort(404)
            errors[error.field.removeprefix("target.") or "target"] = error.message
    return assessment, group_criteria_set(campaign, group).bands, plan, errors


@bp.route("/assessments/<int:assessment_id>/plan")
@login_required
def unit_plan_page(assessment_id):
    assessment, bands, plan, errors = _unit_plan(assessment_id)
    # "Make tasks" of the unit's PAR plan: for those who write it (server.records.plans).
    may_make_tasks = current_user.has_role("admin") or can_edit_unit(current_user,
                                                                     assessment.unit_id)
    return render_template("plans/unit.html", assessment=assessment, bands=bands, plan=plan,
                           errors=errors, asked=_asked(), words=OUTCOME_WORDS,
                           may_make_tasks=may_make_tasks), 422 if errors else 200


@bp.route("/assessments/<int:assessment_id>/plan.xlsx")
@login_required
def unit_plan_download(assessment_id):
    assessment, _bands, plan, _errors = _unit_plan(assessment_id)
    if plan is None:
        abort(404)
    return xlsx_download(lambda buffer: write_unit_plan(plan, buffer),
                         unit_file_name(assessment, "ke-hoach"))


def _group_plans():
    """(campaigns, campaign, groups, group, bands, plans or None, errors): administrators."""
    campaigns, campaign, groups, group = chosen_campaign_group()
    if campaign is None or group is None:
        return campaigns, campaign, groups, group, (), None, {}
    target, errors = _target(campaign, group)
    plans = None
    if target is not None:
        try:
            plans = group_plans(campaign, group, target, current_user)
        except PlanError as error:
            errors[error.field.removeprefix("target.") or "target"] = error.message
    bands = group_criteria_set(campaign, group).bands
    return campaigns, campaign, groups, group, bands, plans, errors


@bp.route("/plans")
@login_required
def group_plans_page():
    campaigns, campaign, groups, group, bands, plans, errors = _group_plans()
    return render_template("plans/group.html", campaigns=campaigns, campaign=campaign,
                           groups=groups, group=group, bands=bands, plans=plans,
                           errors=errors, asked=_asked()), 422 if errors else 200


@bp.route("/plans.xlsx")
@login_required
def group_plans_download():
    plans = _group_plans()[5]
    if plans is None:
        abort(404)
    return xlsx_download(lambda buffer: write_group_plans(plans, buffer),
                         f"ke-hoach-{plans.campaign_id}-{plans.group}.xlsx")


@bp.route("/plans/weights", methods=["GET", "POST"])
@login_required
def plan_weights_page():
    """The effort weight of each item of a group, as the Department sets them (1 unless it says
    otherwise): the planner prefers the steps that cost least."""
    if not current_user.has_role("admin"):
        abort(403)
    campaign_id = request.values.get("campaign", "")
    campaign = db.session.get(Campaign, int(campaign_id)) if campaign_id.isdecimal() else None
    group = request.values.get("group", "")
    if campaign is None or campaign.pin_for(group) is None:
        abort(404)
    criteria_set = group_criteria_set(campaign, group)
    weights, errors, status = effort_weights(campaign, group), {}, 200
    if request.method == "POST":
        typed = {leaf.code: request.form.get(f"w-{leaf.code}", "").strip()
                 for leaf in criteria_set.leaves()}
        wanted = {code: int(text) if text.isdecimal() else text
                  for code, text in typed.items() if text not in ("", "1")}
        try:
            set_effort_weights(campaign, group, wanted, current_user,
                               request.form.get("reason", ""))
        except WeightsError as error:
            db.session.rollback()
            errors = {key.removeprefix("weights."): message
                      for key, message in error.errors.items()}
            weights, status = typed, 422
        else:
            db.session.commit()
            flash(_l("The effort weights are saved."), "info")
            return redirect(url_for("web.plan_weights_page", campaign=campaign.id, group=group))
    return render_template("plans/weights.html", campaign=campaign, group=group,
                           criteria_set=criteria_set, weights=weights, errors=errors,
                           max_weight=MAX_WEIGHT), status
