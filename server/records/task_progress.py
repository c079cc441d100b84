"""How a campaign's PAR plan tasks stand: per plan (the unit whose plan it is) and per lead agency
(cơ quan chủ trì), tasks done on time, done late, overdue, open and cancelled, on a Vietnam
calendar day, as a grid and a workbook; and the reminders before task deadlines.

A task counts from the version that added it and leaves with the amendment that cancelled it,
each from its date of issue: on a day before an amendment, the tasks it adds are not yet in the
plan and the tasks it cancels still are (server.records.standing says where each one stands).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Campaign, ParPlan, PlanTask, SentReminder, User
from server.records.plans import PLAN_ROWS, can_read_plan
from server.records.standing import CANCELLED, TASK_STANDINGS, task_standing, vietnam_today

STANDING_LABELS = {
    "done_on_time": _l("Done on time"),
    "done_late": _l("Done late"),
    "overdue": _l("Overdue"),
    "open": _l("Not yet due"),
    "cancelled": _l("Cancelled"),
}
BY_PLAN, BY_LEAD = "plan", "lead"
WINDOWS = (1, 7)  # days before a task's deadline, most urgent first


def _issued(plan: ParPlan) -> dict[int, date]:
    return {version.number: version.issued_on for version in plan.versions}


def standing_on(task: PlanTask, day: date, issued: dict[int, date]) -> str | None:
    """Where `task` stands on `day`, None when it is not in the plan yet (added by an amendment
    issued after `day`); a cancellation counts from its amendment's date."""
    added = issued.get(task.added_in)
    if task.added_in > 1 and (added is None or added > day):
        return None
    cancelled = task.cancelled_in
    if cancelled is not None:
        when = issued.get(cancelled)
        if when is not None and when <= day:
            return CANCELLED
        task = SimpleNamespace(cancelled_in=None, status=task.status,
                               completed_on=task.completed_on, deadline=task.deadline,
                               completion_document_id=task.completion_document_id)
    if task.completed_on is not None and task.completed_on > day:
        # Not done yet on that day.
        task = SimpleNamespace(cancelled_in=None, status="open", completed_on=None,
                               deadline=task.deadline, completion_document_id=None)
    return task_standing(task, day)


@dataclass
class ProgressLine:
    key: str  # unit code
    name: str
    counts: dict = field(default_factory=lambda: {s: 0 for s in TASK_STANDINGS})

    @property
    def total(self) -> int:
        """The tasks in force (cancelled ones apart)."""
        return sum(n for s, n in self.counts.items() if s != CANCELLED)

    @property
    def done(self) -> int:
        return self.counts["done_on_time"] + self.counts["done_late"]


@dataclass
class TaskProgress:
    campaign: Campaign
    day: date
    by: str
    lines: list[ProgressLine]
    totals: ProgressLine


def task_progress(campaign: Campaign, user: User, *, by: str = BY_PLAN,
                  day: date | None = None) -> TaskProgress:
    """The grid of the plans `user` may read, one line per plan's unit (`by` BY_PLAN) or per
    lead agency (BY_LEAD; tasks without one under "-"), on `day` (Vietnam today by default)."""
    day = day or vietnam_today()
    lines: dict[str, ProgressLine] = {}
    totals = ProgressLine("", str(_l("Total")))
    plans = db.session.scalars(select(ParPlan).where(ParPlan.campaign_id == campaign.id)
                               .options(*PLAN_ROWS).order_by(ParPlan.id)).unique()
    for plan in plans:
        if not can_read_plan(user, plan):
            continue
        issued = _issued(plan)
        for task in plan.tasks:
            standing = standing_on(task, day, issued)
            if standing is None:
                continue
            unit = plan.unit if by == BY_PLAN else task.lead_unit
            key, name = (unit.code, unit.name) if unit is not None else ("-", str(_l("No lead")))
            line = lines.setdefault(key, ProgressLine(key, name))
            line.counts[standing] += 1
            totals.counts[standing] += 1
        if by == BY_PLAN:
            lines.setdefault(plan.unit.code, ProgressLine(plan.unit.code, plan.unit.name))
    return TaskProgress(campaign, day, by, [lines[k] for k in sorted(lines)], totals)


