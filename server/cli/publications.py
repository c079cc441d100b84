"""`parindex publish`, `parindex publications` and `parindex publication-export`: publishing a
unit group's ranking from the command line, through the same service as the API and the page."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.extensions import db
from server.models import Campaign, Publication, RoleMembership, User


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


def _publisher(username: str | None) -> User:
    """The named administrator, or the only one when no name is given."""
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or not user.has_role("admin"):
            raise click.ClickException(f"{username} is not an administrator")
        return user
    admins = db.session.scalars(select(User).join(RoleMembership)
                                .where(RoleMembership.role == "admin", User.active)
                                .distinct()).all()
    if len(admins) != 1:
        raise click.ClickException("name the administrator who publishes with --user")
    return admins[0]


@click.command("publish")
@click.argument("campaign_id", type=int)
@click.argument("group")
@click.option("--reason", default="",
              help="Required for a correction (a 2nd publication) and with --confirm-gaps.")
@click.option("--confirm-gaps", is_flag=True,
              help="Publish although dossiers have unanswered or unappraised items.")
@click.option("--user", "username", default=None,
              help="The administrator publishing (default: the only administrator).")
@with_appcontext
def publish_command(campaign_id, group, reason, confirm_gaps, username):
    """Publish GROUP's ranking in a campaign: freeze it and publish the finalised dossiers."""
    from server.results.publications import PublicationError, publish

    campaign = _campaign(campaign_id)
    try:
        publication = publish(campaign, group, _publisher(username), reason, confirm_gaps)
    except PublicationError as error:
        db.session.rollback()
        for gap in error.gaps:
            click.echo(f"  {gap.unit_code:<12} unanswered {gap.unanswered_count:>3}  "
                       f"not appraised {gap.unappraised_count:>3}", err=True)
        if error.gaps:
            raise click.ClickException(
                f"{len(error.gaps)} dossier(s) have gaps; publish with --confirm-gaps and "
                "--reason to go on") from error
        raise click.ClickException(str(error)) from error
    click.echo(f"publication {publication.id} (number {publication.number}) of {group}, "
               f"{len(publication.results['ranking']['rows'])} units, "
               f"inputs {publication.inputs_digest[:12]}, {len(publication.changes)} change(s)")
    for change in publication.changes:
        click.echo(f"  {change['unit_code']:<12} {change['field']:<16} "
                   f"{change['before']} -> {change['after']}")


@click.command("publications")
@click.argument("campaign_id", type=int)
@click.argument("group")
@with_appcontext
def publications_command(campaign_id, group):
    """List GROUP's publications in a campaign, the latest first, with drift of the latest."""
    from server.results.publication_status import drift
    from server.results.publications import publications

    rows = publications(_campaign(campaign_id).id, group)
    if not rows:
        click.echo(f"{group} has no publication in campaign {campaign_id}")
        return
    for publication in rows:
        publisher = db.session.get(User, publication.published_by)
        click.echo(f"{publication.id:>5}  number {publication.number}  "
                   f"{publication.published_at:%Y-%m-%d %H:%M} UTC  {publisher.username}  "
                   f"{publication.criteria_set_id}@{publication.criteria_set_version}  "
                   f"{len(publication.changes)} change(s)  {publication.reason}")
    state = drift(rows[0])
    if state["error"]:
        click.echo(f"cannot compare with the current data: {state['error']}")
    elif state["correction_due"]:
        click.echo(f"the data changed since publication {rows[0].number} "
                   f"({len(state['changes'])} change(s)): a correction is due")
    else:
        click.echo(f"the current data still gives publication {rows[0].number}")


@click.command("publication-export")
@click.argument("publication_id", type=int)
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def publication_export_command(publication_id, output):
    """Write a publication's ranking workbook (.xlsx), from its snapshot alone."""
    from server.results.publication_status import write_publication_workbook
    from server.results.publications import PublicationError

    publication = db.session.get(Publication, publication_id)
    if publication is None:
        raise click.ClickException(f"publication {publication_id} does not exist")
    try:
        write_publication_workbook(publication, output)
    except PublicationError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"workbook of publication {publication.id} written to {output}")


COMMANDS = (publish_command, publications_command, publication_export_command)
