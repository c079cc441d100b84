"""The unit and user imports as jobs, run by a real worker: a bomb is refused before it is
queued, the same file sent twice is one job, a retry after the commit writes nothing twice, and
a file with bad rows fails at once naming every row."""

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import runner
from server.models import AuditEvent, Job, Unit, User
from server.people.import_jobs import queue_unit_import, queue_user_import
from server.people.units import HEADERS as UNIT_HEADERS
from server.people.units import UnitImportError
from server.people.user_import import HEADERS as USER_HEADERS
from server.people.user_import import UserImportError
from server.table_files import MAX_INFLATED_BYTES
from tests.helpers import csrf_token
from tests.jobs.conftest import job_state, wait_until

pytestmark = pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)

UNITS = [("QB", "UBND tỉnh Quảng Bình", "province", "province", ""),
         ("SNV", "Sở Nội vụ", "department", "department", "QB")]


def _xlsx(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_unit_list_sent_twice_is_one_job_and_a_retry_after_commit_writes_nothing_again(
        app, make, queue_app, worker):
    admin_id = make.user("admin").id
    content = _xlsx(UNIT_HEADERS, UNITS)
    with queue_app.app_context():
        first = queue_unit_import("don-vi.xlsx", content, actor_id=admin_id).id
        db.session.commit()
        again = queue_unit_import("don-vi.xlsx", content, actor_id=admin_id).id
        db.session.commit()
    assert again == first and _count(Job) == 1  # the worker is down: still one job

    worker.start()
    wait_until(lambda: job_state(first).state == "done", what="the import")
    job = job_state(first)
    assert job.params["result"] == {"created": 2, "updated": 0} and job.payload is None
    assert job.result_link == "/admin/units"
    worker.stop()

    # "run job N" delivered again after its commit: the job is done, nothing runs twice.
    runner.run_job(first)
    assert job_state(first).attempts == 1
    assert _count(AuditEvent, AuditEvent.action == "units.imported") == 1
    # The same file after it was imported is new work: a new job (which updates nothing).
    with queue_app.app_context():
        assert queue_unit_import("don-vi.xlsx", content, actor_id=admin_id).id != first
        db.session.commit()


def test_a_file_with_bad_rows_fails_at_once_naming_every_row(app, make, queue_app, worker):
    admin_id = make.user("admin").id
    rows = [("hoa", "", "", "", "unit_editor", ""),     # row 2: a unit role without a unit
            ("x y", "", "", "", "viewer", ""),          # row 3: a space in the username
            ("ok", "", "", "", "viewer", "")]           # row 4: fine, yet not written
    with queue_app.app_context():
        job_id = queue_user_import("u.xlsx", _xlsx(USER_HEADERS, rows), actor_id=admin_id).id
        db.session.commit()
    worker.start()
    wait_until(lambda: job_state(job_id).state == "failed", what="the import to fail")
    job = job_state(job_id)
    assert job.attempts == 1  # the file stays wrong: no retry
    assert [(p["row"], p["kind"]) for p in job.params["problems"]] == [
        (2, "unit_required"), (3, "bad_username")]
    assert "row 2: unit_required" in job.error and "row 3: bad_username" in job.error
    assert _count(User) == 1 and job.payload is None


def test_users_imported_by_the_worker_show_their_passwords_once_to_whoever_asked(
        app, make, queue_app, worker, client, login):
    admin = make.user("admin", username="quantri")
    with queue_app.app_context():
        job_id = queue_user_import("u.xlsx", _xlsx(USER_HEADERS, [
            ("xem", "", "", "", "viewer", "")]), actor_id=admin.id).id
        db.session.commit()
    worker.start()
    wait_until(lambda: job_state(job_id).state == "done", what="the import")
    # Another administrator sees the job, not the passwords.
    login(make.user("admin", username="khac"))
    assert "<code>" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    login(admin)
    shown = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    password = shown.split('<tr class="imported-user"><td>xem</td><td><code>')[1].split("<")[0]
    assert db.session.scalar(select(User).where(User.username == "xem")).check_password(password)
    assert "<code>" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert password not in str(job_state(job_id).params)


def test_a_bomb_never_reaches_the_queue(app, make, queue_app):
    admin_id = make.user("admin").id
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (MAX_INFLATED_BYTES // 6 + 1))
    with queue_app.app_context():
        for queue, error in ((queue_unit_import, UnitImportError),
                             (queue_user_import, UserImportError)):
            with pytest.raises(error) as refused:
                queue("bomb.xlsx", buffer.getvalue(), actor_id=admin_id)
            assert refused.value.problems[0].kind == "too_large"
            with pytest.raises(error) as refused:  # small, but a sheet of too many rows
                queue("rows.csv", b"\n" * 200_000, actor_id=admin_id)
            assert refused.value.problems[0].kind == "too_many_rows"
        db.session.rollback()
    assert _count(Job) == 0 and _count(Unit) == 0
