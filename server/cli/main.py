"""`flask --app wsgi parindex …`: the administrator's commands."""

import json
import sys
from pathlib import Path

import click
import pluggy
from flask import current_app
from flask.cli import with_appcontext

from server.campaigns.criteria import criteria_registry
from server.cli.backup import backup_command, restore_command
from server.cli.campaigns import campaign_group
from server.cli.criteria import COMMANDS as CRITERIA_IO_COMMANDS
from server.cli.evidence import evidence_group
from server.cli.exclusions import exclusions_group
from server.cli.feeds import proposals_command
from server.cli.groups import groups_group
from server.cli.jobs import jobs_group, wait_for_job, worker_command
from server.cli.output import refuse_table_file, table_file_content
from server.cli.par_plans import par_plans_group
from server.cli.plans import plan_command, plan_weights_command
from server.cli.publications import COMMANDS as PUBLICATION_COMMANDS
from server.cli.reports import reports_group
from server.cli.scores import scores_group
from server.cli.units import units_group
from server.cli.users import users_group
from server.engine import AnswersError, score
from server.engine.decimals import plain
from server.plugins import describe_plugins


def build_cli(pm: pluggy.PluginManager) -> click.Group:
    @click.group("parindex", help="ParIndex administration.")
    def cli():
        pass

    cli.add_command(plugins_command)
    cli.add_command(criteria_group)
    cli.add_command(score_command)
    cli.add_command(upgrade_command)
    cli.add_command(demo_command)
    cli.add_command(create_user_command)
    cli.add_command(audit_group)
    cli.add_command(notify_deadlines_command)
    cli.add_command(assign_reviewer_command)
    cli.add_command(survey_group)
    cli.add_command(ranking_group)
    cli.add_command(units_group)
    cli.add_command(users_group)
    cli.add_command(groups_group)
    cli.add_command(campaign_group)
    cli.add_command(evidence_group)
    cli.add_command(backup_command)
    cli.add_command(restore_command)
    cli.add_command(exclusions_group)
    cli.add_command(proposals_command)
    cli.add_command(scores_group)
    cli.add_command(worker_command)
    cli.add_command(jobs_group)
    cli.add_command(plan_command)
    cli.add_command(plan_weights_command)
    cli.add_command(par_plans_group)
    cli.add_command(reports_group)
    for command in PUBLICATION_COMMANDS:
        cli.add_command(command)
    pm.hook.parindex_register_commands(cli=cli)
    return cli


def _find_set(set_id: str, version: str | None):
    criteria_set = criteria_registry().get(set_id, version)
    if criteria_set is None:
        raise click.ClickException(
            f"criteria set {set_id}{'@' + version if version else ''} is not installed"
        )
    return criteria_set


@click.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def plugins_command(fmt):
    """List the loaded plugins with their versions, and criteria files that were refused."""
    state = current_app.extensions["parindex"]
    rows = describe_plugins(state.pm)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        # One block a plugin: long names and module paths never push the columns apart.
        for row in rows:
            click.echo(f"{row['name']} {row['version']}\n  origin: {row['origin']}\n"
                       f"  hooks: {', '.join(row['hooks'])}")
    for path, error in state.criteria.errors.items():
        click.echo(f"refused {path}:\n{error}", err=True)


@click.group("criteria")
def criteria_group():
    """Criteria-set tools."""


for _command in CRITERIA_IO_COMMANDS:
    criteria_group.add_command(_command)


@criteria_group.command("list")
@with_appcontext
def criteria_list():
    """Installed criteria sets, with how much of each is verified."""
    for s in criteria_registry().all():
        v = s.verification()
        click.echo(f"{s.id}@{s.version}  {s.title}  ({v['verified']}/{v['nodes']} verified)")


