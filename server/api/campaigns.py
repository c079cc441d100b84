"""Campaigns: administrators create one (pins, phases, settings), edit it while a draft, open,
close and reopen it, and start next year from it; every signed-in user lists them."""

import marshmallow as ma
from flask import g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from server.api.auth import admin_required, token_required
from server.api.problems import problem_response, problems
from server.api.schemas import DbInt, StrictSchema, answers
from server.campaigns.campaign_workflow import (
    TRANSITION_LABELS,
    TRANSITIONS,
    allowed_transitions,
    apply_campaign_transition,
)
from server.campaigns.setup import (
    DEADLINES,
    CampaignFields,
    CampaignInputError,
    campaign_dict,
    create_campaign,
    uncovered,
    update_campaign,
)
from server.campaigns.successor import start_from
from server.extensions import db
from server.jobs.runner import job_dict
from server.models import Assessment, Campaign, Job, Unit
from server.people.groups import group_labels
from server.people.permissions import can_read_unit

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns",
                description="Đợt đánh giá (campaigns)")


class CampaignChangeSchema(StrictSchema):
    """The fields of a campaign an edit may change; absent ones keep their value."""

    year = DbInt()
    title = ma.fields.String()
    pins = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                          metadata={"description": 'unit group -> "set-id@version"'})
    deadlines = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.String(allow_none=True),
        metadata={"description": f"{', '.join(DEADLINES)}: ISO date (end of that day, Vietnam "
                  "time) or date and time; in order records_open <= self_assessment_opens <= "
                  "self_assessment_deadline <= explanation_deadline <= appraisal_deadline <= "
                  "closes_at; empty clears one"})
    data_cutoffs = ma.fields.List(ma.fields.Dict(), metadata={
        "description": 'the data cut-off dates: [{"label": ..., "date": "YYYY-MM-DD"}]'})
    survey = ma.fields.Boolean(metadata={"description": "whether the satisfaction survey runs"})
    tie_rule = ma.fields.Dict(allow_none=True, metadata={
        "description": '{"compare": "unrounded"|"rounded", "ranks": "shared"|"distinct"}, '
                       "or null for the criteria set's"})
    bands = ma.fields.List(ma.fields.Dict(), allow_none=True, metadata={
        "description": '[{"key", "label", "min", "min_components"?}] highest first, or null '
                       "for the set's; min_components: {\"self\"|\"survey\"|domain code|named "
                       'component key: minimum sub-index 0-100}'})
    confirm_unverified = ma.fields.Boolean(load_default=False)


class CampaignSchema(CampaignChangeSchema):
    year = DbInt(required=True)
    title = ma.fields.String(required=True)
    pins = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                          metadata={"description": 'unit group -> "set-id@version"'})


class TransitionSchema(StrictSchema):
    transition = ma.fields.String(required=True, metadata={"enum": list(TRANSITIONS)})
    reason = ma.fields.String(load_default="")
    closes_at = ma.fields.String(load_default=None, allow_none=True, metadata={
        "description": "reopen: a new closing date, required when the old one has passed"})


class SuccessorSchema(StrictSchema):
    confirm_unverified = ma.fields.Boolean(load_default=False)


def _taken(campaign: Campaign, job: Job | None):
    """The campaign after a step; with the job and 202 when the step was queued."""
    if job is None:
        return campaign_dict(campaign)
    return {**campaign_dict(campaign), "job": job_dict(job)}, 202, {
        "Location": url_for("jobs.JobState", job_id=job.id)}


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
    @answers(blp, 200)
    @token_required
    def get(self):
        """Every campaign, newest year first."""
        campaigns = db.session.scalars(select(Campaign)
                                       .order_by(Campaign.year.desc(), Campaign.id.desc()))
        return {"campaigns": [campaign_dict(c) for c in campaigns]}

    @answers(blp, 201)
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
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        return campaign_dict(campaign_or_404(campaign_id))

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(CampaignChangeSchema)
    @problems(409)
    def patch(self, payload, campaign_id):
        """Change a draft campaign: the fields given replace theirs (`deadlines` one by one);
        409 once it has opened, 422 naming each bad field."""
        campaign = campaign_or_404(campaign_id)
        confirm = payload.pop("confirm_unverified")
        try:
            update_campaign(campaign, payload, confirm_unverified=confirm,
                            actor_id=g.api_user.id)
        except CampaignInputError as error:
            return _refused(error)
        return campaign_dict(campaign)


@blp.route("/<int:campaign_id>/transitions")
class CampaignTransitions(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The campaign's state and the steps the caller may take now (administrators: open,
        close, reopen with a reason)."""
        campaign = campaign_or_404(campaign_id)
        return {"state": campaign.state, "transitions": [
            {"key": t.key, "label": str(TRANSITION_LABELS[t.key]), "target": t.target,
             "reason_required": t.reason_required}
            for t in allowed_transitions(campaign, g.api_user)]}

    @answers(blp, 200)
    @answers(blp, 202)
    @token_required
    @admin_required
    @blp.arguments(TransitionSchema)
    @problems(409)
    def post(self, payload, campaign_id):
        """Take a step: 409 when the state does not allow it (or reviewers are missing for
        `open`), 422 without a needed reason or closing date. `open` is a job: 202 with the
        job (`/api/v1/jobs/{id}`) that creates the dossiers."""
        campaign = campaign_or_404(campaign_id)
        try:
            job = apply_campaign_transition(campaign, payload["transition"], g.api_user,
                                            payload["reason"], payload["closes_at"])
        except CampaignInputError as error:
            return _refused(error)
        return _taken(campaign, job)


@blp.route("/<int:campaign_id>/successor")
class CampaignSuccessor(MethodView):
    @answers(blp, 201)
    @token_required
    @admin_required
    @blp.arguments(SuccessorSchema)
    @problems(409)
    def post(self, payload, campaign_id):
        """Start next year from this campaign: a new draft with the pins (or their successor
        versions), reviewer assignments, settings and every date a year later."""
        previous = campaign_or_404(campaign_id)
        try:
            campaign = start_from(previous, actor=g.api_user,
                                  confirm_unverified=payload["confirm_unverified"])
        except CampaignInputError as error:
            return _refused(error)
        return campaign_dict(campaign), 201


@blp.route("/<int:campaign_id>/opening")
class CampaignOpening(MethodView):
    @answers(blp, 202)
    @token_required
    @admin_required
    @problems(409, 422)
    def post(self, campaign_id):
        """Open the campaign: one dossier per active unit of each pinned group, created by a
        job (202 with it: follow `/api/v1/jobs/{id}`). Run again, it adds only the dossiers of
        units added since; 409 once the campaign is closed or while reviewers are missing."""
        campaign = campaign_or_404(campaign_id)
        try:
            # The campaign's own workflow step, as the page and the CLI take it.
            job = apply_campaign_transition(campaign, "open", g.api_user)
        except CampaignInputError as error:
            return _refused(error)
        return _taken(campaign, job)


@blp.route("/<int:campaign_id>/dossiers")
class CampaignDossiers(MethodView):
    @answers(blp, 200)
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
    @answers(blp, 200)
    @token_required
    @admin_required
    def get(self, campaign_id):
        """The unit groups and domains some active unit has no reviewer for (the campaign does
        not open until this is empty): {"group / domain": [unit codes]}."""
        return {"uncovered": uncovered(campaign_or_404(campaign_id))}
