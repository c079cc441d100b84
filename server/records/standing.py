"""Where a task or a report stands: the one definition the progress grids, the reminders and the
record-fed answers share (docs/records.md).

- A plan's tasks are those of its last version: every task not cancelled (`cancelled_in` unset).
  An amendment's added tasks count from its date; cancelled ones leave the plan, but stay in
  its history.
- A task is done when it is marked done with its completion evidence (a document and its date);
  done on time when that date is on or before its deadline, late when after; an unfinished task
  is overdue once its deadline has passed.
- A report is on time when its document's date (not the upload time) is on or before the due
  day; for a report received outside ParIndex the date the administrator recorded counts.
- A plan is issued on time when its first version is dated on or before the plan's due day.
"""

from datetime import UTC, date, datetime

from server.config import LOCAL_TIME
from server.models import ParPlan, PlanTask, ReportSubmission

DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
OVERDUE = "overdue"
OPEN = "open"
CANCELLED = "cancelled"
TASK_STANDINGS = (DONE_ON_TIME, DONE_LATE, OVERDUE, OPEN, CANCELLED)


def vietnam_today(now: datetime | None = None) -> date:
    """Today (or `now`) on the Vietnam calendar: deadlines and due days are such dates."""
    return (now or datetime.now(UTC)).astimezone(LOCAL_TIME).date()


def live_tasks(plan: ParPlan) -> list[PlanTask]:
    """The tasks of the plan's last version, in the plan's order."""
    return [task for task in plan.tasks if task.cancelled_in is None]


def is_done(task: PlanTask) -> bool:
    """Done with its completion evidence: status done, a completion document and its date."""
    return (task.status == "done" and task.completion_document_id is not None
            and task.completed_on is not None)


def task_standing(task: PlanTask, today: date) -> str:
    """One of TASK_STANDINGS for `task` on the Vietnam calendar day `today`."""
    if task.cancelled_in is not None:
        return CANCELLED
    if is_done(task):
        if task.deadline is None or task.completed_on <= task.deadline:
            return DONE_ON_TIME
        return DONE_LATE
    if task.deadline is not None and task.deadline < today:
        return OVERDUE
    return OPEN


def document_date(submission: ReportSubmission) -> date | None:
    """The date a report counts from: its signed document's date, or for a report received
    outside ParIndex the date the administrator recorded."""
    if submission.received_outside:
        return submission.received_on
    return submission.document.issued_on if submission.document is not None else None


def report_on_time(submission: ReportSubmission) -> bool:
    day = document_date(submission)
    return day is not None and day <= submission.period.due_on


def plan_issued_state(plan: ParPlan | None) -> str:
    """"on_time", "late" or "missing": whether the plan's first version was issued by its due
    day (a plan with no due day set is on time once issued)."""
    if plan is None or not plan.versions:
        return "missing"
    issued = plan.versions[0].issued_on
    return "on_time" if plan.due_on is None or issued <= plan.due_on else "late"
