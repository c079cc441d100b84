"""Two app hosts and a job worker as separate processes, sharing only what a national
installation shares: a PostgreSQL database, Redis as the job queue and an S3 evidence bucket (a
moto server on loopback), with the same secret and audit keys. Each process has its own instance
folder, so nothing can pass between them through local files.

Started once for the module: `flask parindex upgrade` on a database of its own, the people and
campaigns written through the models, then two gunicorns as bin/serve starts them (its command
line, on free ports) and `flask parindex worker`. Needs PostgreSQL (`PARINDEX_TEST_DATABASE_URL`)
and Redis on 127.0.0.1:6379; skipped without them.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import make_url

from bench.common import free_port, fresh_database, serve_command, upgrade
from server.extensions import db
from server.models import ReviewerAssignment
from tests.evidence.conftest import s3_server  # noqa: F401 (the moto server)
from tests.factories import Factories
from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379"
# Redis databases this module may use; one is claimed by a key that lapses, so two runs at once
# (or tests/jobs, on 11) never read each other's "run job N".
REDIS_DATABASES = range(12, 16)
CLAIM = "parindex-test-two-hosts-claim"
SECRET_KEY, AUDIT_KEY = "two-hosts-secret", "two-hosts-audit-key-" + "0" * 44


@dataclass
class World:
    """The hosts' addresses, what they share, and the dossier and draft campaign they serve."""

    a: str
    b: str
    database_url: str
    env: dict
    s3: dict
    instances: list[Path]  # each process's own instance folder
    dossier_id: int
    draft_campaign_id: int
    unit_code: str


def _database_url(base_url: str, worker: str) -> str:
    """A database named after the tests' own and the xdist worker's, emptied (kept between
    runs, as the tests' own are: creating and dropping one costs PostgreSQL a checkpoint)."""
    suffix = "_two_hosts" if worker == "master" else f"_two_hosts_{worker}"
    url = make_url(base_url)
    url = url.set(database=url.database + suffix).render_as_string(hide_password=False)
    fresh_database(url)
    return url


def _claim_redis_database():
    """(url, client) of a Redis database no other run holds, emptied of what a killed run left."""
    import redis

    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        try:
            claimed = client.set(CLAIM, str(os.getpid()), nx=True, ex=1800)
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        if claimed:
            for key in client.scan_iter():
                if key != CLAIM.encode():
                    client.delete(key)
            return f"{REDIS}/{number}", client
    pytest.fail(f"every Redis database in {list(REDIS_DATABASES)} is claimed by another run")


def _populate(app_factory, database_url: str) -> dict:
    """The people and campaigns, written through the models on the shared database."""
    app = app_factory(SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        make = Factories(PASSWORD)
        unit = make.unit("QB", level="province")
        for username, role in (("canbo", "unit_editor"), ("canbo2", "unit_editor")):
            make.user(role, unit, username=username)
        make.user("admin", username="quantri")
        reviewer = make.user("reviewer", username="thamdinh")
        dossier = make.assessment(make.campaign(2021), unit)
        draft = make.campaign(2022, state="draft")
        db.session.add(ReviewerAssignment(campaign_id=draft.id, reviewer_id=reviewer.id,
                                          domains=[str(n) for n in range(1, 9)]))
        db.session.commit()
        world = {"dossier_id": dossier.id, "draft_campaign_id": draft.id, "unit_code": "QB"}
        db.session.remove()
        db.engine.dispose()
    return world


def _wait_ready(base: str, process: subprocess.Popen, log: Path) -> None:
    """Until the host answers /readyz (database and evidence storage checked) with 200."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{base} exited:\n{log.read_text()}")
        try:
            if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # its workers still booting
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base} never became ready:\n{log.read_text()}")


@pytest.fixture(scope="module")
def two_hosts(request, app_factory, tmp_path_factory, worker_id):
    base_url = os.environ.get("PARINDEX_TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        pytest.skip("two hosts share a PostgreSQL database: set PARINDEX_TEST_DATABASE_URL")
    s3 = request.getfixturevalue("s3_server")  # started only when it will be used
    queue_url, redis_client = _claim_redis_database()
    try:
        database_url = _database_url(base_url, worker_id)
    except Exception:
        redis_client.flushdb()  # the claim with it
        raise
    folder = tmp_path_factory.mktemp("two-hosts")
    shared = {
        "PARINDEX_DATABASE_URL": database_url, "PARINDEX_QUEUE_URL": queue_url,
        "PARINDEX_SECRET_KEY": SECRET_KEY, "PARINDEX_AUDIT_KEY": AUDIT_KEY,
        # Each request that wrote seals at once, so both hosts seal into the one chain.
        "PARINDEX_AUDIT_SEAL_AFTER_SECONDS": "0",
        "PARINDEX_EVIDENCE_STORAGE": "s3", "PARINDEX_S3_PREFIX": "two-hosts/",
        **{f"PARINDEX_{key}": value for key, value in s3.items()},
        "PARINDEX_LOG_FORMAT": "text", "PYTHONPATH": str(ROOT),
    }
    base_env = {key: value for key, value in os.environ.items()
                if not key.startswith("PARINDEX_")}

    def env_of(name: str) -> dict:
        (folder / name).mkdir()
        (folder / f"{name}-run").mkdir()
        # gunicorn >= 25 keeps a control socket per user: one each, as on separate machines.
        return {**base_env, **shared, "PARINDEX_INSTANCE_DIR": str(folder / name),
                "XDG_RUNTIME_DIR": str(folder / f"{name}-run")}

    processes, logs = [], []

    def start(name: str, command: list[str], stop: signal.Signals) -> subprocess.Popen:
        log = folder / f"{name}.log"
        logs.append(log)
        process = subprocess.Popen(command, cwd=ROOT, env=env_of(name), stdout=log.open("w"),
                                   stderr=subprocess.STDOUT)
        processes.append((process, stop))
        return process

    try:
        upgrade({**base_env, **shared, "PARINDEX_INSTANCE_DIR": str(folder)})
        world = _populate(app_factory, database_url)
        hosts = {}
        for name in ("a", "b"):
            port = free_port()
            hosts[name] = (f"http://127.0.0.1:{port}",
                           start(f"host-{name}", serve_command(shared, port),
                                 signal.SIGINT))  # gunicorn's quick shutdown: nothing in flight
        start("worker", [str(Path(sys.executable).with_name("flask")), "--app", "wsgi",
                         "parindex", "worker"], signal.SIGTERM)
        for name, (base, process) in hosts.items():
            _wait_ready(base, process, folder / f"host-{name}.log")
        yield World(a=hosts["a"][0], b=hosts["b"][0], database_url=database_url,
                    env={**base_env, **shared, "PARINDEX_INSTANCE_DIR": str(folder)},
                    s3=s3, instances=[folder / name
                                             for name in ("host-a", "host-b", "worker")],
                    **world)
    finally:
        for process, stop in processes:
            process.send_signal(stop)
        for process, _stop in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:  # shown when a test of the module failed
            print(f"==== {log.name}\n{log.read_text()[-5000:]}")
        redis_client.flushdb()  # the claim with it

