"""A unit's PAR plan (Kế hoạch CCHC) for a campaign year: created with its due day and the plan
above it, issued (version 1) and amended (điều chỉnh kế hoạch, versions 2, 3...) with the
decision, its date and its signed document. Versions are only added: an amendment adds tasks
(`added_in` its number) and cancels tasks (`cancelled_in` its number), it never deletes any.

Who may do what (server.people.permissions): the plan's unit editors and heads write its plan,
administrators every plan; whoever may read the unit reads its plan, and a task's lead unit
reads the plan that gives it the task. Every write is allowed by the campaign's phase
(`may_keep_records`, 409 otherwise), names its unit in one audit event, and is committed by the
caller in one transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.campaigns.phases import may_keep_records
from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Campaign, EvidenceDocument, ParPlan, PlanTask, PlanVersion, Unit, User
from server.people.permissions import can_edit_unit, can_read_unit, own_unit_ids
from server.records.standing import plan_issued_state


class RecordError(Exception):
    """A records write or read refused: `status` the HTTP status, `field` the part at fault."""

    def __init__(self, message, status: int = 422, field: str = ""):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field


# --- reading and authorization ------------------------------------------------------------

def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role("admin")


def can_write_plan(user: User, plan: ParPlan) -> bool:
    """The plan's own unit editors and heads, and administrators."""
    return is_admin(user) or can_edit_unit(user, plan.unit_id)


def can_read_plan(user: User, plan: ParPlan) -> bool:
    """Whoever may read the plan's unit, and the people of a unit that leads one of its tasks."""
    if can_read_unit(user, plan.unit_id):
        return True
    mine = own_unit_ids(user)
    return bool(mine) and any(task.lead_unit_id in mine for task in plan.tasks)


def can_mark_done(user: User, task: PlanTask) -> bool:
    """The plan's writers, and the editors and heads of the task's lead unit."""
    return can_write_plan(user, task.plan) or (
        task.lead_unit_id is not None and can_edit_unit(user, task.lead_unit_id))


def check_phase(campaign: Campaign, now: datetime | None = None) -> None:
    """409 unless units may keep this year's records now."""
    if not may_keep_records(campaign, now):
        if campaign.state == "draft":
            message = _l("The campaign is not open yet; plans cannot be kept.")
        elif campaign.records_open is not None and campaign.state == "open" and (
                (now or datetime.now(LOCAL_TIME)) < campaign.records_open):
            message = _l("Records are kept from %(when)s (Vietnam time).",
                         when=campaign.records_open.astimezone(LOCAL_TIME)
                         .strftime("%d/%m/%Y %H:%M"))
        else:
            message = _l("The campaign is closed; its plans take no more changes.")
        raise RecordError(message, 409, "campaign")


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).filter_by(code=(code or "").strip()))


def plan_of(campaign: Campaign, unit_code: str, user: User) -> ParPlan:
    """The plan of the unit `unit_code` in `campaign`, when `user` may read it (404 else)."""
    unit = unit_by_code(unit_code)
    plan = None if unit is None else db.session.scalar(
        select(ParPlan).filter_by(campaign_id=campaign.id, unit_id=unit.id))
    if plan is None or not can_read_plan(user, plan):
        raise RecordError(_l("No PAR plan of unit %(code)s you may read in this campaign.",
                             code=unit_code), 404, "unit")
    return plan


def writable_plan(plan: ParPlan, user: User) -> ParPlan:
    """`plan` when `user` may write it now: 403 for a reader, 409 out of the records phase."""
    if not can_write_plan(user, plan):
        raise RecordError(_l("Only the unit's editors and heads, or an administrator, change "
                             "its PAR plan."), 403, "unit")
    check_phase(db.session.get(Campaign, plan.campaign_id))
    return plan


# A list of plans reads their versions and tasks (with each task's lead unit) in one query
# each, not one per plan.
PLAN_ROWS = (selectinload(ParPlan.versions), selectinload(ParPlan.tasks))


