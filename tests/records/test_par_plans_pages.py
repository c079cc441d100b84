"""PAR plans as pages: the campaign's list (issued late visible), a unit's plan with its history
and tasks, the forms, the progress grid and its workbook; and the command line."""

from datetime import date

import pytest

from server.extensions import db
from server.models import PlanTask
from server.records.plans import create_plan
from tests.cli.test_commands import run
from tests.helpers import csrf_token
from tests.records.par_plan_data import build_world, document, issued_plan, task


@pytest.fixture
def world(make):
    return build_world(make)


def test_a_unit_editor_creates_issues_and_fills_its_plan_through_the_pages(client, login,
                                                                          world):
    campaign = world["campaign"]
    login(world["justice_editor"])
    home = client.get("/par-plans")
    assert home.status_code == 302 and f"/campaigns/{campaign.id}/par-plans" in home.location
    page = client.get(f"/campaigns/{campaign.id}/par-plans")
    assert page.status_code == 200 and 'href="/par-plans"' in page.get_data(as_text=True)
    created = client.post(f"/campaigns/{campaign.id}/par-plans", data={
        "csrf_token": csrf_token(page), "unit_code": "STP", "due_on": "2026-01-31"})
    assert created.status_code == 302
    url = f"/campaigns/{campaign.id}/par-plans/STP"
    plan_page = client.get(url)
    assert 'id="plan-issued" class="issued-missing"' in plan_page.get_data(as_text=True)
    doc = document(campaign, world["justice"], "12/KH-STP", date(2026, 2, 3))
    token = csrf_token(plan_page)
    issued = client.post(f"{url}/versions", data={
        "csrf_token": token, "decision_number": "12/KH-STP", "issued_on": "2026-02-03",
        "document_id": str(doc.id)})
    assert issued.status_code == 302
    refused = client.post(f"{url}/tasks", data={"csrf_token": token, "title": "",
                                                "lead_unit_code": "NOPE"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'class="error"' in body
    added = client.post(f"{url}/tasks", data={
        "csrf_token": token, "title": "Rà soát TTHC", "lead_unit_code": "STP",
        "deadline": "2026-06-30", "cooperating": "STC; QB", "status": "open"})
    assert added.status_code == 302
    task_id = db.session.scalar(db.select(PlanTask.id))
    proof = document(campaign, world["justice"], "45/BC-STP", date(2026, 6, 12))
    done = client.post(f"{url}/tasks/{task_id}/done", data={
        "csrf_token": token, "document_id": str(proof.id)})
    assert done.status_code == 302
    shown = client.get(url).get_data(as_text=True)
    assert "45/BC-STP" in shown and "12/KH-STP" in shown and 'data-task="' in shown
    listing = client.get(f"/campaigns/{campaign.id}/par-plans").get_data(as_text=True)
    assert "issued-late" in listing
    grid = client.get(f"/campaigns/{campaign.id}/par-plans/progress?day=2026-07-01")
    assert grid.status_code == 200 and 'data-unit="STP"' in grid.get_data(as_text=True)
    workbook = client.get(f"/campaigns/{campaign.id}/par-plans/progress.xlsx?by=lead")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    assert client.get(f"{url}/tasks.xlsx").status_code == 200
    assert client.get(f"{url}/tasks/{task_id}").status_code == 200


def test_another_units_plan_is_404_and_readers_get_no_forms(client, login, world):
    issued_plan(world, "province")
    login(world["finance_head"])
    campaign = world["campaign"]
    assert client.get(f"/campaigns/{campaign.id}/par-plans/QB").status_code == 404
    client.get("/logout")
    login(world["viewer"])
    page = client.get(f"/campaigns/{campaign.id}/par-plans/QB")
    assert page.status_code == 200 and 'id="add-task"' not in page.get_data(as_text=True)


def test_the_command_line_keeps_a_plan(app, world, tmp_path):
    campaign = world["campaign"]
    created = run(app, "par-plans", "create", str(campaign.id), "QB", "--due", "31/01/2026")
    assert created.exit_code == 0, created.output
    doc = document(campaign, world["province"], "15/KH-UBND", date(2026, 1, 20))
    issued = run(app, "par-plans", "amend", str(campaign.id), "QB", "--decision",
                 "15/KH-UBND", "--issued", "20/01/2026", "--document", str(doc.id))
    assert issued.exit_code == 0, issued.output
    added = run(app, "par-plans", "add-task", str(campaign.id), "QB", "Rà soát TTHC",
                "--lead", "STP", "--deadline", "30/06/2026", "--domain", "3")
    assert added.exit_code == 0, added.output
    path = tmp_path / "nv.xlsx"
    exported = run(app, "par-plans", "export-tasks", str(campaign.id), "QB", str(path))
    assert exported.exit_code == 0 and path.exists()
    imported = run(app, "par-plans", "import-tasks", str(campaign.id), "QB", str(path))
    assert imported.exit_code == 0, imported.output
    assert "1 task(s) imported" in imported.output
    listed = run(app, "par-plans", "list", str(campaign.id))
    assert "QB\ton_time\t2 task(s)" in listed.output
    progress = run(app, "par-plans", "progress", str(campaign.id), "--day", "01/07/2026",
                   "--by", "lead")
    assert progress.exit_code == 0 and "STP\t0\t0\t2\t0\t0\t2" in progress.output
    refused = run(app, "par-plans", "add-task", str(campaign.id), "QB", "X", "--lead", "NOPE")
    assert refused.exit_code != 0 and "lead_unit" in refused.output
    reminded = run(app, "notify-deadlines", "--now", "2026-06-25T03:00:00")
    assert reminded.exit_code == 0 and "task reminder(s) sent" in reminded.output


def test_a_task_row_shows_where_it_stands(client, login, world):
    plan = issued_plan(world, "province")
    late = task(plan, world, "Quá hạn", lead="STP", deadline=date(2020, 1, 1))
    login(world["admin"])
    page = client.get(f"/campaigns/{world['campaign'].id}/par-plans/QB")
    assert f'data-task="{late.id}" class="standing-overdue"' in page.get_data(as_text=True)


def test_the_import_form_names_each_bad_row_and_column_on_the_jobs_page(client, login, world):
    import io

    from tests.records.test_par_plans_table import xlsx

    plan = issued_plan(world, "province")
    login(world["province_editor"])
    url = f"/campaigns/{world['campaign'].id}/par-plans/QB"
    token = csrf_token(client.get(url))
    bad = xlsx((1, "Rà soát", "", "99", "STP", "", "30/06/2026"))
    queued = client.post(f"{url}/tasks/import", data={
        "csrf_token": token, "file": (io.BytesIO(bad), "ke-hoach.xlsx")},
        content_type="multipart/form-data")
    assert queued.status_code == 302 and "/jobs/" in queued.location
    job_page = client.get(queued.location).get_data(as_text=True)
    assert "Lĩnh vực: 99" in job_page
    db.session.refresh(plan)
    assert plan.tasks == []
    good = xlsx((1, "Rà soát", "", "3", "STP", "", "30/06/2026"))
    client.post(f"{url}/tasks/import", data={
        "csrf_token": token, "file": (io.BytesIO(good), "ke-hoach.xlsx")},
        content_type="multipart/form-data")
    db.session.refresh(plan)
    assert [t.title for t in plan.tasks] == ["Rà soát"]
    empty = client.post(f"{url}/tasks/import", data={"csrf_token": token})
    assert empty.status_code == 422


def test_the_plans_title_and_due_day_are_edited_on_its_page(client, login, world):
    plan = issued_plan(world, "province", due=date(2026, 1, 31), issued=date(2026, 2, 3))
    login(world["province_editor"])
    url = f"/campaigns/{world['campaign'].id}/par-plans/QB"
    page = client.get(url)
    assert "issued-late" in page.get_data(as_text=True)
    saved = client.post(f"{url}/edit", data={"csrf_token": csrf_token(page),
                                             "title": "Kế hoạch CCHC năm 2026",
                                             "due_on": "2026-02-15"})
    assert saved.status_code == 302
    db.session.refresh(plan)
    assert (plan.title, plan.due_on) == ("Kế hoạch CCHC năm 2026", date(2026, 2, 15))
    assert "issued-on_time" in client.get(url).get_data(as_text=True)
    bad = client.post(f"{url}/edit", data={"csrf_token": csrf_token(page), "due_on": "mai"})
    assert bad.status_code == 422


def test_the_plan_above_is_linked_only_for_those_who_may_read_it(client, login, world):
    campaign = world["campaign"]
    above = issued_plan(world, "province")
    create_plan(campaign, "STC", world["admin"], parent_unit_code="QB")
    db.session.commit()
    link = f'href="/campaigns/{campaign.id}/par-plans/QB"'
    login(world["finance_head"])
    page = client.get(f"/campaigns/{campaign.id}/par-plans/STC").get_data(as_text=True)
    assert link not in page and "QB" in page  # named, not linked: STC may not read it
    assert client.get(f"/campaigns/{campaign.id}/par-plans/QB").status_code == 404
    task(above, world, "Rà soát định mức chi", lead="STC")  # now STC leads one of its tasks
    page = client.get(f"/campaigns/{campaign.id}/par-plans/STC").get_data(as_text=True)
    assert link in page
    assert client.get(f"/campaigns/{campaign.id}/par-plans/QB").status_code == 200
