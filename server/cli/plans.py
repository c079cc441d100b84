"""`parindex plan UNIT --campaign ID --target band=Khá --target rank=5-7`: the target planner from
the command line, as the Department of Home Affairs (an administrator) runs it; `parindex
plan-weights`: the effort weights it counts per item."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from server.campaigns.criteria import group_criteria_set
from server.cli.publications import administrator, campaign_by_id
from server.engine.decimals import plain
from server.extensions import db
from server.models import Assessment, Unit
from server.planning.plan_workbook import write_unit_plan
from server.planning.planner import PlanError
from server.planning.plans import plan_for_unit
from server.planning.targets import TargetError, parse_target
from server.planning.weights import WeightsError, effort_weights, set_effort_weights


def _group_bands(campaign, unit_code: str) -> list[str]:
    group = db.session.scalar(db.select(Assessment.unit_group).join(
        Unit, Assessment.unit_id == Unit.id).where(
        Unit.code == unit_code, Assessment.campaign_id == campaign.id))
    if group is None:
        raise click.ClickException(f"unit {unit_code} is not assessed in campaign {campaign.id}")
    return [band.label for band in group_criteria_set(campaign, group).bands]


@click.command("plan")
@click.argument("unit_code")
@click.option("--campaign", "campaign_id", type=int, required=True, help="The campaign's id.")
@click.option("--target", "targets", multiple=True, required=True,
              help="A part of the target: band=LABEL, rank=N or N-M, index=X, domain_min=X "
                   "(repeat the option for several parts).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the plan as a workbook to this path.")
@click.option("--user", "username", default=None,
              help="The administrator planning (default: the only administrator).")
@with_appcontext
def plan_command(unit_code, campaign_id, targets, xlsx_path, username):
    """The least-effort steps for UNIT_CODE to reach the target, by domain and by responsible
    agency, with the index, band and rank the engine gives after them."""
    campaign = campaign_by_id(campaign_id)
    try:
        target = parse_target(targets, _group_bands(campaign, unit_code))
        plan = plan_for_unit(campaign, unit_code, target, administrator(username))
    except TargetError as error:
        for field, message in error.errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise click.ClickException("the target is refused") from error
    except PlanError as error:
        raise click.ClickException(f"{error.field or 'plan'}: {error.message}") from error
    _print(plan)
    if xlsx_path:
        write_unit_plan(plan, str(xlsx_path))
        click.echo(f"written {xlsx_path}")


def _standing(standing) -> str:
    rank = f", rank {standing.rank}" if standing.rank else ""
    return f"index {standing.index}, band {standing.classification or '-'}{rank}"


def _print(plan) -> None:
    click.echo(f"{plan.unit_code} {plan.unit_name}: target {plan.target.text()}")
    if plan.basis:
        click.echo(f"other units held at their {plan.basis} scores; tie rule "
                   f"{plan.tie_rule.compare}/{plan.tie_rule.ranks}")
    click.echo(f"now:   {_standing(plan.now)}")
    if not plan.reached:
        click.echo(f"out of reach: {plan.shortfall or 0} index points short with every item at "
                   "its best" + "".join(f"; {key} {short} short"
                                        for key, short in plan.domains_short.items()))
        return
    click.echo(f"after: {_standing(plan.after)} "
               f"({len(plan.steps)} items, {plan.step_count} steps, effort {plan.effort})")
    for agency, steps in plan.grouped("agency"):
        click.echo(f"[{agency or 'no responsible agency'}]")
        for step in steps:
            click.echo(f"  {step.code:<10} +{plain(step.gain):<8} {step.from_label or '-'} -> "
                       f"{step.to_label}  (effort {step.effort})")
    if plan.not_plannable:
        click.echo(f"not plannable: {', '.join(plan.not_plannable)}")



@click.command("plan-weights")
@click.argument("campaign_id", type=int)
@click.argument("group")
@click.argument("weights", nargs=-1)
@click.option("--reason", default="", help="Why the weights change (kept in the audit log).")
@click.option("--user", "username", default=None,
              help="The administrator setting them (default: the only administrator).")
@with_appcontext
def plan_weights_command(campaign_id, group, weights, reason, username):
    """Show GROUP's effort weights, or replace them all with CODE=WEIGHT pairs (whole numbers
    1..100; items left out weigh 1)."""
    campaign = campaign_by_id(campaign_id)
    if weights:
        pairs = {}
        for text in weights:
            code, _sep, weight = text.partition("=")
            if not weight.strip().isdecimal():
                raise click.ClickException(f"{text}: write CODE=WEIGHT, a whole number")
            pairs[code.strip()] = int(weight)
        try:
            set_effort_weights(campaign, group, pairs, administrator(username), reason)
        except WeightsError as error:
            db.session.rollback()
            for field, message in error.errors.items():
                click.echo(f"{field}: {message}", err=True)
            raise click.ClickException("the weights are refused; nothing changed") from error
        db.session.commit()
    for code, weight in sorted(effort_weights(campaign, group).items()):
        click.echo(f"{code}={weight}")
