"""`parindex par-plans …`: PAR plans (Kế hoạch CCHC) and their tasks from the command line, as an
administrator: create a unit's plan, issue and amend it, add tasks, mark them done, import and
export the task table, the progress grid, a target plan made into tasks, the deadline reminders.
The same services as the pages and the API (server.records)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from server.campaigns.settings import parse_day
from server.cli.jobs import wait_for_import
from server.cli.output import refuse_table_file, table_file_content
from server.cli.publications import administrator, campaign_by_id
from server.extensions import db
from server.records.plans import (
    RecordError,
    VersionFields,
    campaign_plans,
    create_plan,
    issue_version,
    plan_of,
)
from server.records.standing import task_standing, vietnam_today
from server.records.task_progress import (
    BY_LEAD,
    BY_PLAN,
    task_progress,
    write_progress_workbook,
)
from server.records.task_table import TaskImportError, queue_task_import, write_task_table
from server.records.tasks import TaskFields, add_task, mark_done, take_over, task_of


def _day(text: str | None):
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as error:
        raise click.ClickException(f"{text!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)") \
            from error


def _refuse(error: RecordError):
    db.session.rollback()
    for field, message in (getattr(error, "problems", None) or
                           {error.field or "plan": str(error.message)}).items():
        click.echo(f"{field}: {message}", err=True)
    raise click.ClickException("refused; nothing changed") from error


def _plan(campaign_id: int, unit_code: str, user):
    try:
        return plan_of(campaign_by_id(campaign_id), unit_code, user)
    except RecordError as error:
        _refuse(error)


user_option = click.option("--user", "username", default=None,
                           help="The administrator acting (default: the only administrator).")


@click.group("par-plans")
def par_plans_group():
    """PAR plans (Kế hoạch CCHC) and their tasks."""


@par_plans_group.command("list")
@click.argument("campaign_id", type=int)
@user_option
@with_appcontext
def list_command(campaign_id, username):
    """The campaign's plans: unit, issued (on_time, late, missing), tasks in force, cancelled."""
    for row in campaign_plans(campaign_by_id(campaign_id), administrator(username)):
        click.echo(f"{row.plan.unit.code}\t{row.issued}\t{row.tasks} task(s)\t"
                   f"{row.cancelled} cancelled\t{len(row.plan.versions)} version(s)")


@par_plans_group.command("create")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.option("--title", default="")
@click.option("--due", "due", default=None, help="Issue by this day (dd/mm/yyyy).")
@click.option("--parent", "parent", default=None, help="The unit code of the plan above.")
@user_option
@with_appcontext
def create_command(campaign_id, unit_code, title, due, parent, username):
    """Create UNIT_CODE's plan in the campaign."""
    try:
        plan = create_plan(campaign_by_id(campaign_id), unit_code, administrator(username),
                           title=title, due_on=_day(due), parent_unit_code=parent)
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"plan {plan.id} of {plan.unit.code} created")


@par_plans_group.command("amend")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.option("--decision", required=True, help="The decision's number (số hiệu).")
@click.option("--issued", required=True, help="Its date of issue (dd/mm/yyyy).")
@click.option("--document", "document_id", type=int, default=None,
              help="The evidence document's id (the signed decision).")
@click.option("--note", default="")
@click.option("--cancel", "cancel", type=int, multiple=True,
              help="A task id the amendment cancels (repeatable).")
@user_option
@with_appcontext
def amend_command(campaign_id, unit_code, decision, issued, document_id, note, cancel,
                  username):
    """Issue the plan (its first version) or amend it (the next)."""
    user = administrator(username)
    plan = _plan(campaign_id, unit_code, user)
    try:
        version = issue_version(plan, VersionFields(decision, _day(issued), document_id, note,
                                                    list(cancel)), user)
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"version {version.number} of {plan.unit.code}'s plan issued on "
               f"{version.issued_on:%d/%m/%Y}")


@par_plans_group.command("add-task")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("title")
@click.option("--result", "expected_result", default="")
@click.option("--domain", default="")
@click.option("--lead", "lead", default="", help="The lead unit's code.")
@click.option("--with", "cooperating", multiple=True, help="A cooperating unit's code.")
@click.option("--deadline", default=None, help="dd/mm/yyyy")
@click.option("--number", default="")
@user_option
@with_appcontext
def add_task_command(campaign_id, unit_code, title, expected_result, domain, lead,
                     cooperating, deadline, number, username):
    """Add a task to the plan's last version."""
    user = administrator(username)
    plan = _plan(campaign_id, unit_code, user)
    try:
        task = add_task(plan, TaskFields(title=title, expected_result=expected_result,
                                         domain=domain, lead_unit_code=lead,
                                         cooperating=list(cooperating),
                                         deadline=_day(deadline), number=number), user)
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"task {task.id} added")


@par_plans_group.command("done")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("task_id", type=int)
@click.option("--document", "document_id", type=int, required=True,
              help="The completion evidence's document id.")
@click.option("--on", "completed_on", default=None,
              help="The completion date (default: the document's date).")
