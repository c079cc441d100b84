"""`parindex campaign …`: create a campaign with its pins and deadlines, open it, list them."""

import click
from flask.cli import with_appcontext

from server.campaigns.setup import (
    CampaignFields,
    CampaignInputError,
    campaign_dict,
    create_campaign,
    open_campaign,
)
from server.extensions import db
from server.models import Campaign


@click.group("campaign")
def campaign_group():
    """Campaigns (đợt đánh giá): one year's index."""


def _fail(error: CampaignInputError):
    db.session.rollback()
    raise click.ClickException(str(error)) from error


@campaign_group.command("create")
@click.option("--year", type=int, required=True)
@click.option("--title", required=True)
@click.option("--pin", "pins", multiple=True, required=True,
              help="GROUP=SET@VERSION (repeatable), e.g. --pin province=province-2020@1.0.0")
@click.option("--deadline", "deadlines", multiple=True,
              help="NAME=DATE (repeatable), e.g. --deadline self_assessment_deadline=2025-11-30")
@click.option("--confirm-unverified", is_flag=True,
              help="Pin sets whose wording or points are not verified against the official text.")
@with_appcontext
def create_command(year, title, pins, deadlines, confirm_unverified):
    """Create a campaign in draft; prints its id."""
    fields = CampaignFields(year=year, title=title,
                            pins=dict(p.partition("=")[::2] for p in pins),
                            deadlines=dict(d.partition("=")[::2] for d in deadlines),
                            confirm_unverified=confirm_unverified)
    try:
        campaign = create_campaign(fields, actor_id=None)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign.id} created ({campaign.year}, draft)")


@campaign_group.command("open")
@click.argument("campaign_id", type=int)
@with_appcontext
def open_command(campaign_id):
    """Open a campaign: one dossier per active unit of each pinned group (idempotent)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    try:
        created = open_campaign(campaign, actor_id=None)
    except CampaignInputError as error:
        _fail(error)
    click.echo(f"campaign {campaign_id} is open; {created} dossier(s) created")


@campaign_group.command("list")
@with_appcontext
def list_command():
    """Id, year, state, pins and title of every campaign."""
    for campaign in db.session.scalars(db.select(Campaign).order_by(Campaign.id)):
        row = campaign_dict(campaign)
        pins = ", ".join(f"{group}={ref}" for group, ref in row["pins"].items())
        click.echo(f"{row['id']}\t{row['year']}\t{row['state']}\t{pins}\t{row['title']}")
