"""What the commands share in how they answer."""

import click

from server.extensions import db
from server.table_files import TableFileError


def refuse_table_file(error: TableFileError) -> None:
    """Roll back, print every row problem on stderr and fail: nothing of the file was written."""
    db.session.rollback()
    for problem in error.problems:
        click.echo(f"row {problem.row}: {problem.kind}: {problem.message}", err=True)
    raise click.ClickException(f"{len(error.problems)} bad row(s); nothing imported") from error
