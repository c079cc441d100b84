"""The tasks' progress grid (per plan and per lead agency, tasks finished early, late and never,
an amendment counted from its date), its workbook, and the reminders before task deadlines."""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from server.extensions import db
from server.models import Notification, SentReminder
from server.records.plans import VersionFields, issue_version
from server.records.task_progress import (
    BY_LEAD,
    send_task_reminders,
    task_progress,
    write_progress_workbook,
)
from server.records.tasks import mark_done
from tests.records.par_plan_data import build_world, document, issued_plan, task


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def year(world):
    """The province's plan issued 20/01/2026: A done early, B done late, C never done, D not
    yet due; amendment 1 on 02/04 cancels E and adds F."""
    campaign, admin = world["campaign"], world["admin"]
    plan = issued_plan(world, "province", issued=date(2026, 1, 20))
    tasks = {
        "A": task(plan, world, "A", lead="STP", deadline=date(2026, 6, 30)),
        "B": task(plan, world, "B", lead="STC", deadline=date(2026, 3, 31)),
        "C": task(plan, world, "C", lead="STP", deadline=date(2026, 5, 31)),
        "D": task(plan, world, "D", lead="STC", deadline=date(2026, 9, 30)),
        "E": task(plan, world, "E", lead="STP", deadline=date(2026, 5, 30)),
    }
    mark_done(tasks["A"], document(campaign, world["justice"], "45/BC-STP",
                                   date(2026, 6, 12)).id, admin)
    mark_done(tasks["B"], document(campaign, world["finance"], "9/BC-STC",
                                   date(2026, 4, 20)).id, admin)
    amendment = document(campaign, world["province"], "80/KH-UBND", date(2026, 4, 2))
    issue_version(plan, VersionFields("80/KH-UBND", date(2026, 4, 2), amendment.id, "",
                                      [tasks["E"].id]), admin)
    db.session.commit()
    tasks["F"] = task(plan, world, "F", lead="STP", deadline=date(2026, 8, 31))
    return {"plan": plan, "tasks": tasks}


def _counts(line) -> tuple:
    c = line.counts
    return (c["done_on_time"], c["done_late"], c["overdue"], c["open"], c["cancelled"])


def test_the_grid_counts_tasks_done_early_late_and_never_per_plan(world, year):
    report = task_progress(world["campaign"], world["admin"], day=date(2026, 7, 1))
    line, = [line for line in report.lines if line.key == "QB"]
    # A on time, B late, C overdue, D and F not yet due, E cancelled by the amendment.
    assert _counts(line) == (1, 1, 1, 2, 1)
    assert line.total == 5 and line.done == 2
    assert _counts(report.totals) == (1, 1, 1, 2, 1)


def test_an_amendment_counts_from_its_date(world, year):
    before = task_progress(world["campaign"], world["admin"], day=date(2026, 3, 1))
    # On 01/03 nothing is done or due, E is still in the plan and F not yet.
    assert _counts(before.totals) == (0, 0, 0, 5, 0)
    after = task_progress(world["campaign"], world["admin"], day=date(2026, 4, 2))
    # From 02/04: E cancelled, F in, B overdue (done only on 20/04).
    assert _counts(after.totals) == (0, 0, 1, 4, 1)


def test_the_grid_per_lead_agency(world, year):
    report = task_progress(world["campaign"], world["admin"], by=BY_LEAD, day=date(2026, 7, 1))
    lines = {line.key: _counts(line) for line in report.lines}
    assert lines == {"STC": (0, 1, 0, 1, 0), "STP": (1, 0, 1, 1, 1)}


def test_a_unit_sees_only_the_plans_it_may_read(world, year):
    justice = task_progress(world["campaign"], world["justice_editor"], day=date(2026, 7, 1))
    # STP leads tasks of the province's plan, so it reads that plan.
    assert [line.key for line in justice.lines] == ["QB"]
    nobody = task_progress(world["campaign"], world["reviewer"], day=date(2026, 7, 1))
    assert [line.key for line in nobody.lines] == ["QB"]  # reviewers read every plan


def test_the_workbook_holds_the_grid(world, year):
    report = task_progress(world["campaign"], world["admin"], day=date(2026, 7, 1))
    buffer = io.BytesIO()
    write_progress_workbook(report, buffer)
    rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Đơn vị", "Hoàn thành đúng hạn")
    assert rows[1][0] == "QB" and rows[1][2:8] == (1, 1, 1, 2, 1, 5)


def test_reminders_go_to_the_lead_unit_once_per_task_and_threshold(world, make):
    plan = issued_plan(world, "province")
    due = task(plan, world, "Rà soát TTHC", lead="STP", deadline=date(2026, 6, 10))
    done = task(plan, world, "Đã xong", lead="STP", deadline=date(2026, 6, 10))
    mark_done(done, document(world["campaign"], world["justice"], "1/BC",
                             date(2026, 6, 1)).id, world["admin"])
    db.session.commit()
    seven_days = datetime(2026, 6, 3, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    assert send_task_reminders(seven_days) == 1
    assert send_task_reminders(seven_days) == 0  # once
    notes = db.session.scalars(db.select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(world["justice_editor"].id,
                                                      "task_deadline_7")]
    assert "Rà soát TTHC" in notes[0].subject and "10/06/2026" in notes[0].body
    one_day = datetime(2026, 6, 9, 3, 0, tzinfo=UTC)
    assert send_task_reminders(one_day) == 1
    assert send_task_reminders(one_day) == 0
    kinds = sorted(r.kind for r in db.session.scalars(db.select(SentReminder)))
    assert kinds == [f"task_{due.id}_1", f"task_{due.id}_7"]
    assert send_task_reminders(datetime(2026, 6, 11, 3, 0, tzinfo=UTC)) == 0  # past due
