"""E-mail through an outbox: written with the notification it carries, delivered by a job.

`queue_mail` adds an `outbox_messages` row and the job `mail:<row id>` in the caller's
transaction, so a rolled-back write sends nothing, a committed one loses nothing (the job waits
in the queue while the worker is down; server.jobs sends it again if the queue lost it), and no
SMTP round trip ever holds a transaction open. The job sends the message and marks the row sent
in one commit; a row already sent is not sent again.
"""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.extensions import db
from server.jobs.kinds import job_kind
from server.jobs.runner import submit
from server.models import Job, OutboxMessage
from server.models.types import utcnow


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    timeout: int

    @classmethod
    def from_config(cls, config) -> "SmtpSettings":
        return cls(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USER"],
                   config["SMTP_PASSWORD"], config["SMTP_FROM"], config["SMTP_STARTTLS"],
                   config["SMTP_TIMEOUT"])


def queue_mail(session: Session, mail: Mail) -> None:
    """Put `mail` in the outbox, to be sent once `session` commits (nothing when no SMTP host is
    configured: in-app notifications only)."""
    if not current_app.config["SMTP_HOST"]:
        return
    message = OutboxMessage(recipient=mail.to, subject=mail.subject[:255], body=mail.body)
    session.add(message)
    session.flush()
    submit("mail", f"mail:{message.id}", params={"outbox_id": message.id})


def send_now(settings: SmtpSettings, mails: list[Mail]) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        for mail in mails:
            message = EmailMessage()
            message["From"] = settings.sender
            message["To"] = mail.to
            message["Subject"] = mail.subject
            message.set_content(mail.body)
            smtp.send_message(message)


@job_kind("mail", max_attempts=5)
def deliver(job: Job) -> str:
    """Send one outbox message (an SMTP failure is retried by the job) and mark it sent."""
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.id == job.params["outbox_id"]).with_for_update())
    if message is None or message.sent_at is not None:
        return ""
    send_now(SmtpSettings.from_config(current_app.config),
             [Mail(message.recipient, message.subject, message.body)])
    message.sent_at = utcnow()
    return ""
