"""A unit's official self-assessment table and the points-lost reports, as JSON and .xlsx.

A unit's reports: its own users, the viewers and reviewers who may read it, administrators;
another unit's users get 404. A group's report is working data: administrators only.
"""

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.schemas import answers, query
from server.api.survey import admin_campaign
from server.appraisal import decisions as appraisal
from server.assessment import self_assessment as sa
from server.downloads import XLSX, unit_file_name, xlsx_download
from server.results.exports.points_lost_workbook import (
    write_group_points_lost,
    write_unit_points_lost,
)
from server.results.exports.unit_table import read_unit_table, write_unit_table
from server.results.points_lost import group_points_lost, unit_points_lost
from server.results.ranking import RankingError

blp = Blueprint("unit_reports", __name__, url_prefix="/api/v1",
                description="Bảng tự đánh giá và điểm bị trừ (unit table, points lost)")


def _assessment(assessment_id: int):
    try:
        return appraisal.get_assessment(assessment_id, g.api_user)
    except sa.NotFound as error:
        abort(404, message=str(error))


def _group_report(campaign_id: int):
    campaign = admin_campaign(campaign_id)
    group = request.args.get("group")
    if not group:
        abort(422, message="the query parameter 'group' is required",
              errors=[{"field": "group", "message": "required"}])
    try:
        return group_points_lost(campaign, group)
    except RankingError as error:
        abort(404, message=str(error))


@blp.route("/assessments/<int:assessment_id>/table.xlsx")
class UnitTableDownload(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, assessment_id):
        """The unit's official self-assessment table, filled in, with its evidence references."""
        table = read_unit_table(_assessment(assessment_id))
        return xlsx_download(lambda buffer: write_unit_table(table, buffer),
                             unit_file_name(table.assessment, "bang-tu-danh-gia"))


@blp.route("/assessments/<int:assessment_id>/points-lost")
class UnitPointsLost(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, assessment_id):
        """The sub-criteria where the unit lost points, against last year."""
        return unit_points_lost(_assessment(assessment_id)).to_dict()


@blp.route("/assessments/<int:assessment_id>/points-lost.xlsx")
class UnitPointsLostWorkbook(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, assessment_id):
        """The unit's points-lost report as .xlsx."""
        assessment = _assessment(assessment_id)
        report = unit_points_lost(assessment)
        return xlsx_download(lambda buffer: write_unit_points_lost(report, buffer),
                             unit_file_name(assessment, "diem-bi-tru"))


@blp.route("/campaigns/<int:campaign_id>/points-lost")
class GroupPointsLost(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """Per sub-criterion across the units of a group (`?group=`): units that lost points,
        total and average lost, by domain and responsible agency, against last year."""
        return _group_report(campaign_id).to_dict()


@blp.route("/campaigns/<int:campaign_id>/points-lost.xlsx")
class GroupPointsLostWorkbook(MethodView):
    @query(blp, "group", "the unit group's code", required=True)
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, campaign_id):
        """The group's points-lost report as .xlsx."""
        report = _group_report(campaign_id)
        return xlsx_download(lambda buffer: write_group_points_lost(report, buffer),
                             f"diem-bi-tru-{report.year}-{report.group}.xlsx")
