"""The progress grid of a campaign, as JSON and as a workbook, with the same filters as the
page: `group`, `state` (a workflow state key or `not_started`), `overdue` (1) and `q` (unit code
or name). Administrators see every unit; reviewers the groups and domains they are assigned."""

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.problems import problem_response, problems
from server.api.schemas import answers
from server.appraisal.progress import FilterError, campaign_progress, parse_filters, progress_scope
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.models import Campaign
from server.results.exports.progress_workbook import write_progress_workbook

blp = Blueprint("progress", __name__, url_prefix="/api/v1/campaigns",
                description="Tiến độ (progress grid)")


# Documented here, checked by server.appraisal.progress.parse_filters (the page uses the same
# check).
FILTERS = [
    {"name": "group", "in": "query", "schema": {"type": "string"},
     "description": "a unit group: province, department, district, commune..."},
    {"name": "state", "in": "query", "schema": {"type": "string"},
     "description": "a workflow state key, or not_started"},
    {"name": "overdue", "in": "query", "schema": {"type": "string", "enum": ["1", "0"]},
     "description": "1: only units past their deadline"},
    {"name": "q", "in": "query", "schema": {"type": "string"},
     "description": "part of the unit's code or name"},
    {"name": "points", "in": "query", "schema": {"type": "string", "enum": ["1", "0"]},
     "description": "1: score each dossier (self-assessed and appraised points); slower"},
]


def _report(campaign_id: int):
    """The report, or an abort: 404 no campaign, 403 not for the caller, 422 bad filters."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404, message="There is no such campaign.")
    scope = progress_scope(g.api_user, campaign)
    if scope is None:
        abort(403, message="Only administrators and the campaign's reviewers see its progress.")
    try:
        filters = parse_filters(request.args)
    except FilterError as error:
        return None, problem_response(422, errors=[
            {"field": key, "message": str(message)} for key, message in error.errors.items()])
    return campaign_progress(campaign, scope, filters), None


@blp.route("/<int:campaign_id>/progress")
class Progress(MethodView):
    @answers(blp, 200)
    @token_required
    @blp.doc(parameters=FILTERS)
    @problems(422)
    def get(self, campaign_id):
        """One row per unit: state, answered items, appraisal counts (pending, accepted,
        adjusted, asked, changed since appraised), whether and why it is overdue, and the
        points with `points=1`; with the totals per state."""
        report, refused = _report(campaign_id)
        if refused is not None:
            return refused
        return {"campaign_id": report.campaign.id, "filters": report.filters.as_args(),
                "totals": report.totals, "overdue": report.overdue_total,
                "generated_at": report.generated_at.isoformat(),
                "rows": [row.to_dict(report.filters.points) for row in report.rows]}


@blp.route("/<int:campaign_id>/progress.xlsx")
class ProgressWorkbook(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    @blp.doc(parameters=FILTERS)
    @problems(422)
    def get(self, campaign_id):
        """The same rows as a workbook, Vietnamese headers."""
        report, refused = _report(campaign_id)
        if refused is not None:
            return refused
        return xlsx_download(lambda buffer: write_progress_workbook(report, buffer),
                             f"tien-do-{report.campaign.year}.xlsx")
