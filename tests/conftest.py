"""Shared fixtures: one migrated database per test worker, emptied after every test.

The suite runs in parallel (pytest-xdist, `-n auto` in setup.cfg); each worker has its own
database: a SQLite file in its temporary folder, or, when `PARINDEX_TEST_DATABASE_URL` names a
PostgreSQL database, a database of that name with the worker's id appended, created on first use
(CI runs the suite twice: SQLite, then PostgreSQL). The browser tests run in one worker, with one
Chromium.
"""

import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.app import create_app
from server.extensions import db
from tests.factories import Factories
from tests.helpers import PASSWORD, api_token, log_in


def pytest_collection_modifyitems(items):
    # One worker drives the browser tests: one Chromium, and they never compete for the two cores.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def _worker_database(url: str, worker: str) -> str:
    """`url` with the worker's own database, created when it does not exist yet."""
    if worker == "master":
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    url = os.environ.get("PARINDEX_TEST_DATABASE_URL")
    if url:
        return _worker_database(url, worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app_factory(database_url, tmp_path_factory):
    """Build an app on the test database; extra config can be passed per call."""
    instance = tmp_path_factory.mktemp("instance")

    def build(**overrides):
        os.environ["PARINDEX_INSTANCE_DIR"] = str(instance)
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "EVIDENCE_DIR": str(instance / "evidence"),
            # scrypt costs ~0.1 s a hash, most of a test's time; the default is tested on its own.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            # Jobs run at once, in the process that commits them; tests/jobs runs a real worker.
            "QUEUE_URL": "memory://",
        }
        config.update(overrides)
        return create_app(config)

    return build


_SEEDED: dict = {}


@pytest.fixture(scope="session")
def _migrated(app_factory):
    """Run the real migrations once, from an empty schema."""
    from flask_migrate import downgrade, upgrade

    app = app_factory()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            downgrade(directory=app.extensions["migrate"].directory, revision="base")
        upgrade(directory=app.extensions["migrate"].directory)
        global _SEEDED
        # Rows the migrations seed (the default unit groups): each test starts with them, as a
        # freshly migrated database does.
        _SEEDED = {table: [dict(row._mapping) for row in db.session.execute(table.select())]
                   for table in db.metadata.sorted_tables if table.name in ("unit_groups",)}
        db.session.remove()
    return app


@pytest.fixture
def app(_migrated):
    with _migrated.app_context():
        yield _migrated
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        for table, rows in _SEEDED.items():
            conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql" and rows:
                # The rows keep their ids; the id sequence must continue after them.
                conn.execute(text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :last)"),
                             {"name": table.name, "last": max(row["id"] for row in rows)})


class IsolatedClient(FlaskClient):
    """Serves each request in its own app context, as a real server does, so nothing cached on
    `g` or in the test's database session leaks between requests and the test."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def make(app):
    return Factories(PASSWORD)


@pytest.fixture
def province_set(app):
    """The built-in provincial set most service and page tests score with."""
    return app.extensions["parindex"].criteria.get("province-2020", "1.0.0")


@pytest.fixture
def login(client):
    def do(user, password=PASSWORD):
        return log_in(client, user, password)

    return do


@pytest.fixture
def token_for(client):
    def do(user, password=PASSWORD):
        return api_token(client, user, password)

    return do
