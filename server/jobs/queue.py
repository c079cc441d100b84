"""The queue between the app and the worker: Huey, carrying "run job N".

Storage by `PARINDEX_QUEUE_URL`: empty, a SQLite file under the instance folder (one machine, no
server); `sqlite:///PATH`, that file; `redis://...`, Redis (several machines); `memory://`, jobs
run in the committing process itself, at once (tests and development only).
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.jobs import runner
from server.models.types import utcnow

log = logging.getLogger(__name__)
NAME = "parindex"


@dataclass(frozen=True)
class JobQueue:
    huey: Huey
    run_job: TaskWrapper


def build_huey(url: str, instance: Path) -> Huey:
    if not url:
        return SqliteHuey(NAME, filename=str(instance / "queue.sqlite3"))
    if url.startswith("sqlite:///"):
        return SqliteHuey(NAME, filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(NAME, url=url)
    if url == "memory://":
        return MemoryHuey(NAME, immediate=True)
    raise ValueError(f"PARINDEX_QUEUE_URL must be empty, sqlite:///PATH, redis://... or "
                     f"memory://, not {url!r}")


def init_app(app: Flask) -> None:
    huey = build_huey(app.config["QUEUE_URL"], Path(app.instance_path))

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        # Its own app context, hence its own database session, even when run at once.
        with app.app_context():
            runner.run_job(job_id)

    @huey.periodic_task(crontab(), name="sweep_jobs")
    def sweep_jobs() -> None:
        with app.app_context():
            runner.sweep()

    app.extensions["parindex_jobs"] = JobQueue(huey, run_job)


def job_queue() -> JobQueue:
    return current_app.extensions["parindex_jobs"]


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the jobs are not committed yet
        return
    to_send = session.info.pop(runner.TO_SEND, [])
    if not to_send:
        return
    queue = job_queue()
    for job_id, run_after in to_send:
        try:
            if run_after > utcnow():
                queue.run_job.schedule((job_id,), eta=run_after)
            else:
                queue.run_job(job_id)
        except Exception:  # the queue is down: the job is recorded, the sweep sends it later
            log.exception("could not queue job %s", job_id)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    session.info.pop(runner.TO_SEND, None)


def run_worker(threads: int) -> None:
    """Run the worker until it is stopped (SIGTERM or SIGINT: finish the jobs in hand)."""
    sent = runner.sweep()  # what a crash or a down queue left behind
    log.info("worker starting with %d thread(s); %d job(s) sent again", threads, sent)
    job_queue().huey.create_consumer(workers=threads, worker_type="thread",
                                     periodic=True).run()