@user_option
@with_appcontext
def done_command(campaign_id, unit_code, task_id, document_id, completed_on, username):
    """Mark a task done with its completion evidence."""
    user = administrator(username)
    plan = _plan(campaign_id, unit_code, user)
    try:
        task = mark_done(task_of(plan, task_id), document_id, user, _day(completed_on))
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"task {task.id} done on {task.completed_on:%d/%m/%Y}")


@par_plans_group.command("take-over")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@user_option
@with_appcontext
def take_over_command(campaign_id, unit_code, username):
    """Take over every task the plan above assigns to UNIT_CODE."""
    user = administrator(username)
    plan = _plan(campaign_id, unit_code, user)
    try:
        copies = take_over(plan, user)
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"{len(copies)} task(s) taken over")


@par_plans_group.command("tasks")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@user_option
@with_appcontext
def tasks_command(campaign_id, unit_code, username):
    """The plan's tasks with where each stands today."""
    plan = _plan(campaign_id, unit_code, administrator(username))
    today = vietnam_today()
    for task in plan.tasks:
        lead = task.lead_unit.code if task.lead_unit else "-"
        deadline = f"{task.deadline:%d/%m/%Y}" if task.deadline else "-"
        click.echo(f"{task.id}\t{task.number or '-'}\t{task_standing(task, today)}\t{lead}\t"
                   f"{deadline}\t{task.title}")


@par_plans_group.command("import-tasks")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@user_option
@with_appcontext
def import_tasks_command(campaign_id, unit_code, file, username):
    """Add the tasks of FILE (.xlsx or .csv, the plan's table); all or nothing."""
    user = administrator(username)
    plan = _plan(campaign_id, unit_code, user)
    try:
        job = queue_task_import(plan, Path(file).name, table_file_content(file), user)
    except TaskImportError as error:
        refuse_table_file(error)
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    result = wait_for_import(job.id).params["result"]
    click.echo(f"{result['created']} task(s) imported")


@par_plans_group.command("export-tasks")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.argument("output", type=click.Path(dir_okay=False))
@user_option
@with_appcontext
def export_tasks_command(campaign_id, unit_code, output, username):
    """Write the plan's tasks in force to OUTPUT (.xlsx) in the import layout."""
    plan = _plan(campaign_id, unit_code, administrator(username))
    write_task_table(plan, output)
    click.echo(f"{sum(t.cancelled_in is None for t in plan.tasks)} task(s) written to {output}")


@par_plans_group.command("progress")
@click.argument("campaign_id", type=int)
@click.option("--by", type=click.Choice([BY_PLAN, BY_LEAD]), default=BY_PLAN)
@click.option("--day", default=None, help="Count as on this day (default: today, Vietnam).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), default=None)
@user_option
@with_appcontext
def progress_command(campaign_id, by, day, xlsx_path, username):
    """Tasks done on time, done late, overdue, not yet due, cancelled: per plan or lead."""
    report = task_progress(campaign_by_id(campaign_id), administrator(username), by=by,
                           day=_day(day))
    click.echo("unit\ton_time\tlate\toverdue\topen\tcancelled\ttotal")
    for line in [*report.lines, report.totals]:
        c = line.counts
        click.echo(f"{line.key or 'total'}\t{c['done_on_time']}\t{c['done_late']}\t"
                   f"{c['overdue']}\t{c['open']}\t{c['cancelled']}\t{line.total}")
    if xlsx_path:
        write_progress_workbook(report, xlsx_path)
        click.echo(f"written {xlsx_path}")


@par_plans_group.command("from-target")
@click.argument("campaign_id", type=int)
@click.argument("unit_code")
@click.option("--target", "targets", multiple=True, required=True,
              help="A part of the target: band=LABEL, rank=N or N-M, index=X, domain_min=X.")
@click.option("--lead", "lead", required=True, help="The lead agency's unit code.")
@click.option("--deadline", required=True, help="dd/mm/yyyy")
@user_option
@with_appcontext
def from_target_command(campaign_id, unit_code, targets, lead, deadline, username):
    """Make UNIT_CODE's target plan into tasks of its PAR plan (one a step)."""
    from server.cli.plans import _group_bands
    from server.planning.par_tasks import make_tasks
    from server.planning.planner import PlanError
    from server.planning.targets import TargetError, parse_target

    campaign = campaign_by_id(campaign_id)
    try:
        target = parse_target(targets, _group_bands(campaign, unit_code))
        tasks = make_tasks(campaign, unit_code, target, administrator(username),
                           lead_unit_code=lead, deadline=_day(deadline))
    except TargetError as error:
        for field, message in error.errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise click.ClickException("the target is refused") from error
    except PlanError as error:
        raise click.ClickException(f"{error.field or 'plan'}: {error.message}") from error
    except RecordError as error:
        _refuse(error)
    db.session.commit()
    click.echo(f"{len(tasks)} task(s) added: " + ", ".join(
        code for task in tasks for code in task.target_codes))

