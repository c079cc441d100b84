"""The target planner: a unit's plan, a group's units against one target, as JSON and .xlsx,
and the effort weights the Department sets per item.

A unit's plan: its own users, the viewers and reviewers who may read it, administrators; another
unit's users get 404. A rank is planned against the published ranking; before publication only
administrators may plan one (against the current scores). A group's plans and the weights are
the Department's: administrators only.
"""

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import admin_required, token_required
from server.api.campaigns import campaign_or_404
from server.api.problems import problem_response, problems
from server.api.schemas import StrictSchema, answers, query
from server.api.survey import admin_campaign
from server.campaigns.criteria import RankingError, group_criteria_set
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.planning.group_plans import group_plans
from server.planning.plan_data import group_plans_dict, plan_dict
from server.planning.plan_workbook import write_group_plans, write_unit_plan
from server.planning.planner import PlanError
from server.planning.plans import plan_for_unit, unit_assessment
from server.planning.targets import KEYS, TargetError, target_from
from server.planning.weights import WeightsError, effort_weights, set_effort_weights

blp = Blueprint("plans", __name__, url_prefix="/api/v1/campaigns",
                description="Kế hoạch đạt mục tiêu (target planner)")

TARGET_HELP = {
    "band": "the band to reach (its label), or better",
    "rank": "a rank or range in the unit's group, such as 5-7 (the worst of it is aimed at)",
    "index": "the index (%) to reach, as published (2 places)",
    "domain_min": "no domain's sub-index below this (%)",
}


def _target_parameters(view):
    for key in reversed(KEYS):
        view = query(blp, key, TARGET_HELP[key])(view)
    return view


def _bands(campaign, group: str) -> list[str]:
    try:
        return [band.label for band in group_criteria_set(campaign, group).bands]
    except RankingError as error:
        abort(404, message=str(error))


def _target(campaign, group: str):
    try:
        return target_from({key: request.args.get(key) for key in KEYS},
                           _bands(campaign, group))
    except TargetError as error:
        abort(problem_response(422, errors=[
            {"field": field.removeprefix("target."), "message": str(message)}
            for field, message in error.errors.items()]))


def _refused(error: PlanError):
    errors = [{"field": error.field, "message": str(error.message)}] if error.field else None
    abort(problem_response(error.status, str(error.message), errors=errors))


def _unit_plan(campaign_id: int, unit_code: str):
    campaign = campaign_or_404(campaign_id)
    try:
        _unit, assessment = unit_assessment(campaign, unit_code, g.api_user)
        return plan_for_unit(campaign, unit_code,
                             _target(campaign, assessment.unit_group), g.api_user)
    except PlanError as error:
        _refused(error)


def _group(campaign) -> str:
    group = request.args.get("group")
    if not group:
        abort(problem_response(422, "the query parameter 'group' is required",
                               errors=[{"field": "group", "message": "required"}]))
    if campaign.pin_for(group) is None:
        abort(404, message=f"no group {group} in campaign {campaign.id}")
    return group


def _group_plans(campaign_id: int):
    campaign = admin_campaign(campaign_id)
    group = _group(campaign)
    try:
        return group_plans(campaign, group, _target(campaign, group), g.api_user)
    except PlanError as error:
        _refused(error)


@blp.route("/<int:campaign_id>/units/<unit_code>/plan")
class UnitPlan(MethodView):
    @_target_parameters
    @answers(blp, 200)
    @token_required
    @problems(409, 422)
    def get(self, campaign_id, unit_code):
        """The least-effort steps for the unit to reach the target, grouped by domain and by
        responsible agency, with the index, band and rank the engine gives after them."""
        return plan_dict(_unit_plan(campaign_id, unit_code))


@blp.route("/<int:campaign_id>/units/<unit_code>/plan.xlsx")
class UnitPlanWorkbook(MethodView):
    @_target_parameters
    @answers(blp, 200, XLSX)
    @token_required
    @problems(409, 422)
    def get(self, campaign_id, unit_code):
        """The unit's plan as .xlsx."""
        plan = _unit_plan(campaign_id, unit_code)
        return xlsx_download(lambda buffer: write_unit_plan(plan, buffer),
                             f"ke-hoach-{campaign_id}-{plan.unit_code}.xlsx")


@blp.route("/<int:campaign_id>/plans")
class GroupPlans(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @_target_parameters
    @answers(blp, 200)
    @token_required
    @admin_required
    @problems(409, 422)
    def get(self, campaign_id):
        """Every unit of a group against one target: out of reach first, then the farthest."""
        return group_plans_dict(_group_plans(campaign_id))


@blp.route("/<int:campaign_id>/plans.xlsx")
class GroupPlansWorkbook(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @_target_parameters
    @answers(blp, 200, XLSX)
    @token_required
    @admin_required
    @problems(409, 422)
    def get(self, campaign_id):
        """A group's plans as .xlsx."""
        plans = _group_plans(campaign_id)
        return xlsx_download(lambda buffer: write_group_plans(plans, buffer),
                             f"ke-hoach-{campaign_id}-{plans.group}.xlsx")


class WeightsSchema(StrictSchema):
    weights = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True,
                             metadata={"description": "leaf code -> effort weight (1..100); "
                                                      "items left out weigh 1"})
    reason = ma.fields.String(load_default="")


@blp.route("/<int:campaign_id>/plan-weights")
class PlanWeights(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200)
    @token_required
    @admin_required
    def get(self, campaign_id):
        """The group's effort weights per item (items left out weigh 1)."""
        campaign = admin_campaign(campaign_id)
        group = _group(campaign)
        return {"group": group, "weights": effort_weights(campaign, group)}

    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(WeightsSchema)
    def put(self, payload, campaign_id):
        """Replace the group's effort weights."""
        campaign = admin_campaign(campaign_id)
        group = _group(campaign)
        try:
            weights = set_effort_weights(campaign, group, payload["weights"], g.api_user,
                                         payload["reason"])
        except WeightsError as error:
            db.session.rollback()
            return problem_response(422, errors=[{"field": field, "message": str(message)}
                                                 for field, message in error.errors.items()])
        db.session.commit()
        return {"group": group, "weights": weights}
