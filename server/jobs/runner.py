"""Recording, claiming, running and retrying jobs.

The queue carries only "run job N", at least once: a message can be sent again by the sweep or
arrive twice, so running a job starts with a claim (one UPDATE that only one worker can win) and
a job that is not queued, or running under a live lock, is left alone. A worker killed mid-job
leaves its job `running` with a lock that lapses; the sweep then sends it again, and the next
claim counts another attempt. Failures are retried with a growing delay up to the kind's
`max_attempts`, then the job is `failed` with its error for the page: never dropped.
"""

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.extensions import db
from server.jobs.kinds import KINDS, JobFailed
from server.models import Job, User
from server.models.types import utcnow

log = logging.getLogger(__name__)
# Jobs to put on the queue once the transaction that wrote them commits (server.jobs.queue).
TO_SEND = "parindex_jobs_to_send"
# The job's params key of what only its creator reads, once (server.jobs.runner.take_once).
ONCE = "once"


def _send_after_commit(session: Session, job: Job) -> None:
    session.info.setdefault(TO_SEND, []).append((job.id, job.run_after))


def submit(kind: str, key: str, *, created_by: int | None = None,
           campaign_id: int | None = None, unit_id: int | None = None,
           params: dict | None = None, payload: bytes | None = None) -> Job:
    """The job of `key`, recorded now and queued when the caller commits. The same key asked for
    again is the same job (a failed one starts a fresh round of attempts)."""
    now = utcnow()
    values = {"kind": kind, "key": key, "max_attempts": KINDS[kind].max_attempts,
              "created_by": created_by, "campaign_id": campaign_id, "unit_id": unit_id,
              "params": params or {}, "payload": payload, "run_after": now, "queued_at": now}
    # One row per key even when a twin request records it at the same moment.
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)(Job)
    created = db.session.execute(insert.values(**values).on_conflict_do_nothing(
        index_elements=["key"]).returning(Job.id)).scalar()
    existing = db.session.scalar(select(Job).where(Job.key == key))
    if created is not None:
        _send_after_commit(db.session, existing)
        return existing
    if existing.state == "failed":
        existing.state, existing.attempts, existing.error = "queued", 0, ""
        existing.run_after = existing.queued_at = utcnow()
        existing.params = values["params"]  # asked again: with this request's inputs
        if payload is not None:
            existing.payload = payload
        db.session.flush()
        _send_after_commit(db.session, existing)
    return existing


def may_see(user: User, job: Job) -> bool:
    """Its creator and the administrators; any signed-in user for a job of work open to all of
    them (`audience` "signed_in": a published ranking's workbook)."""
    if (job.params or {}).get("audience") == "signed_in":
        return True
    return user.has_role("admin") or (job.created_by is not None and job.created_by == user.id)


def stored_files() -> set[str]:
    """The storage keys of the files done jobs made (kinds that keep a file)."""
    kinds = [kind.name for kind in KINDS.values() if kind.keeps_file]
    return {params["file"]["key"] for params in db.session.scalars(
        select(Job.params).where(Job.kind.in_(kinds), Job.state == "done"))
        if (params or {}).get("file")}


