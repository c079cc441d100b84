"""Migrations keep the whole log verifiable: 0003 chained the events written before it, 0008
seals the chained log in keyed batches (and refuses a broken chain), and its downgrade chains the
events again the old way."""

import json

import pytest
from alembic import command
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.events import emit
from server.extensions import db


def verify(app):
    return app.test_cli_runner().invoke(args=["parindex", "audit", "verify"])


def _legacy_rows(conn, count):
    for n in range(count):
        conn.execute(text(
            "INSERT INTO audit_events (at, action, object_type, object_id, \"after\", "
            "reason) VALUES (:at, 'legacy.write', 'thing', :n, :after, '')"),
            {"at": f"2026-01-0{n + 1} 08:00:00+00:00", "n": str(n),
             "after": json.dumps({"n": n, "text": "Tiếng Việt"})})


@pytest.fixture
def directory(app):
    db.session.remove()
    return app.extensions["migrate"].directory


def test_upgrade_seals_events_chained_the_old_way(app, directory):
    downgrade(directory=directory, revision="0002")  # before the chain existed
    try:
        with db.engine.begin() as conn:
            _legacy_rows(conn, 3)
    finally:
        upgrade(directory=directory)  # 0003 chains them, 0008 seals them
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "3 sealed events in 1 batches; 0 events not sealed yet" in result.output
    emit("test.after", "thing", 1)
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 0 and "1 events not sealed yet" in result.output, result.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET object_id = 'x' WHERE object_id = '1' "
                          "AND action = 'legacy.write'"))
    assert verify(app).exit_code == 1


def test_downgrade_chains_again_and_upgrade_seals_again(app, directory):
    with db.engine.begin() as conn:
        _legacy_rows(conn, 2)
    app.test_cli_runner().invoke(args=["parindex", "audit", "seal"])
    downgrade(directory=directory, revision="0007")
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT prev_hash, hash FROM audit_events ORDER BY id")).all()
            head = conn.execute(text("SELECT last_hash FROM audit_chain_head")).scalar()
        assert rows[0][0] == "0" * 64 and rows[1][0] == rows[0][1] and head == rows[1][1]
    finally:
        upgrade(directory=directory)
    result = verify(app)
    assert result.exit_code == 0 and "2 sealed events in 1 batches" in result.output, result.output


def test_upgrade_refuses_a_broken_old_chain(app, directory):
    with db.engine.begin() as conn:
        _legacy_rows(conn, 2)
    downgrade(directory=directory, revision="0007")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET reason = 'rewritten' WHERE object_id = '0'"))
        config = app.extensions["migrate"].migrate.get_config(directory)
        with pytest.raises(RuntimeError, match="the audit chain is broken at event 1"):
            command.upgrade(config, "head")  # Flask-Migrate's upgrade would only log it
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_events"))
            conn.execute(text("DELETE FROM audit_chain_head"))
        upgrade(directory=directory)
    assert verify(app).exit_code == 0
