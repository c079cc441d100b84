"""The tasks of a PAR plan (nhiệm vụ): added, edited, marked done with their completion evidence,
and taken over from the plan above.

A task's domain is a domain code of the criteria set the campaign pins for the plan's unit
(when there is one to check against), else free text. Its lead unit (cơ quan chủ trì) and
cooperating units (cơ quan phối hợp) are unit codes. Done means completion evidence: a document
of the lead unit or of the plan's unit in the same campaign, dated; the completion date is the
document's date unless given. Where a task stands (on time, late, overdue) is
server.records.standing's to say.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import RankingError, group_criteria_set
from server.events import emit
from server.extensions import db
from server.models import Campaign, ParPlan, PlanTask, User
from server.models.records import TASK_STATES
from server.records.plans import (
    RecordError,
    _actor,
    can_mark_done,
    check_phase,
    current_number,
    document_for,
    unit_by_code,
    writable_plan,
)


@dataclass
class TaskFields:
    title: str
    expected_result: str = ""
    domain: str = ""
    lead_unit_code: str = ""
    cooperating: list[str] = field(default_factory=list)
    deadline: date | None = None
    status: str = "open"
    number: str = ""
    target_codes: list[str] = field(default_factory=list)


def domain_codes(plan: ParPlan) -> list[str] | None:
    """The domain codes of the set pinned for the plan's unit's group; None when there is none
    to check against (the domain is then free text)."""
    campaign = db.session.get(Campaign, plan.campaign_id)
    try:
        criteria_set = group_criteria_set(campaign, plan.unit.group)
    except RankingError:
        return None
    return [domain.code for domain in criteria_set.domains]


def task_problems(plan: ParPlan, fields: TaskFields,
                  domains: list[str] | None = None) -> dict[str, str]:
    """{field: message} for everything wrong with `fields` as a task of `plan`."""
    problems: dict[str, str] = {}
    if not fields.title.strip():
        problems["title"] = str(_l("The task's title is required."))
    domains = domain_codes(plan) if domains is None else domains
    if fields.domain.strip() and domains and fields.domain.strip() not in domains:
        problems["domain"] = str(_l("%(code)s is not a domain of the criteria set (%(codes)s).",
                                    code=fields.domain.strip(), codes=", ".join(domains)))
    if fields.lead_unit_code.strip() and unit_by_code(fields.lead_unit_code) is None:
        problems["lead_unit"] = str(_l("Unknown unit %(code)s.",
                                       code=fields.lead_unit_code.strip()))
    unknown = [code for code in fields.cooperating if unit_by_code(code) is None]
    if unknown:
        problems["cooperating"] = str(_l("Unknown unit(s): %(codes)s.",
                                         codes=", ".join(unknown)))
    if fields.status not in TASK_STATES or fields.status == "done":
        problems["status"] = str(_l("The status is open or in_progress; a task is done with "
                                    "its completion evidence."))
    return problems


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        field_name, message = next(iter(problems.items()))
        error = RecordError(message, 422, field_name)
        error.problems = problems
        raise error


def _cooperating(codes) -> list[str]:
    return [code.strip() for code in codes if code and code.strip()]


def task_record(task: PlanTask) -> dict:
    return {
        "id": task.id, "number": task.number, "title": task.title,
        "expected_result": task.expected_result, "domain": task.domain,
        "lead_unit_code": task.lead_unit.code if task.lead_unit else None,
        "cooperating": list(task.cooperating or []),
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "status": task.status,
        "completed_on": task.completed_on.isoformat() if task.completed_on else None,
        "completion_document_id": task.completion_document_id,
        "added_in": task.added_in, "cancelled_in": task.cancelled_in,
        "inherited_from_id": task.inherited_from_id,
        "target_codes": list(task.target_codes or []),
    }


def new_task(plan: ParPlan, fields: TaskFields, added_in: int) -> PlanTask:
    """The task (not yet audited): `fields` already checked."""
    lead = unit_by_code(fields.lead_unit_code) if fields.lead_unit_code.strip() else None
    task = PlanTask(number=fields.number.strip(), title=fields.title.strip(),
                    expected_result=fields.expected_result.strip(),
                    domain=fields.domain.strip(), lead_unit_id=lead.id if lead else None,
                    cooperating=_cooperating(fields.cooperating), deadline=fields.deadline,
                    status=fields.status, added_in=added_in,
                    target_codes=list(fields.target_codes))
    plan.tasks.append(task)
    return task


def add_task(plan: ParPlan, fields: TaskFields, user: User) -> PlanTask:
    """Add a task to the plan's last version (an amendment's task once amended)."""
    writable_plan(plan, user)
    _refuse(task_problems(plan, fields))
    task = new_task(plan, fields, current_number(plan))
    db.session.flush()
    emit("par_task.add", "par_task", task.id, unit_id=plan.unit_id, actor_id=_actor(user),
         after=task_record(task))
    return task


def edit_task(task: PlanTask, fields: TaskFields, user: User,
              row_version: int | None = None) -> PlanTask:
    """Change a task in force (a cancelled one stays as it was)."""
    writable_plan(task.plan, user)
    if row_version is not None and row_version != task.row_version:
        raise RecordError(_l("The task was changed meanwhile; reload it."), 409, "row_version")
    if task.cancelled_in is not None:
        raise RecordError(_l("A cancelled task is kept as it was."), 409, "task")
    status = fields.status
    if status == "done" and task.status == "done":
        # A done task keeps its completion; it is checked as any task in force.
        fields = TaskFields(**{**fields.__dict__, "status": "in_progress"})
    _refuse(task_problems(task.plan, fields))
    before = task_record(task)
    lead = unit_by_code(fields.lead_unit_code) if fields.lead_unit_code.strip() else None
    task.number, task.title = fields.number.strip(), fields.title.strip()
    task.expected_result, task.domain = fields.expected_result.strip(), fields.domain.strip()
    task.lead_unit_id = lead.id if lead else None
    task.cooperating = _cooperating(fields.cooperating)
    task.deadline = fields.deadline
    if status != "done":  # reopening drops the completion
        task.status, task.completed_on, task.completion_document_id = status, None, None
    db.session.flush()
    emit("par_task.edit", "par_task", task.id, unit_id=task.plan.unit_id, actor_id=_actor(user),
         before=before, after=task_record(task))
    return task


def mark_done(task: PlanTask, document_id: int | None, user: User,
              completed_on: date | None = None) -> PlanTask:
    """Mark the task done with its completion evidence: a document of the lead unit or of the
    plan's unit in the campaign; done on the document's date unless `completed_on` is given."""
    plan = task.plan
    if not can_mark_done(user, task):
        raise RecordError(_l("Only the plan's unit or the task's lead unit marks it done."),
                          403, "task")
    check_phase(db.session.get(Campaign, plan.campaign_id))
    if task.cancelled_in is not None:
        raise RecordError(_l("A cancelled task is kept as it was."), 409, "task")
    if document_id in (None, ""):
        raise RecordError(_l("The completion evidence is required."), 422, "document_id")
    units = {plan.unit_id} | ({task.lead_unit_id} if task.lead_unit_id else set())
    document = document_for(document_id, plan.campaign_id, units, "document_id")
    day = completed_on or document.issued_on
    if day is None:
        raise RecordError(_l("The document has no date of issue; give the completion date."),
                          422, "completed_on")
    before = task_record(task)
    task.status, task.completed_on, task.completion_document_id = "done", day, document.id
    db.session.flush()
    emit("par_task.done", "par_task", task.id, unit_id=plan.unit_id, actor_id=_actor(user),
         before=before, after=task_record(task),
         extra={"lead_unit_id": task.lead_unit_id})
    return task


def task_of(plan: ParPlan, task_id: int) -> PlanTask:
    task = db.session.get(PlanTask, task_id)
    if task is None or task.plan_id != plan.id:
        raise RecordError(_l("No task %(id)s in this plan.", id=task_id), 404, "task")
    return task


def inheritable_tasks(plan: ParPlan) -> list[PlanTask]:
    """The tasks of the plan above that its unit leads and that this plan has not taken over."""
    if plan.parent_id is None:
        return []
    taken = {task.inherited_from_id for task in plan.tasks if task.inherited_from_id}
    return [task for task in db.session.scalars(select(PlanTask).where(
        PlanTask.plan_id == plan.parent_id, PlanTask.lead_unit_id == plan.unit_id,
        PlanTask.cancelled_in.is_(None)).order_by(PlanTask.id)).unique()
        if task.id not in taken]


def take_over(plan: ParPlan, user: User, task_ids: list[int] | None = None) -> list[PlanTask]:
    """Copy into `plan` the tasks the plan above assigns to its unit (all of them, or those of
    `task_ids`), each naming its source; a task taken over once is not copied again."""
    writable_plan(plan, user)
    if plan.parent_id is None:
        raise RecordError(_l("This plan names no plan above it."), 409, "parent_unit_code")
    available = {task.id: task for task in inheritable_tasks(plan)}
    wanted = list(available) if not task_ids else [int(i) for i in task_ids]
    missing = [i for i in wanted if i not in available]
    if missing:
        raise RecordError(_l("Task(s) %(ids)s of the plan above are not assigned to this unit "
                             "or are taken over already.", ids=", ".join(map(str, missing))),
                          422, "task_ids")
    number = current_number(plan)
    copies = []
    for task_id in wanted:
        source = available[task_id]
        copy = PlanTask(number=source.number, title=source.title,
                        expected_result=source.expected_result, domain=source.domain,
                        lead_unit_id=plan.unit_id, cooperating=list(source.cooperating or []),
                        deadline=source.deadline, status="open", added_in=number,
                        inherited_from_id=source.id,
                        target_codes=list(source.target_codes or []))
        plan.tasks.append(copy)
        copies.append(copy)
    db.session.flush()
    emit("par_plan.take_over", "par_plan", plan.id, unit_id=plan.unit_id, actor_id=_actor(user),
         after={"taken_over": [{"task": copy.id, "from": copy.inherited_from_id}
                               for copy in copies]})
    return copies
