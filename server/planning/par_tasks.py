"""A target plan made into tasks of the unit's PAR plan, with one action: each step (an item to
move to a better outcome) becomes a task led by the agency given, due on the deadline given,
naming the sub-criterion it aims at (`target_codes`). The unit's PAR plan must exist already:
the plan is the unit's decision, not the planner's."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.events import emit
from server.extensions import db
from server.models import Campaign, ParPlan, PlanTask, User
from server.planning.planner import Plan, Step
from server.planning.plans import plan_for_unit
from server.planning.targets import Target
from server.records.plans import RecordError, _actor, current_number, unit_by_code, writable_plan
from server.records.tasks import TaskFields, new_task, task_problems


def step_title(step: Step) -> str:
    """The task's title: the sub-criterion and the outcome to reach."""
    return str(_l("%(code)s %(title)s: reach \"%(outcome)s\"", code=step.code,
                  title=step.title, outcome=step.to_label))


def tasks_from_plan(campaign: Campaign, plan: Plan, user: User, *, lead_unit_code: str,
                    deadline: date | None) -> list[PlanTask]:
    """Add the steps of `plan` (a target plan of one unit) as tasks of that unit's PAR plan;
    409 when the unit has no PAR plan yet or the plan has no step."""
    unit = unit_by_code(plan.unit_code)
    par_plan = None if unit is None else db.session.scalar(
        select(ParPlan).filter_by(campaign_id=campaign.id, unit_id=unit.id))
    if par_plan is None:
        raise RecordError(_l("Unit %(code)s has no PAR plan in this campaign yet: create it "
                             "first.", code=plan.unit_code), 409, "unit")
    writable_plan(par_plan, user)
    if not plan.steps:
        raise RecordError(_l("The target plan has no step to make a task of."), 409, "target")
    if not (lead_unit_code or "").strip():
        raise RecordError(_l("The lead agency is required."), 422, "lead_unit")
    if deadline is None:
        raise RecordError(_l("The deadline is required."), 422, "deadline")
    fields = [TaskFields(title=step_title(step), expected_result=str(step.to_label),
                         domain=step.domain_code, lead_unit_code=lead_unit_code,
                         deadline=deadline, target_codes=[step.code])
              for step in plan.steps]
    problems = task_problems(par_plan, fields[0])
    if problems:
        field_name, message = next(iter(problems.items()))
        raise RecordError(message, 422, field_name)
    number = current_number(par_plan)
    tasks = [new_task(par_plan, one, number) for one in fields]
    db.session.flush()
    emit("par_plan.tasks_from_target", "par_plan", par_plan.id, unit_id=par_plan.unit_id,
         actor_id=_actor(user), after={"target": plan.target.text(),
                                       "tasks": [task.id for task in tasks],
                                       "target_codes": [step.code for step in plan.steps],
                                       "lead_unit": lead_unit_code, "added_in": number,
                                       "deadline": deadline.isoformat()})
    return tasks


def make_tasks(campaign: Campaign, unit_code: str, target: Target, user: User, *,
               lead_unit_code: str, deadline: date | None) -> list[PlanTask]:
    """The unit's target plan towards `target`, made into tasks of its PAR plan."""
    plan = plan_for_unit(campaign, unit_code, target, user)
    return tasks_from_plan(campaign, plan, user, lead_unit_code=lead_unit_code,
                           deadline=deadline)
