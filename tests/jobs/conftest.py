"""A real worker process (`flask parindex worker`) on a real queue, and the app that feeds it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server.extensions import db
from server.models import Job
from tests.notifications.conftest import inbox, smtp_server  # noqa: F401 (the SMTP server)
from tests.notifications.test_notifications import world  # noqa: F401 (its people)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"


class Worker:
    """Start, kill -9 or stop the worker; its output goes to a log file shown on failure."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "parindex", "worker",
             "--threads", "1"], cwd=ROOT, env=self.env,
            stdout=self.log.open("a"), stderr=subprocess.STDOUT)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(check, timeout=30.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def job_state(job_id: int) -> Job:
    db.session.rollback()  # a fresh read of what the worker committed
    return db.session.get(Job, job_id)


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def queue_app(app, app_factory, queue_url):
    """An app that queues on `queue_url` (the tests' own app runs jobs at once)."""
    return app_factory(QUEUE_URL=queue_url, PLUGIN_MODULES=["tests.jobs.kinds"])


@pytest.fixture
def worker(app, queue_url, database_url, tmp_path):
    env = {**os.environ, "PARINDEX_DATABASE_URL": database_url, "PARINDEX_QUEUE_URL": queue_url,
           "PARINDEX_PLUGIN_MODULES": "tests.jobs.kinds", "PARINDEX_JOB_LEASE_SECONDS": "1",
           "PARINDEX_JOB_RETRY_SECONDS": "0", "PARINDEX_LOG_FORMAT": "text",
           "PARINDEX_SECRET_KEY": "test-secret"}
    process = Worker(env, tmp_path / "worker.log")
    yield process
    process.stop()
    if process.log.exists():  # pytest shows it when the test fails
        print(process.log.read_text())