@dataclass(frozen=True)
class PlanRow:
    plan: ParPlan
    issued: str  # standing.plan_issued_state: on_time, late, missing
    tasks: int  # tasks of the last version
    cancelled: int


def campaign_plans(campaign: Campaign, user: User) -> list[PlanRow]:
    """The campaign's plans `user` may read, by unit code, with whether each was issued late."""
    plans = db.session.scalars(select(ParPlan).join(Unit, ParPlan.unit_id == Unit.id)
                               .where(ParPlan.campaign_id == campaign.id)
                               .options(*PLAN_ROWS).order_by(Unit.code)).unique()
    rows = []
    for plan in plans:
        if not can_read_plan(user, plan):
            continue
        cancelled = sum(task.cancelled_in is not None for task in plan.tasks)
        rows.append(PlanRow(plan, plan_issued_state(plan), len(plan.tasks) - cancelled,
                            cancelled))
    return rows


def plan_record(plan: ParPlan) -> dict:
    """The plan as plain data (API, audit)."""
    return {
        "id": plan.id, "campaign_id": plan.campaign_id, "unit_code": plan.unit.code,
        "unit_name": plan.unit.name, "title": plan.title,
        "due_on": plan.due_on.isoformat() if plan.due_on else None,
        "parent_unit_code": plan_parent_code(plan),
        "issued": plan_issued_state(plan),
        "versions": [version_record(version) for version in plan.versions],
    }


def plan_parent_code(plan: ParPlan) -> str | None:
    if plan.parent_id is None:
        return None
    parent = db.session.get(ParPlan, plan.parent_id)
    return parent.unit.code if parent is not None else None


def version_record(version: PlanVersion) -> dict:
    return {"number": version.number, "decision_number": version.decision_number,
            "issued_on": version.issued_on.isoformat(), "document_id": version.document_id,
            "note": version.note, "amendment": version.number > 1}


# --- writes --------------------------------------------------------------------------------

def document_for(document_id: int | None, campaign_id: int, unit_ids: set[int],
                 field_name: str) -> EvidenceDocument | None:
    """The evidence document `document_id` when it belongs to one of `unit_ids` in the campaign;
    None for no id; 422 naming `field_name` otherwise."""
    if document_id in (None, ""):
        return None
    document = db.session.get(EvidenceDocument, int(document_id))
    if document is None or document.campaign_id != campaign_id or \
            document.unit_id not in unit_ids:
        raise RecordError(_l("Document %(id)s is not evidence of this unit in this campaign.",
                             id=document_id), 422, field_name)
    return document


def create_plan(campaign: Campaign, unit_code: str, user: User, *, title: str = "",
                due_on: date | None = None, parent_unit_code: str | None = None) -> ParPlan:
    """Create the unit's plan for the campaign (one a unit a year)."""
    unit = unit_by_code(unit_code)
    if unit is None:
        raise RecordError(_l("Unknown unit %(code)s.", code=unit_code), 422, "unit_code")
    if not (is_admin(user) or can_edit_unit(user, unit.id)):
        raise RecordError(_l("Only the unit's editors and heads, or an administrator, create "
                             "its PAR plan."), 403, "unit_code")
    check_phase(campaign)
    if db.session.scalar(select(ParPlan.id).filter_by(campaign_id=campaign.id,
                                                      unit_id=unit.id)) is not None:
        raise RecordError(_l("Unit %(code)s already has a PAR plan in this campaign.",
                             code=unit.code), 409, "unit_code")
    parent = None
    if parent_unit_code:
        parent_unit = unit_by_code(parent_unit_code)
        parent = None if parent_unit is None else db.session.scalar(
            select(ParPlan).filter_by(campaign_id=campaign.id, unit_id=parent_unit.id))
        if parent is None:
            raise RecordError(_l("Unit %(code)s has no PAR plan in this campaign.",
                                 code=parent_unit_code), 422, "parent_unit_code")
        if parent_unit.id == unit.id:
            raise RecordError(_l("A plan cannot be its own parent."), 422, "parent_unit_code")
    plan = ParPlan(campaign_id=campaign.id, unit_id=unit.id, title=(title or "").strip(),
                   due_on=due_on, parent_id=parent.id if parent else None,
                   created_by=getattr(user, "id", None))
    db.session.add(plan)
    db.session.flush()
    emit("par_plan.create", "par_plan", plan.id, unit_id=unit.id, actor_id=_actor(user),
         after={"campaign_id": campaign.id, "unit": unit.code, "title": plan.title,
                "due_on": due_on.isoformat() if due_on else None,
                "parent": parent_unit_code or None})
    return plan


