"""`parindex reports …`: the periodic PAR reports (báo cáo CCHC định kỳ) of a campaign: its
schedule, domain offices and appendix templates, sending a report, recording one received
outside ParIndex, the late and missing reports, a period's roll-up and the reminders."""

import json
from pathlib import Path

import click
import yaml
from flask.cli import with_appcontext

from server.campaigns.settings import parse_day
from server.extensions import db
from server.models import Campaign, ReportPeriod, Unit
from server.people.units import unit_by_code
from server.records.appendices import save_template
from server.records.reports import (
    late_and_missing,
    record_outside,
    submit_report,
)
from server.records.rollup import period_rollup
from server.records.schedule import (
    DEFAULT_SOURCE,
    ReportError,
    default_schedule,
    domain_offices,
    period_by_key,
    read_schedule_file,
    schedule_file,
    set_domain_offices,
    set_schedule,
)
from server.results.exports.report_rollup_workbook import write_rollup_workbook


@click.group("reports")
def reports_group():
    """Báo cáo CCHC định kỳ: schedule, templates, reports, roll-up, late and missing reports."""


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


def _period(campaign: Campaign, key: str) -> ReportPeriod:
    period = period_by_key(campaign, key)
    if period is None:
        raise click.ClickException(f"no report {key!r} in campaign {campaign.id}")
    return period


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        raise click.ClickException(f"unit {code!r} does not exist")
    return unit


def _fail(error: ReportError):
    db.session.rollback()
    raise click.ClickException(str(error)) from error


@reports_group.group("schedule")
def schedule_group():
    """The campaign's reporting schedule."""


@schedule_group.command("show")
@click.argument("campaign_id", type=int)
@with_appcontext
def schedule_show(campaign_id):
    """Print the schedule as YAML (what `schedule set` reads back), then the domain offices."""
    campaign = _campaign(campaign_id)
    click.echo(schedule_file(campaign), nl=False)
    offices = {o.domain: o.unit.code for o in domain_offices(campaign)}
    if offices:
        click.echo(yaml.safe_dump({"domain_offices": offices}, allow_unicode=True), nl=False)


@schedule_group.command("propose")
@click.argument("campaign_id", type=int)
@with_appcontext
def schedule_propose(campaign_id):
    """Print a schedule for the campaign's year taken from seed 003 (Công văn 164/UBND-NV,
    section II), to check, edit and `schedule set`; nothing is saved."""
    campaign = _campaign(campaign_id)
    rows = [{**row, **{k: row[k].isoformat() for k in ("covers_from", "covers_to", "due_on")}}
            for row in default_schedule(campaign.year)]
    click.echo(f"# {DEFAULT_SOURCE}")
    click.echo(yaml.safe_dump({"periods": rows}, allow_unicode=True, sort_keys=False), nl=False)


@schedule_group.command("set")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def schedule_set(campaign_id, file):
    """Replace the schedule with FILE (YAML or JSON: a list of reports, or periods: [...]; each
    key, label, covers_from, covers_to, due_on, unit_groups, domain_reports, template)."""
    campaign = _campaign(campaign_id)
    try:
        rows = read_schedule_file(file.name, file.read_bytes())
        saved = set_schedule(campaign, rows, None)
    except ReportError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{len(saved)} report(s) in the schedule: "
               + ", ".join(period.key for period in saved))


@reports_group.command("offices")
@click.argument("campaign_id", type=int)
@click.argument("pairs", nargs=-1, required=True)
@with_appcontext
def offices_command(campaign_id, pairs):
    """Name the domain offices: DOMAIN=UNIT_CODE ... (replaces them all)."""
    offices = {}
    for pair in pairs:
        domain, sep, code = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: write DOMAIN=UNIT_CODE", param_hint="PAIRS")
        offices[domain.strip()] = code.strip()
    try:
        saved = set_domain_offices(_campaign(campaign_id), offices, None)
    except ReportError as error:
        _fail(error)
    db.session.commit()
    click.echo(", ".join(f"{o.domain}={o.unit.code}" for o in saved) or "no domain offices")


