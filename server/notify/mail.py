"""Sending e-mail over SMTP, after the transaction that decided to send it has committed.

`queue_mail` collects messages on the database session; they are sent from the session's
`after_commit` listener and dropped on rollback, so no mail ever announces a write that did not
happen, and no SMTP round trip ever holds a transaction open.
"""

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
QUEUE_KEY = "parindex_outgoing_mail"


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
    """Send `mail` once `session` commits (nothing when no SMTP host is configured)."""
    settings = SmtpSettings.from_config(current_app.config)
    if not settings.host:
        return
    session.info.setdefault(QUEUE_KEY, []).append((settings, mail))


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


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    queued = session.info.pop(QUEUE_KEY, [])
    by_server = {}
    for settings, mail in queued:
        by_server.setdefault(settings, []).append(mail)
    for settings, mails in by_server.items():
        try:
            send_now(settings, mails)
        except (OSError, smtplib.SMTPException):
            # The write is committed and the in-app notification is there; a lost e-mail must
            # not turn a successful request into an error.
            log.exception("could not send %d e-mail(s) through %s:%s",
                          len(mails), settings.host, settings.port)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session):
    session.info.pop(QUEUE_KEY, None)