@criteria_group.command("show")
@click.argument("set_id")
@click.option("--version", default=None, help="Default: the highest installed version.")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json")
@with_appcontext
def criteria_show(set_id, version, fmt):
    """Print a set's full tree (codes, titles, max points, rules, verified flags)."""
    click.echo(json.dumps(_find_set(set_id, version).to_dict(), ensure_ascii=False, indent=2))


@click.command("score")
@click.argument("set_id")
@click.argument("answers_file", type=click.File("r", encoding="utf-8"))
@click.option("--version", default=None, help="Default: the highest installed version.")
@with_appcontext
def score_command(set_id, answers_file, version):
    """Score ANSWERS_FILE (JSON: {"answers": {code: {value, not_applicable}}}) and print JSON."""
    result = _scored(_find_set(set_id, version), answers_file)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _scored(criteria_set, answers_file):
    """The score of the answers in the JSON file; every refused answer printed, then exit 1."""
    try:
        payload = json.load(answers_file)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"{answers_file.name}: not valid JSON: {error}") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("answers"), dict):
        raise click.ClickException(f'{answers_file.name}: expected {{"answers": {{...}}}}')
    try:
        return score(criteria_set, payload["answers"])
    except AnswersError as error:
        for problem in error.problems:
            click.echo(f"{answers_file.name}: {problem.code}: {problem.message}", err=True)
        sys.exit(1)


@criteria_group.command("compare")
@click.argument("previous")
@click.argument("previous_answers", type=click.File("r", encoding="utf-8"))
@click.argument("current")
@click.argument("current_answers", type=click.File("r", encoding="utf-8"))
@with_appcontext
def criteria_compare(previous, previous_answers, current, current_answers):
    """Compare a unit's scores of two years, item by item, following the carry-over map.

    PREVIOUS and CURRENT are id@version; the answer files are JSON as for `score`.
    """
    from server.engine.carry_over import compare

    old_set, new_set = (_find_set(*ref.partition("@")[::2]) for ref in (previous, current))
    try:
        lines = compare(old_set, _scored(old_set, previous_answers),
                        new_set, _scored(new_set, current_answers))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    for line in lines:
        before = "new" if line.previous_points is None else (
            f"{plain(line.previous_points)} ({', '.join(line.previous_codes)})")
        change = "" if line.change is None else f"  {'+' if line.change >= 0 else ''}" \
            f"{plain(line.change)}"
        click.echo(f"{line.code:<10} {plain(line.points):>6}  before: {before}{change}")


@click.command("upgrade")
@with_appcontext
def upgrade_command():
    """Create or upgrade the database to the latest migration."""
    from flask_migrate import upgrade

    from server.campaigns.stored_scores import rescore_missing

    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(directory=current_app.extensions["migrate"].directory)
    scored = rescore_missing()  # dossiers from before scores were stored
    if scored:
        click.echo(f"stored the scores of {scored} dossier(s)")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no unit yet.")
@with_appcontext
def demo_command(if_empty):
    """Load a demo province: units, one user per role, an open campaign."""
    from server.audit.seal import SealError, seal
    from server.demo.province import load_demo

    loaded = load_demo(only_if_empty=if_empty)
    click.echo("demo data loaded" if loaded else "database not empty: demo data not loaded")
    try:
        seal()  # so `audit verify` covers the demo's events at once
    except SealError as error:
        click.echo(f"audit log not sealed: {error}", err=True)


@click.command("create-user")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True,
              help="ROLE or ROLE:UNIT_CODE (repeatable), e.g. --role unit_editor:SNV")
@click.option("--full-name", default="")
@click.option("--email", default=None)
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(username, roles, full_name, email, password):
    """Create a user with one or more roles."""
    from server.extensions import db
    from server.people.users import UserInputError, create_user

    try:
        create_user(username, password, [r.partition(":")[::2] for r in roles],
                    full_name=full_name, email=email)
    except UserInputError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"user {username} created")


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("seal")
@with_appcontext
def audit_seal():
    """Seal the events written since the last seal (run it from cron every minute)."""
    from server.audit.seal import SealError, seal

    try:
        sealed = seal()
    except SealError as error:
        raise click.ClickException(str(error)) from error
    if sealed.busy:
        click.echo(f"sealed {sealed.events} events in {sealed.batches} batches; another sealer "
                   "is at work")
    else:
        click.echo(f"sealed {sealed.events} events in {sealed.batches} batches")


