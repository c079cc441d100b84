"""Migration 0003 chains the events written before it, so `audit verify` covers the whole log."""

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db


def test_upgrade_chains_existing_events(app):
    directory = app.extensions["migrate"].directory
    db.session.remove()
    downgrade(directory=directory, revision="0002")  # to just before 0003
    try:
        with db.engine.begin() as conn:
            for n in range(3):
                conn.execute(text(
                    "INSERT INTO audit_events (at, action, object_type, object_id, \"after\", "
                    "reason) VALUES (:at, 'legacy.write', 'thing', :n, :after, '')"),
                    {"at": f"2026-01-0{n + 1} 08:00:00+00:00", "n": str(n),
                     "after": json.dumps({"n": n})})
    finally:
        upgrade(directory=directory)
    result = app.test_cli_runner().invoke(args=["parindex", "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "3 events" in result.output
    from server.events import emit

    emit("test.after", "thing", 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["parindex", "audit", "verify"])
    assert result.exit_code == 0 and "4 events" in result.output, result.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET object_id = 'x' WHERE object_id = '1' "
                          "AND action = 'legacy.write'"))
    assert app.test_cli_runner().invoke(args=["parindex", "audit", "verify"]).exit_code == 1
