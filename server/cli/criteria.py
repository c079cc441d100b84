"""`flask parindex criteria import | export | validate | test`: criteria sets in and out."""

import datetime
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from server.campaigns.criteria import criteria_registry
from server.engine import CaseError, CriteriaSetError, load_cases, load_criteria_set, run_case
from server.engine.decimals import NotANumber, parse_decimal
from server.engine.loader import LEVELS
from server.extensions import db
from server.models import Job


def _fail(lines) -> None:
    for line in lines:
        click.echo(str(line), err=True)
    sys.exit(1)


def _bands(text: str) -> list[dict]:
    bands = []
    for part in text.split(","):
        label, _, minimum = part.rpartition(":")
        if not label:
            raise click.BadParameter(f"{part!r}: write LABEL:MIN, e.g. A:90,B:80,C:70,D:0")
        try:
            bands.append({"label": label.strip(), "min": parse_decimal(minimum)})
        except NotANumber:
            raise click.BadParameter(f"{part!r}: the minimum is not a number") from None
    return bands


@click.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "set_id", required=True, help="Id of the new set, e.g. commune-ha-noi.")
@click.option("--version", default="1.0.0", show_default=True)
@click.option("--title", default=None, help="Default: the id.")
@click.option("--level", type=click.Choice(LEVELS), required=True)
@click.option("--legal-number", required=True, help="Decision number, e.g. 3323/QĐ-UBND.")
@click.option("--legal-date", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Decision date, yyyy-mm-dd.")
@click.option("--year", "years", type=int, multiple=True, required=True,
              help="A year the set applies to (repeatable).")
@click.option("--bands", default="A:90,B:80,C:70,D:0", show_default=True,
              help="Classification bands, highest first: LABEL:MIN,...")
@click.option("--survey-optional", is_flag=True, help="The set may be scored without its survey.")
@click.option("--tie-compare", type=click.Choice(["unrounded", "rounded"]), default="unrounded",
              show_default=True)
@click.option("--tie-ranks", type=click.Choice(["shared", "distinct"]), default="shared",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file to write; default ID.yaml. Never overwritten unless --force.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@with_appcontext
def import_command(table, set_id, version, title, level, legal_number, legal_date, years, bands,
                   survey_optional, tie_compare, tie_ranks, out, force):
    """Read TABLE (.xlsx or .docx, official layout) and write the criteria set as YAML.

    Every row that cannot be understood is reported with its row number and text; nothing is
    written unless the whole table is understood and the set validates. A job reads it
    (`parindex worker` runs it); this waits for it.
    """
    from server.campaigns.criteria_import import queue_criteria_import
    from server.cli.jobs import wait_for_job
    from server.criteria_io.table_import import MAX_INFLATED_BYTES, TableImportError
    from server.criteria_io.yaml_out import write_atomically
    from server.table_files import TableFileError, file_content

    out = out or Path(f"{set_id}.yaml")
    if out.exists() and not force:
        raise click.ClickException(f"{out} exists; pass --force to replace it")
    meta = {
        "id": set_id, "version": version, "title": title or set_id, "level": level,
        "legal_basis": {"number": legal_number, "date": legal_date.date().isoformat()},
        "years": list(years),
        "source_note": (f"Nhập từ bảng {table.name} ngày {datetime.date.today().isoformat()}; "
                        "chưa đối chiếu với văn bản gốc. English: imported from "
                        f"{table.name}; not yet checked against the official text."),
        "verified": False, "survey": {"optional": survey_optional},
        "bands": [{**band, "min": str(band["min"])} for band in _bands(bands)],
        "tie_rule": {"compare": tie_compare, "ranks": tie_ranks},
    }
    try:
        content = file_content(table, MAX_INFLATED_BYTES)
        job = queue_criteria_import(table.name, content, meta)
    except (TableFileError, TableImportError) as error:
        db.session.rollback()
        problems = [str(p) for p in error.problems] if isinstance(error, TableImportError) \
            else [f"table: cannot read {table.name}: {p.message}" for p in error.problems]
        click.echo(f"{table}: refused, nothing written ({len(problems)} problems):", err=True)
        _fail(f"  {problem}" for problem in problems)
    db.session.commit()
    try:
        result = wait_for_job(job.id).params["result"]
    except click.ClickException:
        failed = db.session.get(Job, job.id)
        problems = failed.params.get("problems")
        if not problems:
            raise
        click.echo(f"{table}: refused, nothing written ({len(problems)} problems):", err=True)
        _fail(f"  {'row ' + str(p['row']) if p['row'] else 'table'}: {p['message']}"
              + (f" [{p['text']}]" if p["text"] else "") for p in problems)
    write_atomically(out, result["yaml"])
    click.echo(f"{out}: {set_id}@{version}, {result['domains']} domains, "
               f"{result['leaves']} scored items")


@click.command("export")
@click.argument("set_id")
@click.option("--version", default=None, help="Default: the highest installed version.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: ID-VERSION.xlsx")
@with_appcontext
def export_command(set_id, version, out):
    """Write a set as the official self-assessment table (.xlsx), ready to print and fill in."""
    from server.criteria_io.table_export import export_xlsx

    criteria_set = criteria_registry().get(set_id, version)
    if criteria_set is None:
        raise click.ClickException(f"criteria set {set_id}{'@' + version if version else ''} "
                                   "is not installed")
    out = out or Path(f"{criteria_set.id}-{criteria_set.version}.xlsx")
    out.write_bytes(export_xlsx(criteria_set))
    click.echo(f"{out}: {criteria_set.id}@{criteria_set.version}")


@click.command("validate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def validate_command(path):
    """Load a criteria-set YAML file as the server would and report every problem."""
    registry = criteria_registry()
    try:
        criteria_set = load_criteria_set(path, registry.rule_types, registry.get)
    except CriteriaSetError as error:
        _fail(error.problems)
    totals = criteria_set.totals()
    v = criteria_set.verification()
    click.echo(f"{path}: valid: {criteria_set.id}@{criteria_set.version}, {totals['domains']} "
               f"domains, {totals['criteria']} criteria, {totals['sub_criteria']} scored items, "
               f"{totals['max_points']} points; {v['verified']}/{v['nodes']} nodes verified")


@click.command("test")
@click.argument("set_id")
@click.option("--version", default=None, help="Default: the highest installed version.")
@with_appcontext
def test_command(set_id, version):
    """Run the YAML test cases (cases/*.yaml beside the set's file) of an installed set."""
    registry = criteria_registry()
    criteria_set = registry.get(set_id, version)
    if criteria_set is None:
        raise click.ClickException(f"criteria set {set_id} is not installed")
    folder = registry.paths[(criteria_set.id, criteria_set.version)].parent / "cases"
    files = sorted(folder.glob("*.yaml"))
    if not files:
        _fail([f"{criteria_set.id}@{criteria_set.version}: no test case in {folder}"])
    failures = 0
    for path in files:
        try:
            cases = load_cases(path)
        except CaseError as error:
            failures += 1
            click.echo(f"FAIL {path.name}: {error}")
            continue
        for case in cases:
            mismatches = run_case(criteria_set, case)
            failures += bool(mismatches)
            click.echo(f"{'FAIL' if mismatches else 'ok  '} {path.name}: {case.name}")
            for mismatch in mismatches:
                click.echo(f"       {mismatch}")
    click.echo(f"{criteria_set.id}@{criteria_set.version}: {failures} failing")
    sys.exit(1 if failures else 0)


@click.command("new")
@click.argument("name")
@click.option("--level", type=click.Choice(LEVELS), default="commune", show_default=True)
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Where to create parindex-criteria-NAME/.")
def new_command(name, level, parent):
    """Create an installable criteria-set plugin package for the set NAME."""
    from server.criteria_io.scaffold_files import ScaffoldError, write_scaffold

    target = parent / f"parindex-criteria-{name}"
    try:
        written = write_scaffold(target, name, level)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: edit the YAML, then `pip install {target}` and "
               f"`flask --app wsgi parindex criteria test {name}`")


COMMANDS = (new_command, import_command, export_command, validate_command, test_command)
