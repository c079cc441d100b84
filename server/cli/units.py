"""`parindex units …`: the unit list from the command line (template, import, export, list)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from server.cli.jobs import wait_for_import
from server.cli.output import refuse_table_file, table_file_content
from server.extensions import db
from server.people.import_jobs import queue_unit_import
from server.people.units import (
    UnitFields,
    UnitImportError,
    UnitInputError,
    list_units,
    save_unit,
    unit_by_code,
    unit_record,
    write_unit_list,
)


@click.group("units")
def units_group():
    """Units (đơn vị): the province, departments, districts and communes."""


@units_group.command("template")
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def template_command(output):
    """Write the empty .xlsx template to fill in and import."""
    write_unit_list(output, [])
    click.echo(f"template written to {output}")


@units_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(file):
    """Create or update the units of FILE (.xlsx or .csv, the template's layout); all or
    nothing."""
    try:
        job = queue_unit_import(Path(file).name, table_file_content(file), actor_id=None)
    except UnitImportError as error:
        refuse_table_file(error)
    db.session.commit()
    result = wait_for_import(job.id).params["result"]
    click.echo(f"{result['created']} unit(s) created, {result['updated']} updated")


@units_group.command("export")
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def export_command(output):
    """Write every unit to OUTPUT (.xlsx) in the import layout."""
    units = list_units()
    write_unit_list(output, units)
    click.echo(f"{len(units)} unit(s) written to {output}")


@units_group.command("list")
@with_appcontext
def list_command():
    """Code, group, parent and name of every unit; inactive ones marked."""
    for unit in list_units():
        parent = unit.parent.code if unit.parent else "-"
        mark = "" if unit.active else "  (inactive)"
        replaces = (f"  (replaces {', '.join(other.code for other in unit.predecessors)})"
                    if unit.predecessors else "")
        click.echo(f"{unit.code}\t{unit.group}\t{parent}\t{unit.name}{mark}{replaces}")


@units_group.command("replaces")
@click.argument("code")
@click.argument("codes", default="")
@with_appcontext
def replaces_command(code, codes):
    """Set the units CODE replaces (a merger): CODES separated by commas or semicolons; empty
    to clear."""
    unit = unit_by_code(code)
    if unit is None:
        raise click.ClickException(f"unknown unit {code!r}")
    record = unit_record(unit)
    fields = UnitFields(unit.code, record["name"], record["level"], record["group"],
                        record["parent_code"], codes)
    try:
        save_unit(fields, actor_id=None, existing=unit)
    except UnitInputError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    replaced = [other.code for other in unit.predecessors]
    click.echo(f"{unit.code} replaces {', '.join(replaced)}" if replaced
               else f"{unit.code} replaces no unit")
