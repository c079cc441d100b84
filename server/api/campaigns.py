"""Campaigns: administrators create one (pins and deadlines) and open it; every signed-in user
lists them."""

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from server.api.auth import admin_required, token_required
from server.api.problems import problem_response
from server.api.schemas import StrictSchema
from server.campaigns.setup import (
    DEADLINES,
    CampaignFields,
    CampaignInputError,
    campaign_dict,
    create_campaign,
    open_campaign,
    uncovered,
)
from server.extensions import db
from server.models import Assessment, Campaign, Unit
from server.people.groups import group_labels
from server.people.permissions import can_read_unit

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns",
                description="Đợt đánh giá (campaigns)")


class CampaignSchema(StrictSchema):
    year = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    pins = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                          metadata={"description": 'unit group -> "set-id@version"'})
    deadlines = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                               load_default=dict,
                               metadata={"description": f"{', '.join(DEADLINES)}: ISO date "
                                         "(end of that day, Vietnam time) or date and time"})
    confirm_unverified = ma.fields.Boolean(load_default=False)


def _refused(error: CampaignInputError):
    db.session.rollback()
    return problem_response(error.status, str(error), errors=[
        {"field": name, "message": message} for name, message in error.problems.items()])


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign, or 404 naming it; every API resource under a campaign reads it so."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404, message=f"campaign {campaign_id} does not exist")
    return campaign


@blp.route("")
class Campaigns(MethodView):
    @token_required
    def get(self):
        """Every campaign, newest year first."""
        campaigns = db.session.scalars(select(Campaign)
                                       .order_by(Campaign.year.desc(), Campaign.id.desc()))
        return {"campaigns": [campaign_dict(c) for c in campaigns]}

    @token_required
    @admin_required
    @blp.arguments(CampaignSchema)
    def post(self, payload):
        """Create a campaign in `draft`; 422 names each bad field (an unverified set needs
        `confirm_unverified`)."""
        try:
            campaign = create_campaign(CampaignFields(**payload), actor_id=g.api_user.id)
        except CampaignInputError as error:
            return _refused(error)
        return campaign_dict(campaign), 201


@blp.route("/<int:campaign_id>")
class CampaignResource(MethodView):
    @token_required
    def get(self, campaign_id):
        return campaign_dict(campaign_or_404(campaign_id))


@blp.route("/<int:campaign_id>/opening")
class CampaignOpening(MethodView):
    @token_required
    @admin_required
    def post(self, campaign_id):
        """Open the campaign: one dossier per active unit of each pinned group. Run again, it
        adds only the dossiers of units added since; 409 once the campaign is closed."""
        campaign = campaign_or_404(campaign_id)
        try:
            created = open_campaign(campaign, actor_id=g.api_user.id)
        except CampaignInputError as error:
            return _refused(error)
        return {**campaign_dict(campaign), "dossiers_created": created}


@blp.route("/<int:campaign_id>/dossiers")
class CampaignDossiers(MethodView):
    @token_required
    def get(self, campaign_id):
        """The campaign's dossiers the caller may read (a unit's people: their own), by unit."""
        campaign_or_404(campaign_id)
        rows = db.session.execute(
            select(Assessment.id, Assessment.state, Unit.id, Unit.code, Unit.name,
                   Assessment.unit_group)
            .join(Unit, Unit.id == Assessment.unit_id)
            .where(Assessment.campaign_id == campaign_id).order_by(Unit.code)).all()
        names = group_labels()
        return {"dossiers": [
            {"id": dossier_id, "state": state, "unit_code": code, "unit_name": name,
             "group": group, "group_label": names.get(group, group)}
            for dossier_id, state, unit_id, code, name, group in rows
            if can_read_unit(g.api_user, unit_id)]}


@blp.route("/<int:campaign_id>/coverage")
class CampaignCoverage(MethodView):
    @token_required
    @admin_required
    def get(self, campaign_id):
        """The unit groups and domains some active unit has no reviewer for (the campaign does
        not open until this is empty): {"group / domain": [unit codes]}."""
        return {"uncovered": uncovered(campaign_or_404(campaign_id))}
