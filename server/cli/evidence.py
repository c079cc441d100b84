"""`parindex evidence gc`: what interrupted uploads left in the evidence storage."""

from datetime import timedelta

import click
from flask.cli import with_appcontext

from server.assessment.evidence.cleanup import clean_storage


@click.group("evidence")
def evidence_group():
    """Evidence storage upkeep."""


@evidence_group.command("gc")
@click.option("--delete", is_flag=True, help="Remove the unreferenced files (default: list).")
@click.option("--min-age-hours", type=click.FloatRange(min=1), default=24, show_default=True,
              help="Leave younger files alone: they may be uploads still in flight.")
@with_appcontext
def gc_command(delete, min_age_hours):
    """Sweep interrupted uploads' temporaries and list (or delete) stored files that no
    evidence refers to, older than --min-age-hours."""
    result = clean_storage(timedelta(hours=min_age_hours), delete=delete)
    for key, modified in result.unreferenced:
        click.echo(f"{key}\t{modified.isoformat()}")
    verb = "deleted" if delete else "found (run again with --delete to remove them)"
    click.echo(f"{len(result.unreferenced)} unreferenced files {verb}; "
               f"{result.swept} interrupted uploads swept")
