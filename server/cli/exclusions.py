"""`parindex exclusions …`: items that do not apply to a unit in a campaign (list, set, clear)."""

import click
from flask.cli import with_appcontext

from server.campaigns.exclusions import (
    ExclusionError,
    clear_exclusion,
    list_exclusions,
    set_exclusions,
)
from server.extensions import db
from server.models import Campaign, Unit
from server.people.units import unit_by_code


@click.group("exclusions")
def exclusions_group():
    """Không áp dụng: domains, criteria or sub-criteria excluded for a unit in a campaign."""


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        raise click.ClickException(f"unit {code!r} does not exist")
    return unit


def _fail(error: ExclusionError):
    db.session.rollback()
    raise click.ClickException(str(error)) from error


@exclusions_group.command("list")
@click.argument("campaign_id", type=int)
@click.argument("unit_code", required=False)
@with_appcontext
def list_command(campaign_id, unit_code):
    """The exclusions of a campaign, or of one unit in it: unit, code, reason."""
    campaign = _campaign(campaign_id)
    unit = _unit(unit_code) if unit_code else None
    items = list_exclusions(campaign, unit)
    codes = {u.id: u.code for u in db.session.scalars(
        db.select(Unit).where(Unit.id.in_({item.unit_id for item in items})))}
    for item in items:
        click.echo(f"{codes[item.unit_id]}\t{item.code}\t{item.reason}")
    if not items:
        click.echo("no exclusions")


@exclusions_group.command("set")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("codes", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why these items do not apply to the unit.")
@with_appcontext
def set_command(campaign_id, unit_code, codes, reason):
    """Exclude CODES (domain, criterion or sub-criterion codes) for the unit in the campaign."""
    try:
        items = set_exclusions(_campaign(campaign_id), _unit(unit_code), codes, reason, None)
    except ExclusionError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{len(items)} exclusion(s) set for {unit_code}: "
               + ", ".join(item.code for item in items))


@exclusions_group.command("clear")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("code")
@click.option("--reason", default="", help="Why the item applies again.")
@with_appcontext
def clear_command(campaign_id, unit_code, code, reason):
    """The item CODE applies to the unit again."""
    try:
        clear_exclusion(_campaign(campaign_id), _unit(unit_code), code, None, reason)
    except ExclusionError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{code} applies to {unit_code} again")
