"""Periodic PAR reports (báo cáo CCHC định kỳ): the campaign's reporting schedule, its domain
offices and appendix templates (administrators), the reports units send, the reports an
administrator records as received outside ParIndex, where each stands, and a period's roll-up.
The same services as the pages and the CLI (server.records)."""

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import admin_required, token_required
from server.api.campaigns import campaign_or_404
from server.api.problems import problem_response, problems, uploaded_file
from server.api.schemas import DbInt, StrictSchema, answers, multipart
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.models import Campaign, ReportPeriod, Unit
from server.people.units import unit_by_code
from server.records.appendices import save_template, template_record, templates
from server.records.reports import (
    late_and_missing,
    period_standing,
    readable_unit_ids,
    record_outside,
    submission_record,
    submit_report,
)
from server.records.rollup import period_rollup
from server.records.schedule import (
    DEFAULT_SOURCE,
    ReportError,
    default_schedule,
    domain_offices,
    period_by_key,
    period_record,
    periods,
    set_domain_offices,
    set_schedule,
)
from server.results.exports.report_rollup_workbook import write_rollup_workbook

blp = Blueprint("report_periods", __name__, url_prefix="/api/v1/campaigns",
                description="Báo cáo CCHC định kỳ (periodic PAR reports)")

MAX_FIGURES = 100


class ReportPeriodInSchema(StrictSchema):
    key = ma.fields.String(required=True, metadata={"description": "q1, h1, q3, year..."})
    label = ma.fields.String(required=True)
    covers_from = ma.fields.String(required=True, metadata={
        "description": "start of the data cut-off window, yyyy-mm-dd or dd/mm/yyyy (Vietnam)"})
    covers_to = ma.fields.String(required=True)
    due_on = ma.fields.String(required=True, metadata={"description": "the due day"})
    unit_groups = ma.fields.List(ma.fields.String(), load_default=list, validate=ma.validate
                                 .Length(max=50), metadata={"description": "empty: all groups"})
    domain_reports = ma.fields.Boolean(load_default=False)
    template = ma.fields.String(load_default=None, allow_none=True, metadata={
        "description": "the name of an appendix template of the campaign"})


class ReportScheduleSchema(StrictSchema):
    periods = ma.fields.List(ma.fields.Nested(ReportPeriodInSchema), required=True,
                             validate=ma.validate.Length(max=24))


class DomainOfficesSchema(StrictSchema):
    offices = ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=40)),
                             values=ma.fields.String(allow_none=True), required=True,
                             validate=ma.validate.Length(max=50), metadata={
                                 "description": "{domain code: unit code}"})


def _figures():
    return ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=60)),
                          values=ma.fields.Raw(allow_none=True), load_default=dict,
                          validate=ma.validate.Length(max=MAX_FIGURES), metadata={
                              "description": "{field key: value} of the period's appendix"})


class ReportSubmitSchema(StrictSchema):
    document_id = DbInt(required=True, metadata={
        "description": "the signed report: an evidence document of the unit in the campaign, "
                       "with its date set (the report's date)"})
    figures = _figures()
    domain = ma.fields.String(load_default="", validate=ma.validate.Length(max=40), metadata={
        "description": "a domain office's domain report (empty: the unit's own report)"})


class ReportOutsideSchema(StrictSchema):
    received_on = ma.fields.String(required=True, metadata={
        "description": "the report's document date, yyyy-mm-dd or dd/mm/yyyy"})
    outside_reason = ma.fields.String(required=True)
    domain = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    figures = _figures()
    document_id = DbInt(load_default=None, allow_none=True)


def _refused(error: ReportError):
    db.session.rollback()
    return problem_response(error.status, str(error), errors=[
        {"field": field, "message": str(message)} for field, message in error.errors.items()
        if field])


def _period(campaign: Campaign, key: str) -> ReportPeriod:
    period = period_by_key(campaign, key)
    if period is None:
        abort(404, message=f"no report {key!r} in campaign {campaign.id}")
    return period


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        abort(404, message=f"unit {code!r} does not exist")
    return unit


def _schedule(campaign: Campaign) -> dict:
    return {"campaign_id": campaign.id, "periods": [period_record(p) for p in periods(campaign)],
            "domain_offices": {o.domain: o.unit.code for o in domain_offices(campaign)},
            "templates": [template_record(t) for t in templates(campaign)]}


def _row(row) -> dict:
    return {"unit_code": row.unit.code, "unit_name": row.unit.name, "domain": row.domain,
            "standing": row.standing,
            "document_date": row.document_date.isoformat() if row.document_date else None,
            "report": submission_record(row.submission) if row.submission else None}


