"""Items that do not apply to a unit in a campaign (administrators): list, set with a reason,
clear. The same service as the admin page and the CLI."""

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import admin_required, token_required
from server.api.campaigns import campaign_or_404
from server.api.problems import problem_response, problems
from server.api.schemas import StrictSchema, answers
from server.campaigns.exclusions import (
    ExclusionError,
    clear_exclusion,
    list_exclusions,
    record,
    set_exclusions,
)
from server.extensions import db
from server.models import Unit
from server.people.units import unit_by_code

blp = Blueprint("exclusions", __name__, url_prefix="/api/v1",
                description="Không áp dụng (items excluded for a unit)")


class ExclusionSchema(StrictSchema):
    reason = ma.fields.String(required=True, metadata={
        "description": "why the item does not apply to the unit (required)"})


class ClearSchema(StrictSchema):
    reason = ma.fields.String(load_default="")


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        abort(404, message=f"unit {code!r} does not exist")
    return unit


def _refused(error: ExclusionError):
    db.session.rollback()
    return problem_response(error.status, str(error), errors=[
        {"field": field, "message": str(message)} for field, message in error.errors.items()
        if field])


def _listing(campaign, unit) -> dict:
    return {"campaign_id": campaign.id, "unit_code": unit.code,
            "exclusions": [record(item) for item in list_exclusions(campaign, unit)]}


@blp.route("/campaigns/<int:campaign_id>/units/<unit_code>/exclusions")
class Exclusions(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    def get(self, campaign_id, unit_code):
        """The domains, criteria and sub-criteria excluded for the unit in the campaign."""
        return _listing(campaign_or_404(campaign_id), _unit(unit_code))


@blp.route("/campaigns/<int:campaign_id>/units/<unit_code>/exclusions/<code>")
class Exclusion(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(ExclusionSchema)
    @problems(409)
    def put(self, payload, campaign_id, unit_code, code):
        """Exclude a domain, criterion or sub-criterion code of the unit's criteria set, with a
        reason (a new reason replaces the old one). 422 names `code` or `reason`."""
        campaign, unit = campaign_or_404(campaign_id), _unit(unit_code)
        try:
            item, = set_exclusions(campaign, unit, [code], payload["reason"], g.api_user)
        except ExclusionError as error:
            return _refused(error)
        db.session.commit()
        return record(item)

    @token_required
    @admin_required
    @blp.arguments(ClearSchema)
    @blp.response(204)
    @problems(409)
    def delete(self, payload, campaign_id, unit_code, code):
        """The item applies to the unit again; 404 when it was not excluded."""
        campaign, unit = campaign_or_404(campaign_id), _unit(unit_code)
        try:
            clear_exclusion(campaign, unit, code, g.api_user, payload["reason"])
        except ExclusionError as error:
            return _refused(error)
        db.session.commit()
