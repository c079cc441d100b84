"""Plans as plain data: the API's JSON and the CLI's output."""

from server.engine.decimals import plain
from server.engine.results import json_ready
from server.planning.group_plans import GroupPlans
from server.planning.planner import Plan, Standing, Step


def _number(value) -> str | None:
    return None if value is None else format(value, "f")


def standing_dict(standing: Standing) -> dict:
    return {"total": plain(standing.total), "index": _number(standing.index),
            "classification": standing.classification, "rank": standing.rank}


def step_dict(step: Step) -> dict:
    return {"code": step.code, "title": step.title, "domain": step.domain_code,
            "agency": step.agency, "from": {"outcome": step.from_label,
                                            "points": plain(step.from_points)},
            "to": {"outcome": step.to_label, "points": plain(step.to_points),
                   "value": json_ready(step.value)},
            "gain": plain(step.gain), "steps": step.steps, "effort": step.effort,
            "index_after": _number(step.index_after)}


def plan_dict(plan: Plan) -> dict:
    return {
        "unit_code": plan.unit_code, "unit_name": plan.unit_name,
        "campaign_id": plan.campaign_id, "group": plan.group,
        "target": plan.target.to_dict(),
        "others_held_at": plan.basis,
        "tie_rule": {"compare": plan.tie_rule.compare, "ranks": plan.tie_rule.ranks},
        "now": standing_dict(plan.now),
        "reached": plan.reached,
        "needed_index": _number(plan.needed_index),
        "shortfall": _number(plan.shortfall),
        "short_by_part": {key: _number(value) for key, value in plan.domains_short.items()},
        "effort": plan.effort, "steps": plan.step_count,
        "plan": [step_dict(step) for step in plan.steps],
        "by_agency": {agency: [step.code for step in steps]
                      for agency, steps in plan.grouped("agency")},
        "after": standing_dict(plan.after),
        "not_plannable": list(plan.not_plannable),
    }


def group_plans_dict(plans: GroupPlans) -> dict:
    return {"campaign_id": plans.campaign_id, "group": plans.group,
            "target": plans.target.to_dict(),
            "plans": [plan_dict(plan) for plan in plans.plans],
            "refused": [{"unit_code": code, "unit_name": name, "reason": reason}
                        for code, name, reason in plans.refused]}
