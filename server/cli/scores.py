"""`parindex scores …`: the stored scores against the engine (check) and storing them again."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.campaigns.stored_scores import check, rescore
from server.extensions import db
from server.models import Assessment, Campaign


@click.group("scores")
def scores_group():
    """Scores stored when answers change: compare them with the engine, or store them again."""


def _campaign_id(campaign_id: int | None) -> int | None:
    if campaign_id is not None and db.session.get(Campaign, campaign_id) is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign_id


@scores_group.command("check")
@click.option("--campaign", "campaign_id", type=int, help="Only this campaign's dossiers.")
@with_appcontext
def scores_check(campaign_id):
    """Re-score every dossier with the engine and compare with what is stored; exit 1 and list
    the differences when any."""
    differences = check(_campaign_id(campaign_id))
    for item in differences[:200]:
        click.echo(f"assessment {item['assessment_id']} ({item['unit_code']}): {item['field']}: "
                   f"stored {item['stored']!r}, engine {item['engine']!r}")
    if differences:
        raise click.ClickException(f"{len(differences)} difference(s) between stored scores and "
                                   "the engine; `parindex scores rebuild` stores them again")
    click.echo("stored scores match the engine")


@scores_group.command("rebuild")
@click.option("--campaign", "campaign_id", type=int, help="Only this campaign's dossiers.")
@with_appcontext
def scores_rebuild(campaign_id):
    """Score every dossier with the engine and store the result (in batches of 500)."""
    query = select(Assessment.id).order_by(Assessment.id)
    if _campaign_id(campaign_id) is not None:
        query = query.where(Assessment.campaign_id == campaign_id)
    ids = list(db.session.scalars(query))
    stored = 0
    with click.progressbar(length=len(ids), label="scoring") as bar:
        for start in range(0, len(ids), 500):
            stored += rescore(ids[start:start + 500])
            db.session.commit()
            bar.update(len(ids[start:start + 500]))
    click.echo(f"stored the scores of {stored} of {len(ids)} dossier(s)")
