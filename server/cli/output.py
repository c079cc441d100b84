"""What the commands share in how they answer."""

import click

from server.extensions import db
from server.table_files import TableFileError, file_content


def refuse_table_file(error: TableFileError) -> None:
    """Roll back, print every row problem on stderr and fail: nothing of the file was written."""
    db.session.rollback()
    for problem in error.problems:
        click.echo(f"row {problem.row}: {problem.kind}: {problem.message}", err=True)
    raise click.ClickException(f"{len(error.problems)} bad row(s); nothing imported") from error


def table_file_content(file) -> bytes:
    """The bytes of FILE to import, refused unread when it is larger than any table may be."""
    try:
        return file_content(file)
    except TableFileError as error:
        refuse_table_file(error)
