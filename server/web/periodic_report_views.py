"""The periodic PAR reports' pages (báo cáo CCHC định kỳ), under /campaigns/<id>/reports: the
schedule and where each report stands, the administrator's schedule, domain offices, appendix
templates and "received outside ParIndex" forms, a unit's own report-sending page, and a
period's roll-up workbook. Thin: server.records checks and writes. (A unit's score reports are
another thing: server/web/report_views.py.)"""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.downloads import xlsx_download
from server.extensions import db
from server.labels import vn_day
from server.models import Assessment, Campaign, ReportPeriod, Unit
from server.people.permissions import can_edit_unit, can_read_unit, own_unit_ids
from server.people.units import unit_by_code
from server.records.appendices import TYPE_LABELS, save_template, templates
from server.records.reports import (
    STANDING_LABELS,
    STANDINGS,
    find_submission,
    period_standing,
    readable_unit_ids,
    record_outside,
    submit_report,
    unit_documents,
    unit_reports,
)
from server.records.rollup import period_rollup, rollup_scope
from server.records.schedule import (
    DEFAULT_SOURCE,
    ReportError,
    campaign_domains,
    default_schedule,
    domain_offices,
    period_by_key,
    periods,
    set_domain_offices,
    set_schedule,
)
from server.records.standing import vietnam_today
from server.results.exports.report_rollup_workbook import write_rollup_workbook
from server.web.access import admin_only
from server.web.blueprint import bp
from server.web.forms import LogoutForm as CsrfForm

FIELDS = ("key", "label", "covers_from", "covers_to", "due_on", "unit_groups", "template")
EMPTY_ROWS = 2


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _period(campaign: Campaign, key: str) -> ReportPeriod:
    period = period_by_key(campaign, key)
    if period is None:
        abort(404)
    return period


def _csrf() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


def _day(value) -> str:
    """A date (or ISO text) as dd/mm/yyyy for the pages; nothing for none."""
    return vn_day(value) if value else ""


def _may_roll_up(period: ReportPeriod) -> bool:
    try:
        rollup_scope(period, current_user)
    except ReportError:
        return False
    return True


