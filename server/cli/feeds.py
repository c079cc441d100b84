"""`parindex proposals CAMPAIGN UNIT`: what the year's records propose for a unit's record-fed
items (server.records.feeds), with the figures and the points the set's rules give them."""

import json

import click
from flask.cli import with_appcontext

from server.campaigns.criteria import criteria_registry
from server.extensions import db
from server.models import Assessment
from server.people.units import unit_by_code
from server.records import feeds


@click.command("proposals")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.option("--json", "as_json", is_flag=True,
              help="print every proposal with its evidence as JSON")
@with_appcontext
def proposals_command(campaign_id, unit_code, as_json):
    """The proposed answers of a unit's record-fed items: code, figure, answer, points."""
    unit = unit_by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"unit {unit_code!r} does not exist")
    assessment = db.session.execute(db.select(Assessment).filter_by(
        campaign_id=campaign_id, unit_id=unit.id)).scalar_one_or_none()
    if assessment is None:
        raise click.ClickException(f"unit {unit_code} has no dossier in campaign {campaign_id}")
    criteria_set = criteria_registry().get(assessment.criteria_set_id,
                                           assessment.criteria_set_version)
    found = feeds.proposals(assessment, criteria_set)
    if as_json:
        click.echo(json.dumps({code: p.to_dict() for code, p in found.items()},
                              ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo(f"{criteria_set.id}@{criteria_set.version} feeds no item from the records")
    for code, p in found.items():
        shown = "–" if p.value is None else p.value
        click.echo(f"{code}\t{p.record}\t{'–' if p.figure is None else p.figure}\t{shown}\t"
                   f"{'–' if p.points is None else p.points}")