@reports_group.group("template")
def template_group():
    """Appendix templates (phụ lục số liệu)."""


@template_group.command("upload")
@click.argument("campaign_id", type=int)
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def template_upload(campaign_id, name, file):
    """Read FILE (.xlsx: labels, types, optional "bắt buộc" row) as the appendix NAME."""
    try:
        template = save_template(_campaign(campaign_id), name, file.name, file.read_bytes(),
                                 None)
    except ReportError as error:
        _fail(error)
    db.session.commit()
    for field in template.fields:
        required = " (required)" if field["required"] else ""
        click.echo(f"{field['key']}\t{field['type']}{required}\t{field['label']}")


def _figures(pairs, json_file) -> dict:
    figures = {}
    if json_file:
        data = json.loads(Path(json_file).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise click.BadParameter("the file must hold {field: value}",
                                     param_hint="--figures")
        figures.update(data)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: write KEY=VALUE", param_hint="--figure")
        figures[key.strip()] = value
    return figures


@reports_group.command("submit")
@click.argument("campaign_id", type=int)
@click.argument("period_key")
@click.argument("unit_code")
@click.option("--document", "document_id", type=int, required=True,
              help="The signed report: an evidence document id of the unit in the campaign.")
@click.option("--figure", "pairs", multiple=True, help="An appendix figure KEY=VALUE.")
@click.option("--figures", "json_file", type=click.Path(exists=True, dir_okay=False),
              help="A JSON file of {field: value}.")
@click.option("--domain", default="", help="A domain office's domain report.")
@with_appcontext
def submit_command(campaign_id, period_key, unit_code, document_id, pairs, json_file, domain):
    """Send (or send again) UNIT_CODE's report for PERIOD_KEY."""
    campaign = _campaign(campaign_id)
    try:
        submission = submit_report(_period(campaign, period_key), _unit(unit_code), document_id,
                                   _figures(pairs, json_file), None, domain)
    except ReportError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{unit_code} {period_key}: sent, document {submission.document_id}")


@reports_group.command("record-outside")
@click.argument("campaign_id", type=int)
@click.argument("period_key")
@click.argument("unit_code")
@click.option("--received-on", required=True, help="The report's document date (dd/mm/yyyy).")
@click.option("--reason", required=True, help="Why it is recorded outside ParIndex.")
@click.option("--domain", default="", help="A domain office's domain report.")
@with_appcontext
def record_outside_command(campaign_id, period_key, unit_code, received_on, reason, domain):
    """Record UNIT_CODE's report for PERIOD_KEY as received outside ParIndex (audited)."""
    campaign = _campaign(campaign_id)
    try:
        record_outside(_period(campaign, period_key), _unit(unit_code), received_on, reason,
                       None, domain)
    except ReportError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{unit_code} {period_key}: recorded as received outside ParIndex")


@reports_group.command("rollup")
@click.argument("campaign_id", type=int)
@click.argument("period_key")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .xlsx to write.")
@with_appcontext
def rollup_command(campaign_id, period_key, out):
    """Write PERIOD_KEY's roll-up (every unit's appendix figures, numbers summed)."""
    rollup = period_rollup(_period(_campaign(campaign_id), period_key))
    with out.open("wb") as target:
        write_rollup_workbook(rollup, target)
    sent = sum(1 for row in rollup.rows if row.submission is not None)
    click.echo(f"{out}: {sent} of {len(rollup.rows)} report(s)")


@reports_group.command("late")
@click.argument("campaign_id", type=int)
@click.option("--today", default=None, help="Pretend today is this date (dd/mm/yyyy).")
@with_appcontext
def late_command(campaign_id, today):
    """The late and missing reports, per report of the schedule: period, unit, domain, standing,
    document date."""
    day = parse_day(today) if today else None
    found = 0
    for period, rows in late_and_missing(_campaign(campaign_id), day):
        for row in rows:
            when = row.document_date.strftime("%d/%m/%Y") if row.document_date else ""
            click.echo(f"{period.key}\t{row.unit.code}\t{row.domain}\t{row.standing}\t{when}")
            found += 1
    if not found:
        click.echo("no late or missing reports")

