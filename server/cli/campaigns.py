"""`parindex campaign …`: create a campaign with its pins, phases and settings, edit a draft,
open, close and reopen it, start next year from it, list them."""

import json

import click
from flask.cli import with_appcontext

from server.campaigns.campaign_workflow import apply_campaign_transition
from server.campaigns.setup import (
    CampaignFields,
    CampaignInputError,
    campaign_dict,
    create_campaign,
    update_campaign,
)
from server.campaigns.successor import start_from
from server.cli.jobs import wait_for_job
from server.extensions import db
from server.models import Campaign


@click.group("campaign")
def campaign_group():
    """Campaigns (đợt đánh giá): one year's index."""


def _fail(error: CampaignInputError):
    db.session.rollback()
    raise click.ClickException(str(error)) from error


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


def _pairs(values) -> dict:
    return dict(value.partition("=")[::2] for value in values)


def _cutoffs(values) -> list[dict]:
    return [{"label": label, "date": day} for day, label in
            (value.partition("=")[::2] for value in values)]


def _bands(values) -> list[dict]:
    """KEY:LABEL:MIN, highest first."""
    return [dict(zip(("key", "label", "min"), value.split(":", 2), strict=False))
            for value in values]


def settings_options(command):
    """The options `create` and `edit` share; `edit` changes only the ones given."""
    options = [
        click.option("--pin", "pins", multiple=True,
                     help="GROUP=SET@VERSION (repeatable), e.g. "
                          "--pin province=province-2020@1.0.0"),
        click.option("--deadline", "deadlines", multiple=True,
                     help="NAME=DATE (repeatable; Vietnam time, a date is the end of that day), "
                          "NAME one of records_open, self_assessment_opens, "
                          "self_assessment_deadline, explanation_deadline, appraisal_deadline, "
                          "publication_date, closes_at; NAME= clears it"),
        click.option("--cutoff", "cutoffs", multiple=True,
                     help="DATE=LABEL (repeatable), a data cut-off date, e.g. "
                          "--cutoff '2025-09-30=Số liệu 9 tháng'"),
        click.option("--survey/--no-survey", default=None,
                     help="Whether the satisfaction survey runs (default: it runs)."),
        click.option("--tie-rule", default=None,
                     help="COMPARE:RANKS overriding the criteria set's, e.g. unrounded:shared; "
                          "'set' to follow the set's"),
        click.option("--band", "bands", multiple=True,
                     help="KEY:LABEL:MIN (repeatable, highest first) overriding the set's bands"),
        click.option("--confirm-unverified", is_flag=True,
                     help="Pin sets whose wording or points are not verified against the "
                          "official text."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _tie_rule(text: str | None):
    if not text or text == "set":
        return None
    compare, _, ranks = text.partition(":")
    return {"compare": compare, "ranks": ranks}


@campaign_group.command("create")
@click.option("--year", type=int, required=True)
@click.option("--title", required=True)
@settings_options
@with_appcontext
def create_command(year, title, pins, deadlines, cutoffs, survey, tie_rule, bands,
                   confirm_unverified):
    """Create a campaign in draft; prints its id."""
    fields = CampaignFields(year=year, title=title, pins=_pairs(pins),
                            deadlines=_pairs(deadlines), confirm_unverified=confirm_unverified,
                            data_cutoffs=_cutoffs(cutoffs),
                            survey=True if survey is None else survey,
                            tie_rule=_tie_rule(tie_rule), bands=_bands(bands) or None)
    try:
        campaign = create_campaign(fields, actor_id=None)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign.id} created ({campaign.year}, draft)")


@campaign_group.command("edit")
@click.argument("campaign_id", type=int)
@click.option("--year", type=int)
@click.option("--title")
@settings_options
@with_appcontext
def edit_command(campaign_id, year, title, pins, deadlines, cutoffs, survey, tie_rule, bands,
                 confirm_unverified):
    """Change a draft campaign: only the options given (--pin replaces every pin, --cutoff
    every cut-off date, --band every band)."""
    campaign = _campaign(campaign_id)
    given = {"year": year, "title": title, "pins": _pairs(pins) or None,
             "deadlines": _pairs(deadlines) or None, "data_cutoffs": _cutoffs(cutoffs) or None,
             "survey": survey, "bands": _bands(bands) or None}
    changes = {name: value for name, value in given.items() if value is not None}
    if tie_rule is not None:
        changes["tie_rule"] = _tie_rule(tie_rule)
    try:
        update_campaign(campaign, changes, confirm_unverified=confirm_unverified,
                        actor_id=None)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign_id} changed: {', '.join(sorted(changes)) or 'nothing'}")


@campaign_group.command("show")
@click.argument("campaign_id", type=int)
@with_appcontext
def show_command(campaign_id):
    """Every setting of a campaign, as JSON."""
    click.echo(json.dumps(campaign_dict(_campaign(campaign_id)), ensure_ascii=False, indent=2))


@campaign_group.command("open")
@click.argument("campaign_id", type=int)
@with_appcontext
def open_command(campaign_id):
    """Open a campaign: one dossier per active unit of each pinned group (idempotent)."""
    try:
        job = apply_campaign_transition(_campaign(campaign_id), "open", None)
    except CampaignInputError as error:
        _fail(error)
    job = wait_for_job(job.id)
    click.echo(f"campaign {campaign_id} is open; {job.progress_done} dossier(s) created")


@campaign_group.command("close")
@click.argument("campaign_id", type=int)
@click.option("--reason", default="")
@with_appcontext
def close_command(campaign_id, reason):
    """Close a campaign: its dossiers take no more changes."""
    try:
        apply_campaign_transition(_campaign(campaign_id), "close", None, reason)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign_id} is closed")


@campaign_group.command("reopen")
@click.argument("campaign_id", type=int)
@click.option("--reason", required=True)
@click.option("--closes-at", default=None,
              help="A new closing date (needed when the old one has passed).")
@with_appcontext
def reopen_command(campaign_id, reason, closes_at):
    """Reopen a closed campaign, with a reason."""
    try:
        apply_campaign_transition(_campaign(campaign_id), "reopen", None, reason, closes_at)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign_id} is open again")


@campaign_group.command("copy")
@click.argument("campaign_id", type=int)
@click.option("--confirm-unverified", is_flag=True,
              help="Pin successor sets that are not verified against the official text.")
@with_appcontext
def copy_command(campaign_id, confirm_unverified):
    """Start next year from a campaign: a new draft to review; prints its id."""
    try:
        campaign = start_from(_campaign(campaign_id), actor=None,
                              confirm_unverified=confirm_unverified)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign.id} created ({campaign.year}, draft) from campaign "
               f"{campaign_id}")


@campaign_group.command("list")
@with_appcontext
def list_command():
    """Id, year, state, pins and title of every campaign."""
    for campaign in db.session.scalars(db.select(Campaign).order_by(Campaign.id)):
        row = campaign_dict(campaign)
        pins = ", ".join(f"{group}={ref}" for group, ref in row["pins"].items())
        click.echo(f"{row['id']}\t{row['year']}\t{row['state']}\t{pins}\t{row['title']}")
