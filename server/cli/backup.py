"""`parindex backup FOLDER` and `parindex restore FOLDER`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from server.backup.archive import BackupError, restore_backup, write_backup


def _report(verb: str, summary) -> None:
    click.echo(f"{verb} {sum(summary.tables.values())} rows of {len(summary.tables)} tables "
               f"and {summary.files} evidence files")


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(folder):
    """Write the database and every evidence file into FOLDER (new or empty)."""
    try:
        _report("wrote", write_backup(folder))
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(folder):
    """Load a backup FOLDER into an empty database (run `parindex upgrade` first) and store."""
    try:
        _report("restored", restore_backup(folder))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
