"""Shared by the benchmarks: a fresh instance (database migrated, a campaign, units, users),
a real gunicorn server on loopback, API tokens, and the server's memory figures."""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105  (a throwaway bench database)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(extra: dict | None = None) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="parindex-bench-"))
    env = {**os.environ, "PARINDEX_INSTANCE_DIR": str(instance),
           "PARINDEX_SECRET_KEY": "bench-secret",
           "PARINDEX_DATABASE_URL": os.environ.get(
               "PARINDEX_BENCH_DATABASE_URL", f"sqlite:///{instance / 'bench.sqlite3'}")}
    env.update(extra or {})
    return env


def prepare(env: dict, units: int) -> list[dict]:
    """Migrate and create `units` units, each with an assessment and an editor; return them."""
    code = f"""
import json, sys
from flask_migrate import upgrade
from server.app import create_app
from server.extensions import db
from server.models import Campaign, CampaignCriteriaSet, RoleMembership, Unit, User, dossier_for
app = create_app()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(directory=app.extensions["migrate"].directory)
    campaign = Campaign(year=2021, title="Bench", state="open", pins=[CampaignCriteriaSet(
        unit_group="province", criteria_set_id="province-2020", criteria_set_version="1.0.0")])
    db.session.add(campaign)
    out = []
    for n in range({units}):
        unit = Unit(code=f"B{{n}}", name=f"Đơn vị {{n}}", level="province", group="province")
        user = User(username=f"editor{{n}}", full_name="Bench")
        user.set_password({PASSWORD!r})
        user.memberships.append(RoleMembership(role="unit_editor", unit=unit))
        assessment = dossier_for(campaign, unit, "province-2020", "1.0.0")
        db.session.add_all([unit, user, assessment])
        db.session.flush()
        out.append({{"username": user.username, "assessment_id": assessment.id}})
    db.session.commit()
    json.dump(out, sys.stdout)
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,  # noqa: S603
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


class Server:
    """gunicorn on 127.0.0.1 with the given workers and threads."""

    def __init__(self, env: dict, workers: int = 1, threads: int = 1):
        self.port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "-b", f"127.0.0.1:{self.port}", "-w", str(workers),
             "--threads", str(threads), "--timeout", "300", "wsgi:app"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(1.0)

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)

    def token(self, username: str) -> dict:
        conn = self.connection()
        conn.request("POST", "/api/v1/tokens",
                     body=json.dumps({"username": username, "password": PASSWORD}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 201, body
        return {"Authorization": f"Bearer {body['token']}"}


def memory_kb(pid: int) -> dict:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


# ---- `python -m bench all`: goals, the bench database, serving as bin/serve does -------------

BENCH_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"


class Goal:
    """One goal line: `value` (None when the thing measured is not built) against `goal`, met
    when value <= goal."""

    def __init__(self, name: str, value: float | None, goal: float, note: str = ""):
        self.name, self.value, self.goal, self.note = name, value, goal, note

    @property
    def met(self) -> bool:
        return self.value is not None and self.value <= self.goal

    def line(self) -> str:
        value = "not built" if self.value is None else \
            str(self.value) if isinstance(self.value, int) else f"{self.value:.2f}"
        return f"ratio {self.name} {value} goal {self.goal:g}"


def bench_database_url() -> str:
    return os.environ.get("PARINDEX_BENCH_DATABASE_URL", BENCH_DATABASE_URL)


def fresh_database(url: str) -> None:
    """An empty database at `url`: PostgreSQL's is created if missing and its public schema
    dropped; a SQLite file is removed."""
    from sqlalchemy import create_engine, make_url, text

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                           {"name": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(parsed)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def bench_environment(url: str) -> dict:
    """environment() on `url`, also set in this process, so the app built here and the gunicorn
    servers share the database, the instance folder and its keys."""
    env = environment({"PARINDEX_DATABASE_URL": url})
    os.environ.update({k: v for k, v in env.items() if k.startswith("PARINDEX_")})
    return env


def upgrade(env: dict) -> None:
    """The schema, built as an installation builds it: `flask parindex upgrade`."""
    flask = Path(sys.executable).with_name("flask")
    subprocess.run([str(flask), "--app", "wsgi", "parindex", "upgrade"], env=env, cwd=ROOT,  # noqa: S603
                   check=True, capture_output=True)


def serve_command(env: dict, port: int, target: str = "wsgi:app") -> list[str]:
    """The gunicorn command of bin/serve, read from it (workers, timeout and whatever else it
    sets, its defaults unless `env` overrides them), bound to `port` and serving `target`."""
    import re
    import shlex

    script = (ROOT / "bin" / "serve").read_text().replace("\\\n", " ")
    line = next(line for line in script.splitlines() if "gunicorn" in line
                and not line.lstrip().startswith("#"))
    line = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m.group(1), m.group(2)), line)
    words = shlex.split(line, comments=True)
    words = words[next(i for i, w in enumerate(words) if w.endswith("gunicorn")) + 1:]
    command = [str(Path(sys.executable).with_name("gunicorn"))]
    skip = False
    for word in words:
        if word in ("&", "&&", ";", "|", "||"):
            break  # the end of the gunicorn command (bin/serve runs it in the background)
        if skip:
            skip = False
        elif word in ("--bind", "-b"):
            skip = True
        elif word.startswith("--bind="):
            continue
        elif word == "wsgi:app":
            command.append(target)
        else:
            command.append(word)
    return [*command, "--bind", f"127.0.0.1:{port}"]


class Served:
    """`target` served as bin/serve serves the app, on a free port; this bench owns the
    process and stops it."""

    def __init__(self, env: dict, target: str = "wsgi:app"):
        self.port = free_port()
        self.command = serve_command(env, self.port, target)
        self.process = subprocess.Popen(self.command, env=env, cwd=ROOT,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {' '.join(self.command)}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        self.wait_for_workers()

    def wait_for_workers(self) -> None:
        """Until every worker has imported the app: the master has them all and their CPU time
        stands still (a worker boots after the port is open; timings must not include that)."""
        count = int(self.command[self.command.index("--workers") + 1]) \
            if "--workers" in self.command else 1
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        before = None
        for _ in range(240):
            time.sleep(0.5)
            pids = children.read_text().split()
            now = [_cpu_ticks(pid) for pid in pids]
            if len(pids) >= count and now == before:
                return
            before = now

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _cpu_ticks(pid: str) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return -1
    return int(fields[11]) + int(fields[12])  # utime + stime
