"""A plan's task table as the plan's appendix writes it (STT, Nhiệm vụ, Kết quả/Sản phẩm, Lĩnh vực,
Cơ quan chủ trì, Cơ quan phối hợp, Thời hạn hoàn thành): imported from .xlsx or .csv, all or
nothing with every bad row named (row, column, problem), and exported in the same layout, so an
exported table imports again as it was.

An import runs as a job (like the unit list's, server.people.import_jobs): the request checks
who asks, the phase and the file's bounds, the worker reads every row and adds all the tasks in
its one transaction, or fails naming every bad row.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from server.events import emit
from server.extensions import db
from server.jobs.kinds import bad_rows, job_kind
from server.jobs.runner import progress, submit
from server.models import Job, ParPlan, PlanTask, User
from server.records.plans import RecordError, _actor, current_number, writable_plan
from server.records.tasks import TaskFields, domain_codes, new_task, task_problems
from server.table_files import RowProblem, TableFileError, cell_text, check_table_file, read_table

KIND = "par-task-import"
MAX_TASK_ROWS = 2000

# column key -> the header written, and the other ways plans write it (compared folded).
COLUMNS = {
    "number": ("STT", ("tt", "so tt", "so thu tu")),
    "title": ("Nhiệm vụ", ("nhiem vu", "ten nhiem vu", "noi dung", "noi dung nhiem vu")),
    "expected_result": ("Kết quả/Sản phẩm", ("ket qua", "san pham", "ket qua/san pham",
                                             "ket qua, san pham", "san pham/ket qua",
                                             "ket qua san pham", "san pham dau ra")),
    "domain": ("Lĩnh vực", ("linh vuc",)),
    "lead_unit_code": ("Cơ quan chủ trì", ("co quan chu tri", "don vi chu tri", "chu tri")),
    "cooperating": ("Cơ quan phối hợp", ("co quan phoi hop", "don vi phoi hop", "phoi hop")),
    "deadline": ("Thời hạn hoàn thành", ("thoi han hoan thanh", "thoi gian hoan thanh",
                                         "thoi han", "thoi gian")),
}
HEADERS = [header for header, _others in COLUMNS.values()]
SHEET = "Nhiệm vụ"


class TaskImportError(TableFileError):
    """The bad rows of a task table; nothing was added."""


@dataclass(frozen=True)
class TaskRowProblem(RowProblem):
    """A row problem that names its column too."""

    column: str = ""

    def to_dict(self) -> dict:
        return {**super().to_dict(), "column": self.column}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").casefold()
    return re.sub(r"\s+", " ", text).strip(" .:")


def _header_map(header: list) -> dict[str, int]:
    known = {}
    for key, (written, others) in COLUMNS.items():
        for name in (written, *others):
            known[_fold(name)] = key
    columns = {}
    for index, cell in enumerate(header):
        key = known.get(_fold(cell or ""))
        if key is not None and key not in columns:
            columns[key] = index
    return columns


_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTH_END = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30,
              12: 31}


def _month_end(year: int, month: int) -> date:
    leap = month == 2 and (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
    return date(year, month, _MONTH_END[month] + leap)


def parse_deadline(value, year: int) -> date | None:
    """A deadline as plans write it: a date cell, dd/mm/yyyy, yyyy-mm-dd, "Tháng 6/2026" or
    "Tháng 6" (end of month), "Quý II/2026" (end of quarter), "Năm 2026", "6 tháng đầu năm",
    "Thường xuyên"/"Cả năm" (the year's end); None for an empty cell; ValueError else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _fold(str(value))
    if not text:
        return None
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if found:
        return date(int(found[3]), int(found[2]), int(found[1]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    found = re.fullmatch(r"thang (\d{1,2})(?:[/ -](?:nam )?(\d{4}))?", text)
    if found and 1 <= int(found[1]) <= 12:
        return _month_end(int(found[2] or year), int(found[1]))
    found = re.fullmatch(r"quy (iv|iii|ii|i|[1-4])(?:[/ -](?:nam )?(\d{4}))?", text)
    if found:
        return _month_end(int(found[2] or year), 3 * _QUARTER[found[1]])
    if text in ("6 thang dau nam", "6 thang"):
        return date(year, 6, 30)
    found = re.fullmatch(r"nam (\d{4})", text)
    if found:
        return date(int(found[1]), 12, 31)
    if text in ("thuong xuyen", "ca nam", "trong nam", "hang nam"):
        return date(year, 12, 31)
    raise ValueError(value)


def _codes(text: str) -> list[str]:
    return [code.strip() for code in re.split(r"[;,\n]", text or "") if code.strip()]


def read_task_rows(plan: ParPlan, filename: str, content: bytes) -> list[TaskFields]:
    """Every row of the table as task fields, or TaskImportError naming every bad row."""
    header, rows = read_table(filename, content, max_rows=MAX_TASK_ROWS)
    columns = _header_map(header)
    missing = [COLUMNS[key][0] for key in ("title",) if key not in columns]
    if missing:
        raise TaskImportError([TaskRowProblem(1, "missing_column", str(
            f"the header has no column {', '.join(missing)}"), column=missing[0])])
    year = plan.campaign.year if getattr(plan, "campaign", None) else date.today().year
    domains = domain_codes(plan)
    problems: list[RowProblem] = []
    accepted = []
    for number, cells in rows:
        def text(key, cells=cells):
            return cell_text(cells, columns[key]) if key in columns else ""

        raw_deadline = (cells[columns["deadline"]] if "deadline" in columns
                        and columns["deadline"] < len(cells) else None)
        deadline = None
        try:
            deadline = parse_deadline(raw_deadline, year)
        except ValueError:
            problems.append(TaskRowProblem(number, "not_a_date", str(
                f"{COLUMNS['deadline'][0]}: {raw_deadline!s} is not a date (dd/mm/yyyy, "
                "Tháng M/YYYY, Quý I/YYYY)"), column=COLUMNS["deadline"][0]))
        fields = TaskFields(title=text("title"), expected_result=text("expected_result"),
                            domain=text("domain"), lead_unit_code=text("lead_unit_code"),
                            cooperating=_codes(text("cooperating")), deadline=deadline,
                            number=_number(cells, columns))
        for key, message in task_problems(plan, fields, domains).items():
            column = COLUMNS.get({"lead_unit": "lead_unit_code"}.get(key, key), (key,))[0]
            problems.append(TaskRowProblem(number, f"bad_{key}", f"{column}: {message}",
                                           column=column))
        accepted.append(fields)
    if not accepted and not problems:
        problems.append(TaskRowProblem(0, "empty", "the table has no task", column=""))
    if problems:
        raise TaskImportError(problems)
    return accepted


def _number(cells, columns) -> str:
    if "number" not in columns or columns["number"] >= len(cells):
        return ""
    value = cells[columns["number"]]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def import_tasks(plan: ParPlan, filename: str, content: bytes, user: User) -> list[PlanTask]:
    """Add every task of the table to the plan's last version, or none (TaskImportError)."""
    writable_plan(plan, user)
    rows = read_task_rows(plan, filename, content)
    number = current_number(plan)
    tasks = [new_task(plan, fields, number) for fields in rows]
    db.session.flush()
    emit("par_plan.import_tasks", "par_plan", plan.id, unit_id=plan.unit_id,
         actor_id=_actor(user), after={"filename": filename, "tasks": len(tasks),
                                       "added_in": number})
    return tasks


def queue_task_import(plan: ParPlan, filename: str, content: bytes, user: User) -> Job:
    """The job that imports the table into the plan, queued when the caller commits: refused
    at once for a reader (403), out of the records phase (409), or a file of another kind, too
    large or with too many rows (TaskImportError, row 0)."""
    writable_plan(plan, user)
    try:
        check_table_file(filename, content, max_rows=MAX_TASK_ROWS)
    except TableFileError as error:
        raise TaskImportError(error.problems) from error
    digest = hashlib.sha256(content).hexdigest()
    last = db.session.scalar(select(func.max(Job.id)).where(
        Job.kind == KIND, Job.state == "done")) or 0
    return submit(KIND, f"{KIND}:{plan.id}:{digest}:after-{last}", created_by=_actor(user),
                  campaign_id=plan.campaign_id, unit_id=plan.unit_id,
                  params={"filename": filename, "sha256": digest, "plan_id": plan.id},
                  payload=content)


@job_kind(KIND)
def run_task_import(job: Job) -> str:
    from server.jobs.kinds import JobFailed

    plan = db.session.get(ParPlan, job.params["plan_id"])
    user = db.session.get(User, job.created_by) if job.created_by else None
    if plan is None:
        raise JobFailed("the plan no longer exists")
    try:
        tasks = import_tasks(plan, job.params["filename"], job.payload, user or _Console())
    except TableFileError as error:
        raise bad_rows(error.problems) from error
    except RecordError as error:
        raise JobFailed(str(error.message)) from error
    job.params = {**job.params, "result": {"created": len(tasks)}}
    progress(job, len(tasks), len(tasks))
    return current_app.url_map.bind("localhost").build(
        "web.par_plan_page", {"campaign_id": plan.campaign_id, "unit_code": plan.unit.code})


class _Console:
    """The command line, which acts as an administrator (no user row)."""

    id = None
    is_authenticated = True
    memberships = ()

    def has_role(self, role: str) -> bool:
        return role == "admin"




def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def write_task_table(plan: ParPlan, target, *, with_cancelled: bool = False) -> None:
    """The plan's tasks in force (with the cancelled ones marked, when asked) in the import
    layout, as .xlsx: `target` a path or a binary file."""
    import xlsxwriter

    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                              "align": "center", "border": 1, "bg_color": "#DDEBF7"})
    wrap = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(SHEET)
    headers = HEADERS + (["Bị hủy ở lần điều chỉnh"] if with_cancelled else [])
    sheet.write_row(0, 0, headers, header)
    for column, width in enumerate((6, 50, 36, 10, 16, 24, 16, 12)[:len(headers)]):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    row = 1
    for task in plan.tasks:
        if task.cancelled_in is not None and not with_cancelled:
            continue
        values = [task.number, task.title, task.expected_result, task.domain,
                  task.lead_unit.code if task.lead_unit else "", "; ".join(task.cooperating or []),
                  _day(task.deadline)]
        if with_cancelled:
            values.append(task.cancelled_in or "")
        sheet.write_row(row, 0, values, wrap)
        row += 1
    book.close()
