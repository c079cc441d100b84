"""PAR plans and their tasks through the services: created, issued late or on time, amended
(tasks added and cancelled, history kept), tasks checked, done with their evidence, taken over
from the plan above; every write allowed by the phase, authorized per unit and audited."""

from datetime import UTC, date, datetime, timedelta

import pytest

from server.extensions import db
from server.models import ParPlan, PlanTask
from server.records.plans import (
    RecordError,
    VersionFields,
    campaign_plans,
    create_plan,
    issue_version,
    plan_of,
)
from server.records.standing import CANCELLED, DONE_LATE, DONE_ON_TIME, OPEN, task_standing
from server.records.tasks import TaskFields, add_task, edit_task, mark_done, take_over
from tests.records.par_plan_data import build_world, document, events, issued_plan, task


@pytest.fixture
def world(make):
    return build_world(make)


def test_a_plan_issued_after_its_due_day_shows_late_and_one_issued_on_time_does_not(world):
    late = issued_plan(world, "province", due=date(2026, 1, 31), issued=date(2026, 2, 3))
    on_time = issued_plan(world, "justice", due=date(2026, 2, 15), issued=date(2026, 2, 10))
    create_plan(world["campaign"], "STC", world["admin"], due_on=date(2026, 2, 15))
    db.session.commit()
    rows = {row.plan.unit.code: row.issued
            for row in campaign_plans(world["campaign"], world["viewer"])}
    assert rows == {"QB": "late", "STP": "on_time", "STC": "missing"}
    assert late.versions[0].number == 1 and on_time.versions[0].decision_number == "15/KH-UBND"
    assert [e.unit_id for e in events("par_plan.issue")] == [world["province"].id,
                                                              world["justice"].id]


def test_a_unit_sees_its_own_plan_and_not_another_units(world):
    issued_plan(world, "province")
    issued_plan(world, "justice")
    seen = [row.plan.unit.code for row in campaign_plans(world["campaign"],
                                                         world["justice_editor"])]
    assert seen == ["STP"]
    with pytest.raises(RecordError) as refused:
        plan_of(world["campaign"], "QB", world["finance_head"])
    assert refused.value.status == 404


def test_only_the_units_people_and_administrators_create_and_write_its_plan(world):
    campaign = world["campaign"]
    with pytest.raises(RecordError) as refused:
        create_plan(campaign, "QB", world["justice_editor"])
    assert refused.value.status == 403
    with pytest.raises(RecordError) as refused:
        create_plan(campaign, "QB", world["viewer"])
    assert refused.value.status == 403
    plan = create_plan(campaign, "STP", world["justice_editor"])
    db.session.commit()
    with pytest.raises(RecordError) as refused:
        add_task(plan, TaskFields(title="Rà soát TTHC"), world["finance_head"])
    assert refused.value.status == 403
    with pytest.raises(RecordError) as twice:
        create_plan(campaign, "STP", world["admin"])
    assert twice.value.status == 409 and twice.value.field == "unit_code"


@pytest.mark.parametrize("phase", [
    {"state": "draft"},
    {"state": "closed"},
    {"state": "open", "closes_at": datetime.now(UTC) - timedelta(days=1)},
    {"state": "open", "records_open": datetime.now(UTC) + timedelta(days=3)},
])
def test_writes_are_refused_outside_the_records_phase(make, phase):
    campaign = make.campaign(2026, **phase)
    unit = make.unit("QB", level="province", group="province")
    editor = make.user("unit_editor", unit)
    with pytest.raises(RecordError) as refused:
        create_plan(campaign, "QB", editor)
    assert refused.value.status == 409 and refused.value.field == "campaign"
    assert db.session.scalar(db.select(db.func.count(ParPlan.id))) == 0


def test_the_issuing_document_must_be_the_units_evidence_in_the_same_campaign(world, make):
    campaign = world["campaign"]
    plan = create_plan(campaign, "QB", world["admin"])
    foreign = document(campaign, world["justice"], "9/QĐ-STP", date(2026, 1, 5))
    other_year = document(make.campaign(2025), world["province"], "1/KH", date(2025, 1, 5))
    for doc in (foreign, other_year):
        with pytest.raises(RecordError) as refused:
            issue_version(plan, VersionFields("15/KH-UBND", date(2026, 1, 5), doc.id),
                          world["admin"])
        assert refused.value.field == "document_id" and refused.value.status == 422
    with pytest.raises(RecordError) as refused:
        issue_version(plan, VersionFields("", None), world["admin"])
    assert refused.value.field == "decision_number"