@blp.route("/<int:campaign_id>/report-periods")
class Schedule(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The campaign's reporting schedule: its reports (key, label, the data cut-off window
        covers_from..covers_to and the due day, Vietnam dates; the unit groups that send it,
        all when empty; whether domain offices send domain reports; the appendix template),
        the domain offices and the appendix templates."""
        return _schedule(campaign_or_404(campaign_id))

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(ReportScheduleSchema)
    @problems(409)
    def put(self, payload, campaign_id):
        """Replace the schedule (administrators, until the campaign is closed). 422 names each
        bad field (`periods.1.due_on`); 409 when the campaign is closed or a report left out
        already has reports."""
        campaign = campaign_or_404(campaign_id)
        try:
            set_schedule(campaign, payload["periods"], g.api_user)
        except ReportError as error:
            return _refused(error)
        db.session.commit()
        return _schedule(campaign)


@blp.route("/<int:campaign_id>/report-periods/proposal")
class Proposal(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """A schedule to start from for the campaign's year, taken from the reporting guidance
        in seed 003 (Công văn 164/UBND-NV, section II): nothing is saved; check, edit and PUT
        it."""
        campaign = campaign_or_404(campaign_id)
        rows = [{**row, **{k: row[k].isoformat() for k in ("covers_from", "covers_to",
                                                            "due_on")}}
                for row in default_schedule(campaign.year)]
        return {"source": str(DEFAULT_SOURCE), "periods": rows}


@blp.route("/<int:campaign_id>/report-periods/domain-offices")
class Offices(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(DomainOfficesSchema)
    @problems(409)
    def put(self, payload, campaign_id):
        """Replace the domain offices: {domain code: unit code}, the unit that sends each
        domain's report. 422 names `offices.<domain>`."""
        campaign = campaign_or_404(campaign_id)
        try:
            set_domain_offices(campaign, payload["offices"], g.api_user)
        except ReportError as error:
            return _refused(error)
        db.session.commit()
        return _schedule(campaign)


@blp.route("/<int:campaign_id>/report-periods/templates")
class Templates(MethodView):
    @answers(blp, 201)
    @multipart(blp, required=("file", "name"), name="the appendix's name (Phụ lục 3B)")
    @token_required
    @admin_required
    @problems(409, 422)
    def post(self, campaign_id):
        """Upload an appendix template (.xlsx): row 1 the column labels, row 2 each column's
        type (số, số nguyên, tỷ lệ %, chữ), an optional row 3 marking required columns (bắt
        buộc). A template of the same name is replaced. 422 names `file` (with the bad column)
        or `name`."""
        campaign = campaign_or_404(campaign_id)
        upload = uploaded_file()
        try:
            template = save_template(campaign, request.form.get("name", ""), upload.filename,
                                     upload.read(), g.api_user)
        except ReportError as error:
            return _refused(error)
        db.session.commit()
        return template_record(template), 201


@blp.route("/<int:campaign_id>/report-periods/late")
class Late(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """Per report of the schedule, the late and missing reports the caller may read (a
        report is late when its document is dated after the due day, missing once the due day
        has passed without one)."""
        campaign = campaign_or_404(campaign_id)
        result = []
        for period, rows in late_and_missing(campaign):
            scope = readable_unit_ids(period, g.api_user)
            result.append({"period": period.key, "label": period.label,
                           "due_on": period.due_on.isoformat(),
                           "reports": [_row(r) for r in rows
                                       if scope is None or r.unit.id in scope]})
        return {"campaign_id": campaign.id, "periods": result}


@blp.route("/<int:campaign_id>/report-periods/<key>")
class Period(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id, key):
        """The report and every expected (unit, domain) the caller may read, with its report
        and standing: on_time, late, missing or pending (not yet due)."""
        period = _period(campaign_or_404(campaign_id), key)
        rows = period_standing(period, unit_ids=readable_unit_ids(period, g.api_user))
        return {**period_record(period), "reports": [_row(r) for r in rows]}


@blp.route("/<int:campaign_id>/report-periods/<key>/units/<unit_code>")
class Submission(MethodView):
    @answers(blp, 200)
    @token_required
    @blp.arguments(ReportSubmitSchema)
    @problems(409)
    def put(self, payload, campaign_id, key, unit_code):
        """Send (or send again, replacing it) the unit's report: its editors and heads, or an
        administrator. 422 names `document_id` (not the unit's, or without a date), a figure
        (`figures.<key>`), `unit` or `domain` (not asked for this report); 409 outside the
        records phase."""
        period = _period(campaign_or_404(campaign_id), key)
        unit = _unit(unit_code)
        try:
            submission = submit_report(period, unit, payload["document_id"],
                                       payload["figures"], g.api_user, payload["domain"])
        except ReportError as error:
            return _refused(error)
        db.session.commit()
        return submission_record(submission)


@blp.route("/<int:campaign_id>/report-periods/<key>/units/<unit_code>/outside")
class Outside(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(ReportOutsideSchema)
    @problems(409)
    def put(self, payload, campaign_id, key, unit_code):
        """Record a report received outside ParIndex (administrators): its document's date
        and the reason, kept in the audit log. 422 names `received_on` or `outside_reason`."""
        period = _period(campaign_or_404(campaign_id), key)
        unit = _unit(unit_code)
        try:
            submission = record_outside(period, unit, payload["received_on"],
                                        payload["outside_reason"], g.api_user,
                                        payload["domain"], payload["figures"],
                                        payload["document_id"])
        except ReportError as error:
            return _refused(error)
        db.session.commit()
        return submission_record(submission)


@blp.route("/<int:campaign_id>/report-periods/<key>/rollup.xlsx")
class Rollup(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, campaign_id, key):
        """The report's roll-up: every unit's appendix figures listed, numbers and integers
        summed (percentages listed, not summed). Administrators every unit; a district office
        its communes; 403 for anyone else."""
        campaign = campaign_or_404(campaign_id)
        period = _period(campaign, key)
        try:
            rollup = period_rollup(period, g.api_user)
        except ReportError as error:
            return _refused(error)
        return xlsx_download(lambda buffer: write_rollup_workbook(rollup, buffer),
                             f"tong-hop-{period.key}-{campaign.year}.xlsx")
