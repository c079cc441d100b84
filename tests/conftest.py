"""Shared fixtures: one migrated database per test run, emptied after every test.

The database is SQLite in a temporary folder unless `PARINDEX_TEST_DATABASE_URL` names another
(CI runs the suite twice: SQLite, then PostgreSQL).
"""

import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from server.app import create_app
from server.extensions import db
from tests.factories import Factories
from tests.helpers import PASSWORD, api_token, log_in


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("PARINDEX_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory)


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
        }
        config.update(overrides)
        return create_app(config)

    return build


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