@bp.route("/reports")
@login_required
def periodic_reports_home():
    """The latest campaign's periodic reports."""
    campaign = db.session.scalar(select(Campaign).order_by(Campaign.year.desc(),
                                                           Campaign.id.desc()).limit(1))
    if campaign is None:
        abort(404)
    return redirect(url_for("web.periodic_reports", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/reports")
@login_required
def periodic_reports(campaign_id):
    campaign = _campaign(campaign_id)
    today = vietnam_today()
    summary = []
    for period in periods(campaign):
        rows = period_standing(period, today, readable_unit_ids(period, current_user))
        counts = {standing: sum(1 for r in rows if r.standing == standing)
                  for standing in STANDINGS}
        summary.append((period, counts))
    own_units = list(db.session.scalars(select(Unit).where(
        Unit.id.in_(own_unit_ids(current_user) or {-1})).order_by(Unit.code)))
    return render_template(
        "records/reports/index.html", campaign=campaign, summary=summary, today=today,
        standings=STANDINGS, standing_labels=STANDING_LABELS, own_units=own_units,
        offices=domain_offices(campaign), domains=campaign_domains(campaign),
        is_admin=current_user.has_role("admin"), day=_day)


def _schedule_rows(campaign: Campaign, proposal: bool) -> list[dict]:
    if proposal:
        rows = default_schedule(campaign.year)
    else:
        rows = [{"key": p.key, "label": p.label, "covers_from": p.covers_from,
                 "covers_to": p.covers_to, "due_on": p.due_on, "unit_groups": p.unit_groups,
                 "domain_reports": p.domain_reports,
                 "template": p.template.name if p.template else ""}
                for p in periods(campaign)]
    return [{**row, "covers_from": _day(row["covers_from"]), "covers_to": _day(row["covers_to"]),
             "due_on": _day(row["due_on"]), "unit_groups": ", ".join(row["unit_groups"] or []),
             "template": row.get("template") or ""} for row in rows]


def _posted_rows() -> list[dict]:
    rows = []
    count = min(int(request.form.get("rows", "0") or 0) if request.form.get(
        "rows", "").isdigit() else 0, 24)
    for index in range(count):
        row = {name: request.form.get(f"{name}-{index}", "").strip() for name in FIELDS}
        row["domain_reports"] = request.form.get(f"domain_reports-{index}") == "on"
        if any(row[name] for name in FIELDS):
            rows.append(row)
    return rows


def _schedule_page(campaign, rows, errors=None, proposal=False, office_errors=None,
                   status=200):
    rows = rows + [{name: "" for name in FIELDS} | {"domain_reports": False}
                   for _ in range(EMPTY_ROWS)]
    return render_template(
        "records/reports/schedule.html", campaign=campaign, rows=rows, errors=errors or {},
        proposal=proposal, source=DEFAULT_SOURCE, templates=templates(campaign),
        groups=[pin.unit_group for pin in campaign.pins], domains=campaign_domains(campaign),
        offices={o.domain: o.unit.code for o in domain_offices(campaign)},
        office_errors=office_errors or {}), status


@bp.route("/campaigns/<int:campaign_id>/reports/schedule", methods=["GET", "POST"])
@login_required
def periodic_report_schedule(campaign_id):
    admin_only()
    campaign = _campaign(campaign_id)
    if request.method == "GET":
        proposal = request.args.get("proposal") == "1"
        return _schedule_page(campaign, _schedule_rows(campaign, proposal), proposal=proposal)
    _csrf()
    rows = _posted_rows()
    try:
        set_schedule(campaign, rows, current_user)
    except ReportError as error:
        db.session.rollback()
        if error.status != 422:
            flash(str(error), "error")
            return redirect(url_for("web.periodic_report_schedule", campaign_id=campaign.id))
        errors = {}
        for field, message in error.errors.items():
            parts = field.split(".")
            key = f"{parts[2]}-{parts[1]}" if len(parts) == 3 else field
            errors[key] = message
        return _schedule_page(campaign, rows, errors, status=422)
    db.session.commit()
    flash(_("The reporting schedule has been saved."), "info")
    return redirect(url_for("web.periodic_reports", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/reports/offices", methods=["POST"])
@login_required
def periodic_report_offices(campaign_id):
    admin_only()
    campaign = _campaign(campaign_id)
    _csrf()
    offices = {domain: request.form.get(f"office-{domain}", "")
               for domain in campaign_domains(campaign)}
    try:
        set_domain_offices(campaign, offices, current_user)
    except ReportError as error:
        db.session.rollback()
        if error.status != 422:
            flash(str(error), "error")
            return redirect(url_for("web.periodic_report_schedule", campaign_id=campaign.id))
        return _schedule_page(campaign, _schedule_rows(campaign, False),
                              office_errors={k.split(".", 1)[-1]: v
                                             for k, v in error.errors.items()}, status=422)
    db.session.commit()
    flash(_("The domain offices have been saved."), "info")
    return redirect(url_for("web.periodic_report_schedule", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/reports/templates", methods=["GET", "POST"])
@login_required
def periodic_report_templates(campaign_id):
    admin_only()
    campaign = _campaign(campaign_id)
    errors, status = {}, 200
    if request.method == "POST":
        _csrf()
        upload = request.files.get("file")
        name = request.form.get("name", "")
        try:
            save_template(campaign, name, upload.filename if upload else "",
                          upload.read() if upload else b"", current_user)
        except ReportError as error:
            db.session.rollback()
            if error.status != 422:
                flash(str(error), "error")
                return redirect(url_for("web.periodic_report_templates",
                                        campaign_id=campaign.id))
            errors, status = error.errors, 422
        else:
            db.session.commit()
            flash(_("The appendix template %(name)s has been saved.", name=name.strip()),
                  "info")
            return redirect(url_for("web.periodic_report_templates", campaign_id=campaign.id))
    return render_template("records/reports/templates.html", campaign=campaign,
                           templates=templates(campaign), errors=errors,
                           type_labels=TYPE_LABELS, typed_name=request.form.get("name", "")
                           ), status


@bp.route("/campaigns/<int:campaign_id>/reports/periods/<key>")
@login_required
def periodic_report_period(campaign_id, key):
    campaign = _campaign(campaign_id)
    period = _period(campaign, key)
    rows = period_standing(period, vietnam_today(), readable_unit_ids(period, current_user))
    return render_template(
        "records/reports/period.html", campaign=campaign, period=period, rows=rows,
        standing_labels=STANDING_LABELS, is_admin=current_user.has_role("admin"),
        may_roll_up=_may_roll_up(period), day=_day)


@bp.route("/campaigns/<int:campaign_id>/reports/periods/<key>/rollup.xlsx")
@login_required
def periodic_report_rollup(campaign_id, key):
    campaign = _campaign(campaign_id)
    period = _period(campaign, key)
    try:
        rollup = period_rollup(period, current_user)
    except ReportError:
        abort(403)
    return xlsx_download(lambda buffer: write_rollup_workbook(rollup, buffer),
                         f"tong-hop-{period.key}-{campaign.year}.xlsx")


@bp.route("/campaigns/<int:campaign_id>/reports/periods/<key>/outside",
          methods=["GET", "POST"])
@login_required
def periodic_report_outside(campaign_id, key):
    admin_only()
    campaign = _campaign(campaign_id)
    period = _period(campaign, key)
    expected = period_standing(period, vietnam_today())
    typed = {"sender": request.values.get("sender", ""),
             "received_on": request.form.get("received_on", ""),
             "outside_reason": request.form.get("outside_reason", "")}
    errors, status = {}, 200
    if request.method == "POST":
        _csrf()
        code, _sep, domain = typed["sender"].partition("|")
        unit = unit_by_code(code) if code else None
        try:
            if unit is None:
                raise ReportError({"unit": _("Choose the unit.")})
            record_outside(period, unit, typed["received_on"], typed["outside_reason"],
                           current_user, domain)
        except ReportError as error:
            db.session.rollback()
            if error.status not in (422,):
                flash(str(error), "error")
                return redirect(url_for("web.periodic_report_period", campaign_id=campaign.id,
                                        key=period.key))
            errors, status = error.errors, 422
        else:
            db.session.commit()
            flash(_("The report of %(unit)s received outside ParIndex has been recorded.",
                    unit=unit.code), "info")
            return redirect(url_for("web.periodic_report_period", campaign_id=campaign.id,
                                    key=period.key))
    return render_template("records/reports/outside.html", campaign=campaign, period=period,
                           expected=expected, typed=typed, errors=errors,
                           standing_labels=STANDING_LABELS), status


def _figures_from_form(period: ReportPeriod) -> dict:
    if period.template is None:
        return {}
    return {field["key"]: request.form.get(f"fig-{field['key']}", "")
            for field in period.template.fields or []}


@bp.route("/campaigns/<int:campaign_id>/reports/units/<unit_code>", methods=["GET", "POST"])
@login_required
def periodic_report_unit(campaign_id, unit_code):
    """A unit's own reports: for each period what it must send, where it stands, and the form
    to send it (the signed document from its evidence, the appendix figures)."""
    campaign = _campaign(campaign_id)
    unit = unit_by_code(unit_code)
    if unit is None:
        abort(404)
    if not can_read_unit(current_user, unit.id):
        abort(403)
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        _csrf()
        period = _period(campaign, request.form.get("period", ""))
        domain = request.form.get("domain", "")
        typed = {"period": period.key, "domain": domain,
                 "document_id": request.form.get("document_id", ""),
                 "figures": _figures_from_form(period)}
        try:
            submit_report(period, unit, typed["document_id"], typed["figures"], current_user,
                          domain)
        except ReportError as error:
            db.session.rollback()
            if error.status not in (422,):
                flash(str(error), "error")
                return redirect(url_for("web.periodic_report_unit", campaign_id=campaign.id,
                                        unit_code=unit.code))
            errors, status = error.errors, 422
        else:
            db.session.commit()
            flash(_("%(period)s of %(unit)s has been sent.", period=period.label,
                    unit=unit.code), "info")
            return redirect(url_for("web.periodic_report_unit", campaign_id=campaign.id,
                                    unit_code=unit.code))
    sections = unit_reports(campaign, unit)
    current = {(p.key, r.domain): find_submission(p, unit, r.domain)
               for p, rows in sections for r in rows}
    return render_template(
        "records/reports/unit.html", campaign=campaign, unit=unit, sections=sections,
        documents=unit_documents(campaign, unit), may_send=can_edit_unit(current_user, unit.id)
        or current_user.has_role("admin"), errors=errors, typed=typed, current=current,
        standing_labels=STANDING_LABELS, type_labels=TYPE_LABELS, day=_day,
        dossier=db.session.scalar(select(Assessment).filter_by(campaign_id=campaign.id,
                                                               unit_id=unit.id))), status
