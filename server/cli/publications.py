"""`parindex publish`, `parindex publications` and `parindex publication-export`: publishing a
unit group's ranking from the command line, through the same service as the API and the page;
`parindex publications import` and `import-template`: a past year's published results."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.cli.jobs import wait_for_job
from server.cli.output import refuse_table_file, table_file_content
from server.extensions import db
from server.models import Campaign, Publication, RoleMembership, User


def campaign_by_id(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


def administrator(username: str | None) -> User:
    """The named administrator, or the only one when no name is given (publishing, planning)."""
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
    """Publish GROUP's ranking in a campaign: freeze it and publish the finalised dossiers.
    A job does it (`parindex worker` runs it); this waits for it with a progress bar."""
    from server.results.publications import PublicationError
    from server.results.publishing import queue_publication

    campaign = campaign_by_id(campaign_id)
    try:
        job = queue_publication(campaign, group, administrator(username), reason, confirm_gaps)
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
    db.session.commit()
    click.echo(f"job {job.id} publishes {group}", err=True)
    publication = db.session.get(Publication,
                                 wait_for_job(job.id).params["result"]["publication_id"])
    click.echo(f"publication {publication.id} (number {publication.number}) of {group}, "
               f"{len(publication.results['ranking']['rows'])} units, "
               f"inputs {publication.inputs_digest[:12]}, {len(publication.changes)} change(s)")
    for change in publication.changes:
        click.echo(f"  {change['unit_code']:<12} {change['field']:<16} "
                   f"{change['before']} -> {change['after']}")


class _ListByDefault(click.Group):
    """`parindex publications CAMPAIGN GROUP` lists, as it always did; the words `import` and
    `import-template` name the other commands."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group("publications", cls=_ListByDefault)
def publications_group():
    """Publications: `publications CAMPAIGN GROUP` lists them; `import` and `import-template`
    bring in a past year's published results."""


@publications_group.command("list")
@click.argument("campaign_id", type=int)
@click.argument("group")
@with_appcontext
def publications_command(campaign_id, group):
    """List GROUP's publications in a campaign, the latest first, with drift of the latest."""
    from server.results.publication_status import drift
    from server.results.publications import imported_source, publications

    rows = publications(campaign_by_id(campaign_id).id, group)
    if not rows:
        click.echo(f"{group} has no publication in campaign {campaign_id}")
        return
    for publication in rows:
        publisher = db.session.get(User, publication.published_by)
        click.echo(f"{publication.id:>5}  number {publication.number}  "
                   f"{publication.published_at:%Y-%m-%d %H:%M} UTC  {publisher.username}  "
                   f"{publication.criteria_set_id}@{publication.criteria_set_version}  "
                   f"{len(publication.changes)} change(s)  {publication.reason}")
    if rows[0].imported:
        click.echo(f"imported from the published results ({imported_source(rows[0])}): a new "
                   "import corrects it")
        return
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


@publications_group.command("import-template")
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--criteria-set", "criteria_set", required=True,
              help="The set and version the year was scored with, e.g. province-2020@1.0.0.")
@with_appcontext
def import_template_command(output, criteria_set):
    """Write the .xlsx to fill in with a year's published results (the set's domains as
    columns)."""
    from server.results.imported import find_criteria_set, write_template

    found = find_criteria_set(criteria_set) if "@" in criteria_set else None
    if found is None:
        raise click.ClickException(f"{criteria_set} is not an installed criteria set "
                                   "(id@version)")
    write_template(found, output)
    click.echo(f"template of {found.id}@{found.version} written to {output}")


@publications_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--year", type=int, required=True, help="The year the results are of.")
@click.option("--group", required=True, help="The unit group, e.g. commune.")
@click.option("--criteria-set", "criteria_set", required=True,
              help="The set and version the year was scored with, e.g. province-2020@1.0.0.")
@click.option("--source", required=True,
              help='The decision that published them, e.g. "Quyết định số 512/QĐ-UBND".')
@click.option("--tie-compare", type=click.Choice(["unrounded", "rounded"]), required=True,
              help="The tie rule printed in the decision: which value decides equality.")
@click.option("--tie-ranks", type=click.Choice(["shared", "distinct"]), required=True,
              help="... and whether equal values share a rank.")
@click.option("--reason", default="", help="Required to import the group's results again.")
@click.option("--user", "username", default=None,
              help="The administrator importing (default: the only administrator).")
@with_appcontext
def import_command(file, year, group, criteria_set, source, tie_compare, tie_ranks, reason,
                   username):
    """Import a year's published results (FILE: .xlsx or .csv in the template's layout) as a
    read-only publication; all or nothing."""
    from server.results.imported import ImportedResultsError, ImportRequest, import_results
    from server.results.publications import PublicationError

    request = ImportRequest(year, group, criteria_set, source, tie_compare, tie_ranks, reason)
    try:
        publication = import_results(request, Path(file).name, table_file_content(file),
                                     administrator(username))
    except ImportedResultsError as error:
        refuse_table_file(error)
    except PublicationError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field or 'group'}: {error}") from error
    click.echo(f"publication {publication.id} (number {publication.number}) of {group} in "
               f"campaign {publication.campaign_id} ({year}), imported from {source}: "
               f"{len(publication.results['ranking']['rows'])} units")


COMMANDS = (publish_command, publications_group, publication_export_command)
