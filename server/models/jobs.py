"""Long work run by the worker (server.jobs), and the e-mail waiting to be delivered.

A job row is the record of the work, not the queue's message: the queue only carries "run job
N", so a message lost with a killed worker or a flushed queue is sent again from these rows, and
the web page and the API read the state from here.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import Timestamp, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which handler runs it (server.jobs.job_kind): open-campaign, survey-import, mail, ...
    kind: Mapped[str] = mapped_column(String(40))
    # The same work asked for twice is one job: "open-campaign:<id>:<units digest>", ...
    key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    # What the handler needs beyond the scope columns (JSON), and an uploaded file's bytes,
    # kept here rather than on one machine's disk; dropped once the job is done.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    result_link: Mapped[str] = mapped_column(String(500), default="")
    # For the page: what went wrong, in Vietnamese.
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    # Not to be run before (a retry's backoff); when its message was last put on the queue.
    run_after: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # A running job whose worker has not reported by then is taken to have died with it.
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)


class OutboxMessage(db.Model):
    """An e-mail, written in the transaction of the notification it carries; delivered by the
    job `mail:<id>`, which marks it sent."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Timestamp, index=True)
