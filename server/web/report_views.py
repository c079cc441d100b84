"""Pages and downloads of a unit's official table and the points-lost reports (điểm bị trừ).

A unit's reports: whoever may read its dossier (its own users, reviewers, viewers,
administrators); another unit's users get 404. The group report: administrators only.
"""

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from server.downloads import unit_file_name, xlsx_download
from server.engine.losses import IMPROVED, NEW, REPEATED
from server.results.exports.points_lost_workbook import (
    write_group_points_lost,
    write_unit_points_lost,
)
from server.results.exports.unit_table import read_unit_table, write_unit_table
from server.results.points_lost import group_points_lost, items_by_domain, unit_points_lost
from server.results.ranking import RankingError
from server.web.appraisal_views import appraisal_assessment_or_404
from server.web.blueprint import bp
from server.web.group_choice import chosen_campaign_group

STATUS_LABELS = {NEW: _l("New loss"), REPEATED: _l("Lost again"), IMPROVED: _l("Improved")}


@bp.route("/assessments/<int:assessment_id>/table.xlsx")
@login_required
def unit_table_download(assessment_id):
    table = read_unit_table(appraisal_assessment_or_404(assessment_id))
    return xlsx_download(lambda buffer: write_unit_table(table, buffer),
                         unit_file_name(table.assessment, "bang-tu-danh-gia"))


@bp.route("/assessments/<int:assessment_id>/points-lost")
@login_required
def unit_points_lost_page(assessment_id):
    report = unit_points_lost(appraisal_assessment_or_404(assessment_id))
    return render_template("points_lost/unit.html", report=report,
                           by_domain=items_by_domain(report.lines), statuses=STATUS_LABELS)


@bp.route("/assessments/<int:assessment_id>/points-lost.xlsx")
@login_required
def unit_points_lost_download(assessment_id):
    assessment = appraisal_assessment_or_404(assessment_id)
    report = unit_points_lost(assessment)
    return xlsx_download(lambda buffer: write_unit_points_lost(report, buffer),
                         unit_file_name(assessment, "diem-bi-tru"))


def _chosen_group():
    """(campaigns, campaign, groups, group, report or None, error) for the group pages."""
    campaigns, campaign, groups, group = chosen_campaign_group()
    if campaign is None or group is None:
        return campaigns, campaign, groups, group, None
    try:
        return campaigns, campaign, groups, group, group_points_lost(campaign, group)
    except RankingError:
        abort(404)


@bp.route("/points-lost")
@login_required
def group_points_lost_page():
    campaigns, campaign, groups, group, report = _chosen_group()
    return render_template(
        "points_lost/group.html", campaigns=campaigns, campaign=campaign, groups=groups,
        group=group, report=report, statuses=STATUS_LABELS,
        by_domain=items_by_domain(report.items) if report else {})


@bp.route("/points-lost.xlsx")
@login_required
def group_points_lost_download():
    report = _chosen_group()[4]
    if report is None:
        abort(404)
    return xlsx_download(lambda buffer: write_group_points_lost(report, buffer),
                         f"diem-bi-tru-{report.year}-{report.group}.xlsx")
