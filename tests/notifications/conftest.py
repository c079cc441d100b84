"""A real SMTP server (aiosmtpd) on loopback, and the app pointed at it."""

import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def inbox(app, smtp_server):
    controller, inbox = smtp_server
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT", "BASE_URL")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      BASE_URL="https://cchc.example.gov.vn")
    yield inbox
    app.config.update(saved)