@audit_group.command("verify")
@click.option("--anchor", "anchor_file", type=click.File(encoding="utf-8"), default=None,
              help="An anchor written by `audit anchor`: its batch must still have its hash.")
@with_appcontext
def audit_verify(anchor_file):
    """Check every sealed batch and event with the audit key; exit 1 naming each event or batch
    changed, inserted or deleted."""
    from server.audit.verify import AnchorError, read_anchor, verify

    anchor = None
    if anchor_file is not None:
        try:
            anchor = read_anchor(json.load(anchor_file))
        except (ValueError, AnchorError) as error:
            raise click.ClickException(f"{anchor_file.name}: {error}") from error
    report = verify(anchor)
    unsealed = f"{report.unsealed} events not sealed yet"
    if report.intact:
        anchored = f"; anchored batch {anchor['sequence']} matches" if anchor else ""
        click.echo(f"audit log intact: {report.events} sealed events in {report.batches} "
                   f"batches{anchored}; {unsealed}")
        return
    for problem in report.problems:
        click.echo(f"audit log broken: {problem.message}", err=True)
    if report.more_problems:
        click.echo(f"audit log broken: and {report.more_problems} more problems", err=True)
    click.echo(f"{report.events} sealed events in {report.batches} batches checked; {unsealed}",
               err=True)
    sys.exit(1)


@audit_group.command("anchor")
@click.argument("file", type=click.File("w", encoding="utf-8"))
@with_appcontext
def audit_anchor(file):
    """Write the newest sealed batch (sequence, hash, time) to FILE ("-": standard output), to be
    kept outside this server; `audit verify --anchor FILE` checks it later."""
    from server.audit.verify import current_anchor, verify

    report = verify()
    if not report.intact:
        raise click.ClickException("the audit log does not verify (run `parindex audit verify`): "
                                   "no anchor written")
    anchor = current_anchor()
    if anchor is None:
        raise click.ClickException("nothing is sealed yet (run `parindex audit seal`)")
    file.write(json.dumps(anchor, indent=2) + "\n")
    click.echo(f"anchored batch {anchor['sequence']} ({anchor['hash']})", err=True)


@click.command("notify-deadlines")
@click.option("--now", "now", default=None, help="Pretend it is this ISO time (for testing).")
@with_appcontext
def notify_deadlines_command(now):
    """Remind units 7 days and 1 day before their deadlines: the dossiers', their PAR plan
    tasks' and their periodic reports' (each once); safe to run as often as cron likes."""
    from datetime import UTC, datetime

    from server.campaigns.reminders import send_deadline_reminders
    from server.records.reports import send_report_reminders
    from server.records.task_progress import send_task_reminders

    moment = None
    if now:
        moment = datetime.fromisoformat(now)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    click.echo(f"{send_deadline_reminders(moment)} reminder(s) sent")
    click.echo(f"{send_task_reminders(moment)} task reminder(s) sent")
    click.echo(f"{send_report_reminders(moment)} report reminder(s) sent")


@click.command("assign-reviewer")
@click.argument("username")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--domain", "domains", multiple=True, required=True, help="Domain code (repeatable).")
@click.option("--group", "unit_group", default=None, help="Only this unit group (default: all).")
@with_appcontext
def assign_reviewer_command(username, campaign_id, domains, unit_group):
    """Assign reviewer USERNAME to domains of a campaign."""
    from sqlalchemy import select

    from server.campaigns.reviewers import AssignmentError, assign_reviewer
    from server.extensions import db
    from server.models import User

    campaign = _campaign(campaign_id)
    reviewer = db.session.scalar(select(User).where(User.username == username))
    try:
        assign_reviewer(campaign, reviewer, domains, unit_group, None)
    except AssignmentError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{username} assigned to domains {', '.join(domains)} of campaign {campaign_id}")