def test_an_amendment_adds_and_cancels_tasks_and_keeps_the_history(world):
    plan = issued_plan(world, "province", issued=date(2026, 1, 20))
    kept = task(plan, world, "Rà soát văn bản QPPL", deadline=date(2026, 6, 30))
    dropped = task(plan, world, "Tổ chức hội nghị", deadline=date(2026, 5, 30))
    amendment = document(world["campaign"], world["province"], "80/KH-UBND", date(2026, 4, 2))
    version = issue_version(plan, VersionFields("80/KH-UBND", date(2026, 4, 2), amendment.id,
                                                "Điều chỉnh lần 1", [dropped.id]),
                            world["admin"])
    added = task(plan, world, "Số hóa hồ sơ TTHC", deadline=date(2026, 9, 30))
    db.session.commit()
    assert version.number == 2
    assert (kept.added_in, kept.cancelled_in) == (1, None)
    assert (dropped.added_in, dropped.cancelled_in) == (1, 2)
    assert (added.added_in, added.cancelled_in) == (2, None)
    assert db.session.scalar(db.select(db.func.count(PlanTask.id))) == 3  # nothing deleted
    assert task_standing(dropped, date(2026, 4, 3)) == CANCELLED
    assert [e.after["cancelled"] for e in events("par_plan.amend")] == [[dropped.id]]
    with pytest.raises(RecordError) as again:  # a cancelled task is not cancelled twice
        issue_version(plan, VersionFields("81/KH", date(2026, 5, 1), None, "", [dropped.id]),
                      world["admin"])
    assert again.value.field == "cancel"
    with pytest.raises(RecordError) as earlier:
        issue_version(plan, VersionFields("82/KH", date(2026, 3, 1)), world["admin"])
    assert earlier.value.field == "issued_on"


def test_a_tasks_domain_lead_and_cooperating_units_are_checked(world):
    plan = issued_plan(world, "province")  # province-2020: domains are checked
    with pytest.raises(RecordError) as refused:
        add_task(plan, TaskFields(title="X", domain="99", lead_unit_code="NOPE",
                                  cooperating=["STC", "ZZZ"]), world["admin"])
    assert set(refused.value.problems) == {"domain", "lead_unit", "cooperating"}
    made = add_task(plan, TaskFields(title="Cải cách TTHC", domain="3", lead_unit_code="STP",
                                     cooperating=["STC"], deadline=date(2026, 6, 30)),
                    world["admin"])
    assert made.lead_unit.code == "STP" and made.cooperating == ["STC"]
    free = issued_plan(world, "justice")  # the department group is not pinned: free text
    assert add_task(free, TaskFields(title="Y", domain="Thể chế"), world["admin"]).domain \
        == "Thể chế"


def test_the_lead_unit_marks_its_task_done_with_its_evidence_dated_by_the_document(world):
    plan = issued_plan(world, "province")
    job = task(plan, world, "Rà soát TTHC", lead="STP", deadline=date(2026, 6, 30))
    other = task(plan, world, "Kiểm tra CCHC", lead="STC", deadline=date(2026, 3, 31))
    theirs = document(world["campaign"], world["justice"], "45/BC-STP", date(2026, 6, 12))
    stranger = document(world["campaign"], world["finance"], "7/BC-STC", date(2026, 6, 1))
    with pytest.raises(RecordError) as refused:  # STP does not lead the other task
        mark_done(other, theirs.id, world["justice_editor"])
    assert refused.value.status == 403
    with pytest.raises(RecordError) as refused:  # evidence of a unit with no part in it
        mark_done(job, stranger.id, world["justice_editor"])
    assert refused.value.field == "document_id"
    with pytest.raises(RecordError) as refused:
        mark_done(job, None, world["justice_editor"])
    assert refused.value.field == "document_id"
    mark_done(job, theirs.id, world["justice_editor"])
    db.session.commit()
    assert (job.status, job.completed_on) == ("done", date(2026, 6, 12))
    assert task_standing(job, date(2026, 7, 1)) == DONE_ON_TIME
    late = document(world["campaign"], world["finance"], "9/BC-STC", date(2026, 4, 20))
    mark_done(other, late.id, world["finance_head"])
    assert task_standing(other, date(2026, 7, 1)) == DONE_LATE
    assert [e.unit_id for e in events("par_task.done")] == [world["province"].id] * 2
    # Edited and kept done: the completion stays; an open task cannot be made done so.
    edit_task(job, TaskFields(title="Rà soát, đánh giá TTHC", lead_unit_code="STP",
                              deadline=job.deadline, status="done"), world["admin"])
    assert (job.title, job.completed_on) == ("Rà soát, đánh giá TTHC", date(2026, 6, 12))
    fresh = task(plan, world, "Chưa làm")
    with pytest.raises(RecordError) as not_so:
        edit_task(fresh, TaskFields(title="Chưa làm", status="done"), world["admin"])
    assert not_so.value.field == "status"
    # Edited back to open: the completion goes.
    edit_task(job, TaskFields(title=job.title, lead_unit_code="STP",
                              deadline=job.deadline, status="open"), world["admin"])
    assert job.completed_on is None and task_standing(job, date(2026, 6, 1)) == OPEN


def test_a_unit_takes_over_the_tasks_the_plan_above_assigns_to_it_once(world):
    above = issued_plan(world, "province")
    mine = task(above, world, "Rà soát TTHC", lead="STP", deadline=date(2026, 6, 30))
    task(above, world, "Kiểm tra", lead="STC")
    plan = create_plan(world["campaign"], "STP", world["justice_editor"],
                       parent_unit_code="QB")
    copies = take_over(plan, world["justice_editor"])
    db.session.commit()
    assert [(c.title, c.inherited_from_id, c.lead_unit_id, c.deadline) for c in copies] == [
        ("Rà soát TTHC", mine.id, world["justice"].id, date(2026, 6, 30))]
    with pytest.raises(RecordError) as again:
        take_over(plan, world["justice_editor"], [mine.id])
    assert again.value.field == "task_ids"
    assert take_over(plan, world["justice_editor"]) == []
    orphan = create_plan(world["campaign"], "STC", world["finance_head"])
    with pytest.raises(RecordError) as none_above:
        take_over(orphan, world["finance_head"])
    assert none_above.value.status == 409
