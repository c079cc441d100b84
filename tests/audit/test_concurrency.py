"""On PostgreSQL, writers do not queue behind one another on an audit row, and sealers running
beside them (two at once) seal every committed event exactly once."""

import threading
import time

import pytest
from sqlalchemy import func, select, text

from server.audit.seal import Sealed, seal
from server.events import emit
from server.extensions import db
from server.models import AuditBatch, AuditEvent


@pytest.fixture
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one write lock)")
    return app


def _in_thread(app, work, errors):
    def target():
        try:
            with app.app_context():
                work()
                db.session.remove()
        except Exception as error:  # reported by the test
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def _sealed_entries():
    return [event_id for entries in db.session.scalars(select(AuditBatch.events))
            for event_id, _ in entries]


def test_a_write_commits_while_another_holds_its_event_uncommitted(pg):
    errors, held, release = [], threading.Event(), threading.Event()

    def slow_writer():
        emit("test.slow", "thing", 1)
        db.session.flush()  # the row is inserted, its id taken, the transaction left open
        held.set()
        release.wait(10)
        db.session.commit()

    def quick_writer():
        emit("test.quick", "thing", 2)
        db.session.commit()

    slow = _in_thread(pg, slow_writer, errors)
    assert held.wait(10)
    try:
        quick = _in_thread(pg, quick_writer, errors)
        quick.join(5)
        assert not quick.is_alive(), "the second writer waited for the first one's transaction"
        assert seal().events == 1  # only the committed event, although its id is larger
    finally:
        release.set()
        slow.join(10)
    assert errors == []
    assert seal().events == 1  # the slow one, with the smaller id, in the next batch
    sealed = dict(db.session.execute(select(AuditEvent.action, AuditEvent.sealed_in)).all())
    assert sealed == {"test.quick": 1, "test.slow": 2}
    result = pg.test_cli_runner().invoke(args=["parindex", "audit", "verify"])
    assert result.exit_code == 0 and "2 sealed events in 2 batches" in result.output


def test_a_second_sealer_does_not_wait_for_the_first(pg):
    from server.audit.seal import LOCK_ID

    emit("test.write", "thing", 1)
    db.session.commit()
    with db.engine.connect() as first:  # a sealer at work, holding the lock
        first.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
        started = time.perf_counter()
        assert seal() == Sealed(0, 0, busy=True)
        assert time.perf_counter() - started < 1
        first.rollback()
    assert seal() == Sealed(1, 1)


def test_many_writers_and_two_sealers_seal_every_event_once(pg):
    errors, writing = [], threading.Barrier(7)  # six writers and this test
    done = threading.Event()

    def writer(n):
        def work():
            writing.wait(10)
            for i in range(10):
                emit("test.write", "thing", f"{n}-{i}", after={"i": i})
                db.session.flush()
                db.session.commit()
        return work

    def sealer():
        while not done.is_set():
            seal(limit=7)

    writers = [_in_thread(pg, writer(n), errors) for n in range(6)]
    sealers = [_in_thread(pg, sealer, errors) for _ in range(2)]
    writing.wait(10)
    for thread in writers:
        thread.join(30)
    done.set()
    for thread in sealers:
        thread.join(30)
    seal()
    assert errors == []
    entries = _sealed_entries()
    assert len(entries) == len(set(entries)) == 60
    assert db.session.scalar(select(func.count()).where(AuditEvent.sealed_in.is_(None))) == 0
    result = pg.test_cli_runner().invoke(args=["parindex", "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "60 sealed events" in result.output