def _campaign(campaign_id: int):
    from server.extensions import db
    from server.models import Campaign

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"campaign {campaign_id} does not exist")
    return campaign


@click.group("survey")
def survey_group():
    """Survey results (điều tra xã hội học)."""


@survey_group.command("import")
@click.argument("campaign_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def survey_import_command(campaign_id, file):
    """Replace a campaign's survey results with FILE (.xlsx or .csv); all or nothing."""
    from server.assessment.survey_import import (
        SurveyImportError,
        SurveyImportRefused,
        queue_survey_import,
    )
    from server.extensions import db

    campaign = _campaign(campaign_id)
    try:
        job = queue_survey_import(campaign, Path(file).name, table_file_content(file))
    except SurveyImportRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except SurveyImportError as error:
        refuse_table_file(error)
    db.session.commit()
    result = wait_for_job(job.id).params["result"]
    click.echo(f"imported {result['rows']} survey values for {result['units']} units "
               f"(replaced {result['replaced']}); sha256 {result['sha256']}")


@survey_group.command("template")
@click.argument("campaign_id", type=int)
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def survey_template_command(campaign_id, output):
    """Write an .xlsx template: one row per assessed unit and survey item."""
    from server.assessment.survey_import import write_template

    write_template(_campaign(campaign_id), output)
    click.echo(f"template written to {output}")


@click.group("ranking")
def ranking_group():
    """Rankings (xếp hạng) and their workbooks."""


@ranking_group.command("show")
@click.argument("campaign_id", type=int)
@click.argument("group")
@with_appcontext
def ranking_show_command(campaign_id, group):
    """Print the ranking of a unit group: rank, unit, total, index, classification."""
    from server.results.ranking import RankingError, rank_group

    try:
        ranking = rank_group(_campaign(campaign_id), group)
    except RankingError as error:
        raise click.ClickException(str(error)) from error
    for row in ranking.rows:
        click.echo(f"{row.rank or '-':>5} {row.unit_code:<12} {row.result.total!s:>10} "
                   f"{row.result.index!s:>7} {row.classification or ''}  {row.unit_name}")


@ranking_group.command("export")
@click.argument("campaign_id", type=int)
@click.argument("group")
@click.argument("output", type=click.Path(dir_okay=False))
@with_appcontext
def ranking_export_command(campaign_id, group, output):
    """Write the ranking workbook (.xlsx) of a unit group."""
    from server.results.exports.ranking_workbook import write_ranking_workbook
    from server.results.ranking import RankingError, rank_group

    try:
        ranking = rank_group(_campaign(campaign_id), group, detail=True)
    except RankingError as error:
        raise click.ClickException(str(error)) from error
    write_ranking_workbook(ranking, output)
    click.echo(f"workbook written to {output}")


@ranking_group.command("long-table")
@click.argument("campaign_id", type=int)
@click.argument("group")
@click.argument("output", type=click.File("w", encoding="utf-8", lazy=True))
@with_appcontext
def ranking_long_table_command(campaign_id, group, output):
    """Write the long table (a line per unit and sub-criterion) of a unit group as CSV ('-' for
    standard output), from the stored scores, a chunk of units at a time."""
    from server.downloads import csv_chunks
    from server.results.exports.long_table import HEADERS, long_table_rows
    from server.results.ranking import RankingError, rank_group, stored_leaf_reader

    try:
        ranking = rank_group(_campaign(campaign_id), group)
    except RankingError as error:
        raise click.ClickException(str(error)) from error
    for chunk in csv_chunks(HEADERS, long_table_rows(ranking,
                                                     stored_leaf_reader(campaign_id, group))):
        output.write(chunk)
