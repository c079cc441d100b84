"""The records' lists cost a fixed number of statements, however many plans, tasks and reports
a province keeps (no query per row): the plans list, the progress grid, a period's senders and
the roll-up."""

from datetime import date

import pytest

from server.extensions import db
from server.records.reports import submit_report
from server.records.schedule import default_schedule, periods, set_schedule
from tests.helpers import count_statements
from tests.records.par_plan_data import document, issued_plan, task


def _province(make, departments: int) -> dict:
    campaign = make.campaign(2026, pins=(("department", "department", "1.0.0"),))
    province = make.unit("QB", level="province", group="province")
    world = {"campaign": campaign, "province": province, "admin": make.user("admin")}
    for n in range(departments):
        unit = make.unit(f"S{n:02d}", level="department", group="department", parent=province)
        make.assessment(campaign, unit)
        world[f"S{n:02d}"] = unit
    set_schedule(campaign, default_schedule(2026), world["admin"])
    db.session.commit()
    return world


def _keep_records(world, codes):
    """Each unit of `codes`: its plan issued with three tasks (one done), its Q1 report sent."""
    q1 = next(p for p in periods(world["campaign"]) if p.key == "q1")
    for code in codes:
        plan = issued_plan(world, code)
        for n in range(3):
            made = task(plan, world, f"Nhiệm vụ {n}", lead=code, deadline=date(2026, 6, 30))
            if n == 0:
                made.status, made.completed_on = "done", date(2026, 5, 1)
        doc = document(world["campaign"], world[code], f"BC-{code}", date(2026, 3, 10))
        submit_report(q1, world[code], doc.id, {}, world["admin"])
        db.session.commit()


@pytest.mark.parametrize("page", ["/campaigns/{id}/par-plans",
                                  "/campaigns/{id}/par-plans/progress",
                                  "/campaigns/{id}/par-plans/progress?by=lead",
                                  "/campaigns/{id}/reports",
                                  "/campaigns/{id}/reports/periods/q1",
                                  "/campaigns/{id}/reports/periods/q1/rollup.xlsx"])
def test_a_records_list_costs_the_same_for_3_units_and_for_12(client, login, make, page):
    world = _province(make, 12)
    login(world["admin"])
    url = page.format(id=world["campaign"].id)
    _keep_records(world, [f"S{n:02d}" for n in range(3)])
    few = count_statements(lambda: client.get(url))
    _keep_records(world, [f"S{n:02d}" for n in range(3, 12)])
    many = count_statements(lambda: client.get(url))
    assert client.get(url).status_code == 200
    assert many <= few, (few, many)
