"""The audit log is hash-chained: `parindex audit verify` finds any row changed or deleted
behind the application's back (raw SQL), and concurrent writers never fork the chain."""

import threading

import pytest
from sqlalchemy import func, select, text

from server.events import emit
from server.extensions import db
from server.models import AuditEvent


def run(app, *args):
    return app.test_cli_runner().invoke(args=["parindex", *args])


def _events(n):
    for i in range(n):
        emit("test.write", "thing", i, after={"n": i, "text": "Tiếng Việt"}, reason=f"r{i}")
        db.session.commit()
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_an_untouched_chain_verifies(app):
    _events(3)
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].prev_hash == "0" * 64
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "3 events" in result.output


def test_an_empty_log_verifies(app):
    assert run(app, "audit", "verify").exit_code == 0


@pytest.mark.parametrize("column, value", [
    ("reason", "'rewritten'"), ("object_id", "'other'"), ("action", "'test.other'"),
])
def test_a_changed_row_is_named(app, column, value):
    ids = _events(4)
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_events SET {column} = {value} WHERE id = {ids[1]}"))  # noqa: S608
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at event {ids[1]}" in result.output


def test_a_changed_json_payload_is_found(app):
    ids = _events(3)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET \"after\" = :v WHERE id = :id"),
                     {"v": '{"n": 99, "text": "Tiếng Việt"}', "id": ids[2]})
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at event {ids[2]}" in result.output


def test_a_row_rehashed_alone_still_breaks_the_next_link(app):
    ids = _events(3)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET hash = :h WHERE id = :id"),
                     {"h": "f" * 64, "id": ids[0]})
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at event {ids[0]}" in result.output


def test_a_deleted_row_is_found_at_the_next_one(app):
    ids = _events(4)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at event {ids[2]}" in result.output


def test_deleting_the_newest_row_is_found_through_the_chain_head(app):
    ids = _events(3)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[2]})
    result = run(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at event {ids[2]}" in result.output


def test_a_rolled_back_write_leaves_no_link(app):
    _events(2)
    emit("test.write", "thing", 9)
    db.session.rollback()
    _events(1)
    assert run(app, "audit", "verify").exit_code == 0


def test_concurrent_writers_keep_one_chain(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL")
    errors = []
    barrier = threading.Barrier(4)

    def writer(n):
        try:
            with app.app_context():
                barrier.wait()
                for i in range(15):
                    emit("test.write", "thing", f"{n}-{i}", after={"i": i})
                    # Hold the transaction open a moment so the writers really overlap.
                    db.session.execute(text("SELECT pg_sleep(0.002)"))
                    db.session.commit()
                db.session.remove()
        except Exception as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 60
    # No two events chained onto the same predecessor.
    assert db.session.scalar(select(func.count(func.distinct(AuditEvent.prev_hash)))) == 60
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
