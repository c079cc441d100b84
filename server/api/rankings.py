"""Rankings of a campaign's unit group, as JSON, as the ranking workbook and its long table."""

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.jobs import file_or_accepted
from server.api.schemas import answers, query
from server.api.survey import admin_campaign
from server.downloads import XLSX, csv_download, xlsx_download
from server.extensions import db
from server.people.groups import group_label
from server.results.exports.long_table import HEADERS, long_table_rows
from server.results.exports.ranking_workbook import write_ranking_workbook
from server.results.ranking import RankingError, rank_group, stored_leaf_reader
from server.results.ranking_data import ranking_dict
from server.results.workbook_jobs import live_workbook_job

blp = Blueprint("rankings", __name__, url_prefix="/api/v1/campaigns",
                description="Xếp hạng (rankings)")


def _ranking(campaign_id: int, *, detail: bool = False):
    # Nothing is published yet: rankings are working data, for administrators only.
    campaign = admin_campaign(campaign_id)
    group = request.args.get("group")
    if not group:
        abort(422, message="the query parameter 'group' is required")
    try:
        return rank_group(campaign, group, detail=detail)
    except RankingError as error:
        abort(404, message=str(error))


@blp.route("/<int:campaign_id>/ranking")
class Ranking(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The ranking of one unit group (`?group=`), best first; units not ranked last."""
        ranking = _ranking(campaign_id)
        return {**ranking_dict(ranking), "group_label": group_label(ranking.group)}


@blp.route("/<int:campaign_id>/ranking.xlsx")
class RankingWorkbook(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200, XLSX)
    @answers(blp, 202)
    @token_required
    def get(self, campaign_id):
        """The ranking workbook of one unit group (`?group=`). A group larger than
        PARINDEX_WORKBOOK_JOB_UNITS is written by a job: 202 with the job until it is done
        (follow `/api/v1/jobs/{id}`, then `/api/v1/jobs/{id}/file`), the file after; asked
        again while nothing it reads changed, the same job and file."""
        campaign = admin_campaign(campaign_id)
        group = request.args.get("group")
        job = live_workbook_job(campaign, group, g.api_user) if group else None
        if job is not None:
            db.session.commit()
            return file_or_accepted(job)
        ranking = _ranking(campaign_id, detail=True)
        return xlsx_download(lambda buffer: write_ranking_workbook(ranking, buffer),
                             f"xep-hang-{ranking.year}-{ranking.group}.xlsx")


@blp.route("/<int:campaign_id>/ranking.csv")
class RankingLongTable(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200, "text/csv")
    @token_required
    def get(self, campaign_id):
        """The long table of one unit group (`?group=`): a CSV line per unit and sub-criterion,
        in ranking order, streamed (a national group has over a million lines)."""
        ranking = _ranking(campaign_id)
        return csv_download(
            HEADERS, long_table_rows(ranking, stored_leaf_reader(campaign_id, ranking.group)),
            f"bang-dai-{ranking.year}-{ranking.group}.csv")
