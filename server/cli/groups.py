"""`parindex groups …`: the unit groups (nhóm xếp hạng) from the command line (list, add, edit)."""

import click
from flask.cli import with_appcontext

from server.extensions import db
from server.people.groups import (
    KEEP,
    GroupInputError,
    create_group,
    edit_group,
    group_by_code,
    list_groups,
)


def _refuse(error: GroupInputError) -> None:
    db.session.rollback()
    raise click.ClickException(str(error)) from error


@click.group("groups")
def groups_group():
    """Unit groups: the peer groups units are ranked in."""


@groups_group.command("list")
@with_appcontext
def list_command():
    """Position, code, label of every group; not ranked and inactive ones marked."""
    for group in list_groups():
        marks = ("" if group.ranked else "  (not ranked)") + ("" if group.active
                                                               else "  (inactive)")
        click.echo(f"{group.position}\t{group.code}\t{group.label}{marks}")


@groups_group.command("add")
@click.argument("code")
@click.argument("label")
@click.option("--not-ranked", is_flag=True, help="Its units are scored but given no rank.")
@click.option("--position", type=int, default=None, help="Place in lists (default: last).")
@with_appcontext
def add_command(code, label, not_ranked, position):
    """Add the group CODE (lowercase letters, digits, - and _) named LABEL."""
    try:
        group = create_group(code, label, ranked=not not_ranked, position=position,
                             actor_id=None)
    except GroupInputError as error:
        _refuse(error)
    click.echo(f"group {group.code} added")


@groups_group.command("edit")
@click.argument("code")
@click.option("--label", default=None, help="The new label.")
@click.option("--ranked/--not-ranked", default=None, help="Whether its units get a rank.")
@click.option("--position", type=int, default=None, help="Place in lists.")
@click.option("--deactivate", is_flag=True, help="No unit may join it any more (refused while "
                                                 "active units belong to it).")
@click.option("--activate", is_flag=True, help="Make a deactivated group usable again.")
@with_appcontext
def edit_command(code, label, ranked, position, deactivate, activate):
    """Change the label, ranked flag or position of group CODE, or deactivate it; its code
    never changes."""
    group = group_by_code(code)
    if group is None:
        raise click.ClickException(f"unit group {code!r} does not exist")
    if deactivate and activate:
        raise click.UsageError("give --deactivate or --activate, not both")
    changes = {"label": KEEP if label is None else label,
               "ranked": KEEP if ranked is None else ranked,
               "position": KEEP if position is None else position,
               "active": False if deactivate else True if activate else KEEP}
    try:
        edit_group(group, **changes, actor_id=None)
    except GroupInputError as error:
        _refuse(error)
    click.echo(f"group {group.code} saved")
