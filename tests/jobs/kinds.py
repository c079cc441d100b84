"""A job kind for the worker tests, loaded into the worker process as a plugin module
(PARINDEX_PLUGIN_MODULES=tests.jobs.kinds): it marks each start in a folder, waits there until
the test opens the gate, then writes one notification (its effect, committed with `done`)."""

import time
from pathlib import Path

from server.extensions import db
from server.jobs.kinds import job_kind
from server.models import Job, Notification


@job_kind("test-gated")
def gated(job: Job) -> str:
    folder = Path(job.params["folder"])
    (folder / f"started-{job.attempts}").touch()
    while not (folder / "gate-open").exists():
        time.sleep(0.05)
    db.session.add(Notification(user_id=job.created_by, kind="test", subject=f"job {job.id}"))
    return "/notifications"
