"""`parindex users …`: people from the command line (the import template, the import)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from server.cli.jobs import wait_for_import
from server.cli.output import refuse_table_file, table_file_content
from server.extensions import db
from server.jobs.runner import take_once
from server.models import User
from server.people.import_jobs import queue_user_import
from server.people.login_throttle import unthrottle
from server.people.user_import import UserImportError, template_bytes


@click.group("users")
def users_group():
    """People (người dùng): import them from the template; clear failed sign-ins."""


@users_group.command("template")
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def template_command(output):
    """Write the empty template (.xlsx, or .csv when OUTPUT ends so) to fill in and import."""
    kind = "csv" if output.lower().endswith(".csv") else "xlsx"
    Path(output).write_bytes(template_bytes(kind))
    click.echo(f"template written to {output}")


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(file):
    """Create the users of FILE (.xlsx or .csv, the template's layout), all or nothing, and
    print each one's one-time password: the only time it is shown."""
    try:
        job = queue_user_import(Path(file).name, table_file_content(file), actor_id=None)
    except UserImportError as error:
        refuse_table_file(error)
    db.session.commit()
    job = wait_for_import(job.id)
    imported = take_once(job, None)  # asked as nobody: the command's own job
    db.session.commit()
    if imported is None:
        raise click.ClickException(f"job {job.id}: its passwords were shown already")
    click.echo(f"{len(imported)} user(s) created. One-time passwords, shown only now; each "
               "user must change theirs at first login:")
    for user in imported:
        click.echo(f"{user['username']}\t{user['one_time_password']}")


@users_group.command("unthrottle")
@click.argument("username")
@with_appcontext
def unthrottle_command(username):
    """Clear USERNAME's failed sign-ins from every address: they may sign in again at once."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"user {username!r} does not exist")
    cleared = unthrottle(user, actor_id=None)
    db.session.commit()
    click.echo(f"{username}: {cleared} failed sign-in counter(s) cleared")