def job_dict(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "state": job.state, "attempts": job.attempts,
            "max_attempts": job.max_attempts,
            "progress": {"done": job.progress_done, "total": job.progress_total},
            "result_link": job.result_link or None, "error": job.error or None,
            # What the work made, for the CLI and API clients (a publication's id, counts).
            "result": (job.params or {}).get("result"),
            "problems": (job.params or {}).get("problems") or [],
            "campaign_id": job.campaign_id, "unit_id": job.unit_id,
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


# How long a job keeps what its creator has not read yet: one-time passwords should not wait
# in the database (and its backups) for longer than a working day.
ONCE_KEPT = timedelta(hours=24)


def keep_once(job: Job, secret) -> None:
    """Keep `secret` (one-time passwords) on the job until its creator reads it (`take_once`),
    for `ONCE_KEPT` at most (the sweep erases it then)."""
    job.params = {**job.params, ONCE: secret}


def take_once(job: Job, user_id: int | None):
    """What the job kept for its creator (`user_id`; None for the command line, which asked
    as nobody), erased as it is read, like an answer shown once; None for anyone else, after
    the first read and after `ONCE_KEPT`. The caller commits."""
    if job.state != "done" or job.created_by != user_id or ONCE not in (job.params or {}):
        return None
    secret = _erase_once(job)
    return secret if job.finished_at is None or job.finished_at > utcnow() - ONCE_KEPT \
        else None


def _erase_once(job: Job):
    params = dict(job.params)
    secret = params.pop(ONCE, None)
    job.params = params
    return secret


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def progress(job: Job, done: int, total: int | None = None) -> None:
    """Record how far the job is (seen once the handler commits) and keep its lock alive."""
    job.progress_done = done
    if total is not None:
        job.progress_total = total
    job.locked_until = utcnow() + _lease()


def run_job(job_id: int) -> None:
    """Claim job `job_id` and run it, unless another worker has it or it is finished."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job).where(
            Job.id == job_id, Job.run_after <= now, Job.attempts < Job.max_attempts,
            or_(Job.state == "queued", and_(Job.state == "running", Job.locked_until < now)))
        .values(state="running", attempts=Job.attempts + 1, started_at=now,
                locked_until=now + _lease())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return
    # Locked for the handler's transaction: a second claim after a lapsed lock waits for it.
    job = db.session.scalar(select(Job).where(Job.id == job_id).with_for_update())
    try:
        kind = KINDS.get(job.kind)
        if kind is None:
            raise JobFailed(_("No worker knows jobs of kind %(kind)s.", kind=job.kind))
        link = kind.handler(job)
        job.state, job.result_link, job.error = "done", link or "", ""
        job.finished_at, job.locked_until, job.payload = utcnow(), None, None
        db.session.commit()
    except Exception as error:  # every failure is recorded on the job, none is lost
        db.session.rollback()
        _failed(job_id, error)


def _failed(job_id: int, error: Exception) -> None:
    problems = []
    if isinstance(error, JobFailed):
        message, retry, problems = error.message, error.retry, error.problems
    else:
        log.exception("job %s failed", job_id)
        message, retry = _("The job stopped on an unexpected error: %(error)s",
                           error=f"{type(error).__name__}: {error}"), True
    job = db.session.get(Job, job_id)
    job.error, job.locked_until = message[:4000], None
    # Every bad row stays with the job, beyond what the error's text can hold.
    job.params = {**job.params, "problems": problems}
    now = utcnow()
    if retry and job.attempts < job.max_attempts:
        delay = current_app.config["JOB_RETRY_SECONDS"] * 4 ** (job.attempts - 1)
        job.state, job.run_after, job.queued_at = "queued", now + timedelta(seconds=delay), now
        _send_after_commit(db.session, job)
    else:  # an uploaded file is sent again with the next request for the same work
        job.state, job.finished_at, job.payload = "failed", now, None
    db.session.commit()


def sweep() -> int:
    """Send again the jobs whose message may be lost: queued for longer than a lock lasts, or
    running under a lapsed lock (their worker died). A job whose worker died on its last
    attempt is failed. Run when the worker starts and every minute; the number sent."""
    now = utcnow()
    # One UPDATE, its condition checked again on the row itself: a job that finished meanwhile
    # (its worker was only slow) stays done.
    db.session.execute(update(Job).where(
        Job.state == "running", Job.locked_until < now, Job.attempts >= Job.max_attempts)
        .values(state="failed", finished_at=now, locked_until=None, payload=None,
                error=_("The worker stopped during each of the job's attempts."))
        .execution_options(synchronize_session=False))
    lost = list(db.session.scalars(select(Job).where(or_(
        and_(Job.state == "queued", Job.run_after <= now, Job.queued_at < now - _lease()),
        and_(Job.state == "running", Job.locked_until < now,
             Job.attempts < Job.max_attempts)))))
    for job in lost:
        job.queued_at = now
        _send_after_commit(db.session, job)
    # Unread one-time passwords past their time (few jobs keep any: user imports).
    for job in db.session.scalars(select(Job).where(
            Job.state == "done", Job.finished_at < now - ONCE_KEPT, Job.params.is_not(None))):
        if ONCE in (job.params or {}):
            _erase_once(job)
    db.session.commit()
    return len(lost)
