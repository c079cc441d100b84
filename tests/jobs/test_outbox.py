"""E-mail goes through the outbox: written with the notification, delivered by a job to a real
SMTP server (aiosmtpd), kept while the worker or the queue is down, retried then failed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.campaigns.workflow import apply_transition
from server.extensions import db
from server.jobs.runner import run_job, sweep
from server.models import Assessment, Job, OutboxMessage, User
from tests.jobs.conftest import job_state, wait_until

ADMIN_AND_REVIEWER = ["admin@example.gov.vn", "reviewer@example.gov.vn"]


def _submit(world):
    assessment = db.session.get(Assessment, world["assessment"].id)
    apply_transition(assessment, "submit", db.session.get(User, world["head"].id))
    db.session.commit()


def _mail_jobs():
    db.session.rollback()
    return db.session.scalars(select(Job).where(Job.kind == "mail").order_by(Job.id)).all()


@pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)
def test_mail_committed_while_the_worker_is_down_is_delivered_when_it_starts(
        world, app_factory, queue_url, smtp_server, worker):
    controller, messages = smtp_server
    smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port}
    with app_factory(QUEUE_URL=queue_url, **smtp).app_context():
        _submit(world)
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [(r.recipient, r.sent_at) for r in rows] == [(a, None) for a in ADMIN_AND_REVIEWER]
    assert messages.wait_for(1, timeout=0.5) == []

    worker.env.update(PARINDEX_SMTP_HOST="127.0.0.1", PARINDEX_SMTP_PORT=str(controller.port))
    worker.start()
    wait_until(lambda: all(job.state == "done" for job in _mail_jobs()), what="the mail jobs")
    assert sorted(m["To"] for m in messages.wait_for(2)) == ADMIN_AND_REVIEWER
    assert all(row.sent_at for row in db.session.scalars(select(OutboxMessage)))
    assert len(messages.messages) == 2


def test_mail_is_kept_while_the_queue_is_down_and_sent_by_the_sweep(world, app, app_factory,
                                                                    inbox):
    smtp = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT")}
    with app_factory(QUEUE_URL="redis://127.0.0.1:1/0", **smtp).app_context():
        _submit(world)  # the queue refuses the message; the commit stands
    assert [job.state for job in _mail_jobs()] == ["queued", "queued"]
    assert inbox.wait_for(1, timeout=0.3) == []
    assert sweep() == 0  # a message may still be on its way: not sent twice at once
    for job in _mail_jobs():
        job.queued_at -= timedelta(seconds=app.config["JOB_LEASE_SECONDS"] + 1)
    db.session.commit()
    assert sweep() == 2
    assert sorted(m["To"] for m in inbox.wait_for(2)) == ADMIN_AND_REVIEWER
    assert [job.state for job in _mail_jobs()] == ["done", "done"]


def test_an_smtp_server_that_stays_down_fails_the_job_after_its_attempts(world, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, JOB_RETRY_SECONDS=0)
    try:
        _submit(world)
    finally:
        app.config.update(SMTP_HOST="", JOB_RETRY_SECONDS=30)
    jobs = _mail_jobs()
    assert [(job.state, job.attempts) for job in jobs] == [("failed", 5), ("failed", 5)]
    assert "ConnectionRefusedError" in jobs[0].error
    assert all(row.sent_at is None for row in db.session.scalars(select(OutboxMessage)))


def test_a_sent_message_is_not_sent_again(world, app, inbox):
    _submit(world)
    assert len(inbox.wait_for(2)) == 2
    job = _mail_jobs()[0]
    job.state, job.attempts = "queued", 0  # its message delivered again, after the commit
    db.session.commit()
    run_job(job.id)
    assert job_state(job.id).state == "done"
    assert len(inbox.wait_for(3, timeout=0.5)) == 2