def progress_dict(report: TaskProgress) -> dict:
    def line(row: ProgressLine) -> dict:
        return {"unit_code": row.key, "name": row.name, **row.counts, "total": row.total,
                "done": row.done}

    return {"campaign_id": report.campaign.id, "day": report.day.isoformat(), "by": report.by,
            "lines": [line(row) for row in report.lines], "totals": line(report.totals)}


HEADERS = [("Mã đơn vị", 12), ("Đơn vị", 40), ("Hoàn thành đúng hạn", 12),
           ("Hoàn thành quá hạn", 12), ("Quá hạn chưa hoàn thành", 12), ("Chưa đến hạn", 12),
           ("Đã hủy", 10), ("Tổng số nhiệm vụ", 12)]


def write_progress_workbook(report: TaskProgress, target) -> None:
    """The grid as .xlsx, with Vietnamese headers whatever the request's language."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                              "align": "center", "border": 1, "bg_color": "#DDEBF7"})
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "0"})
    bold = book.add_format({"border": 1, "bold": True, "num_format": "0"})
    sheet = book.add_worksheet("Tiến độ nhiệm vụ")
    with force_locale("vi"):
        first = "Cơ quan chủ trì" if report.by == BY_LEAD else "Mã đơn vị"
        sheet.write_row(0, 0, [first] + [h for h, _w in HEADERS[1:]], header)
        sheet.set_row(0, 45)
        for column, (_h, width) in enumerate(HEADERS):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 2)
        rows = [*report.lines, report.totals]
        for index, line in enumerate(rows, 1):
            style = bold if line is report.totals else number
            sheet.write_row(index, 0, [line.key, line.name], text)
            sheet.write_row(index, 2, [line.counts[s] for s in TASK_STANDINGS] + [line.total],
                            style)
        sheet.write(len(rows) + 2, 0, f"Tính đến ngày {report.day.strftime('%d/%m/%Y')}")
    book.close()


# --- reminders -----------------------------------------------------------------------------

def due_task_reminders(today: date):
    """(task, days) for every task in force, not done, whose deadline is 1 or 7 days away or
    less, in an open campaign; the lead unit (or the plan's unit without one) hears of it."""
    tasks = db.session.scalars(
        select(PlanTask).join(ParPlan, PlanTask.plan_id == ParPlan.id)
        .join(Campaign, ParPlan.campaign_id == Campaign.id)
        .where(Campaign.state == "open", PlanTask.cancelled_in.is_(None),
               PlanTask.status != "done", PlanTask.deadline.is_not(None),
               PlanTask.deadline >= today, PlanTask.deadline <= today + timedelta(days=7))
        .order_by(PlanTask.id)).unique()
    for task in tasks:
        left = (task.deadline - today).days
        days = next((d for d in WINDOWS if left <= d), None)
        if days is not None:
            yield task, days


def send_task_reminders(now: datetime | None = None) -> int:
    """Announce each reminder due now once per task and threshold (a `sent_reminders` row,
    whose unique key makes a second run a no-op); each in its own transaction."""
    today = (now or datetime.now(UTC)).astimezone(LOCAL_TIME).date()
    sent = 0
    for task, days in list(due_task_reminders(today)):
        unit_id = task.lead_unit_id or task.plan.unit_id
        if not _claim(task, unit_id, days):
            continue
        for later in (d for d in WINDOWS if d > days):  # a 1-day one makes the 7-day pointless
            _claim(task, unit_id, later)
        emit("par_task.deadline_reminder", "par_task", task.id, unit_id=unit_id,
             after={"kind": reminder_kind(task, days), "deadline": task.deadline.isoformat()},
             extra={"days": days, "deadline": task.deadline, "title": task.title,
                    "campaign_id": task.plan.campaign_id, "plan_unit": task.plan.unit.code,
                    "lead_unit_id": unit_id})
        db.session.commit()
        sent += 1
    return sent


def reminder_kind(task: PlanTask, days: int) -> str:
    return f"task_{task.id}_{days}"


def _claim(task: PlanTask, unit_id: int, days: int) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(campaign_id=task.plan.campaign_id, unit_id=unit_id,
                                        kind=reminder_kind(task, days)))
        return True
    except IntegrityError:
        return False