KEEP = object()  # edit_plan: leave this field as it is


def edit_plan(plan: ParPlan, user: User, *, title=KEEP, due_on=KEEP) -> ParPlan:
    """Change the plan's title or due day (None clears the due day)."""
    writable_plan(plan, user)
    before = {"title": plan.title, "due_on": plan.due_on.isoformat() if plan.due_on else None}
    if title is not KEEP:
        plan.title = (title or "").strip()
    if due_on is not KEEP:
        plan.due_on = due_on
    emit("par_plan.edit", "par_plan", plan.id, unit_id=plan.unit_id, actor_id=_actor(user),
         before=before, after={"title": plan.title,
                               "due_on": plan.due_on.isoformat() if plan.due_on else None})
    return plan


@dataclass
class VersionFields:
    decision_number: str
    issued_on: date | None
    document_id: int | None = None
    note: str = ""
    cancel: list[int] = field(default_factory=list)  # task ids an amendment cancels


def issue_version(plan: ParPlan, fields: VersionFields, user: User) -> PlanVersion:
    """Issue the plan (version 1) or amend it (the next number): the decision, its date, its
    document (evidence of the plan's unit in the campaign) and, for an amendment, the tasks it
    cancels. Tasks added after it count as the amendment's (`added_in` its number)."""
    writable_plan(plan, user)
    problems = []
    if not fields.decision_number.strip():
        problems.append(("decision_number", _l("The decision number is required.")))
    if fields.issued_on is None:
        problems.append(("issued_on", _l("The date of issue is required.")))
    if problems:
        raise RecordError(problems[0][1], 422, problems[0][0])
    document_for(fields.document_id, plan.campaign_id, {plan.unit_id}, "document_id")
    number = len(plan.versions) + 1
    last = plan.versions[-1] if plan.versions else None
    if last is not None and fields.issued_on < last.issued_on:
        raise RecordError(_l("An amendment cannot be dated before the version it amends "
                             "(%(day)s).", day=last.issued_on.strftime("%d/%m/%Y")),
                          422, "issued_on")
    if number == 1 and fields.cancel:
        raise RecordError(_l("Only an amendment cancels tasks."), 422, "cancel")
    tasks = {task.id: task for task in plan.tasks}
    for task_id in fields.cancel:
        task = tasks.get(int(task_id))
        if task is None or task.cancelled_in is not None:
            raise RecordError(_l("Task %(id)s is not a task of this plan in force.", id=task_id),
                              422, "cancel")
    version = PlanVersion(plan_id=plan.id, number=number,
                          decision_number=fields.decision_number.strip(),
                          issued_on=fields.issued_on, document_id=fields.document_id or None,
                          note=(fields.note or "").strip(), created_by=_actor(user))
    plan.versions.append(version)
    for task_id in fields.cancel:
        tasks[int(task_id)].cancelled_in = number
    db.session.flush()
    emit("par_plan.amend" if number > 1 else "par_plan.issue", "par_plan", plan.id,
         unit_id=plan.unit_id, actor_id=_actor(user),
         after={**version_record(version), "cancelled": sorted(int(i) for i in fields.cancel)})
    return version


def current_number(plan: ParPlan) -> int:
    """The number of the plan's last version (1 before it is issued)."""
    return plan.versions[-1].number if plan.versions else 1


def _actor(user) -> int | None:
    return getattr(user, "id", None) if getattr(user, "is_authenticated", True) else None
