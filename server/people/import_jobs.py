"""The unit and user imports as jobs: a national unit list is some 11,000 rows, each checked
against the units there are, more than a request should hold.

The request checks the file's kind, size, inflated size and rows (`check_table_file`, without
parsing it), so no bomb reaches the worker, and queues it; the worker reads and checks every
row and writes all of them with the job's `done`, or fails at once, without retrying, naming
every bad row. The key names the file's SHA-256 and the last import done, so the same file sent
twice before it is imported is one job, and sent again after is a new one.
"""

import hashlib

from flask import current_app
from sqlalchemy import func, select

from server.extensions import db
from server.jobs.kinds import bad_rows, job_kind
from server.jobs.runner import keep_once, progress, submit
from server.models import Job
from server.people.units import UnitImportError, import_units
from server.people.user_import import UserImportError, import_users
from server.table_files import TableFileError, check_table_file

UNITS = "unit-import"
USERS = "user-import"


def _queue(kind: str, error_class, filename: str, content: bytes,
           actor_id: int | None) -> Job:
    try:
        check_table_file(filename, content)
    except TableFileError as error:
        raise error_class(error.problems) from error
    digest = hashlib.sha256(content).hexdigest()
    last = db.session.scalar(select(func.max(Job.id)).where(
        Job.kind == kind, Job.state == "done")) or 0
    return submit(kind, f"{kind}:{digest}:after-{last}", created_by=actor_id,
                  params={"filename": filename, "sha256": digest}, payload=content)


def queue_unit_import(filename: str, content: bytes, *, actor_id: int | None) -> Job:
    """The job that imports the unit list, queued when the caller commits; UnitImportError
    (row 0) at once for a file of another kind, too large, or with too many rows."""
    return _queue(UNITS, UnitImportError, filename, content, actor_id)


def queue_user_import(filename: str, content: bytes, *, actor_id: int | None) -> Job:
    """The job that creates the file's users, queued when the caller commits; UserImportError
    (row 0) at once for a file of another kind, too large, or with too many rows. The one-time
    passwords are kept for its creator to read once (server.jobs.runner.take_once)."""
    return _queue(USERS, UserImportError, filename, content, actor_id)


def _link(endpoint: str) -> str:
    return current_app.url_map.bind("localhost").build(endpoint)


@job_kind(UNITS)
def run_unit_import(job: Job) -> str:
    try:
        result = import_units(job.params["filename"], job.payload, actor_id=job.created_by)
    except UnitImportError as error:  # the file is wrong: running it again cannot help
        raise bad_rows(error.problems) from error
    job.params = {**job.params, "result": {"created": result.created,
                                           "updated": result.updated}}
    progress(job, result.created + result.updated, result.created + result.updated)
    return _link("web.unit_admin")


@job_kind(USERS)
def run_user_import(job: Job) -> str:
    try:
        imported = import_users(job.params["filename"], job.payload, actor_id=job.created_by)
    except UserImportError as error:
        raise bad_rows(error.problems) from error
    job.params = {**job.params, "result": {"created": len(imported)}}
    keep_once(job, [{"username": user.username, "one_time_password": user.one_time_password}
                    for user in imported])
    progress(job, len(imported), len(imported))
    return _link("web.user_admin")
