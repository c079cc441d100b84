"""Sealing: every committed unsealed event goes into the next batch of the keyed chain.

Events are taken in the order the sealer finds them committed, not by id: an id is handed out
before its transaction commits, so an event with a smaller id may commit after a larger one was
sealed; it is simply taken by the next seal. Only one sealer works at a time: on PostgreSQL a
transaction-level advisory lock, on SQLite the database's write lock, each only tried, so a
request never waits for a sealer. Should two get through anyway, the batch's sequence is a
primary key and each event is taken only while still unsealed, so one of them fails whole.

`parindex audit seal` (cron, every minute) and the end of every request that wrote events (once
its oldest unsealed event is older than `AUDIT_SEAL_AFTER_SECONDS`) call it.
"""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, g
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import OperationalError

from server.audit.chain import GENESIS, audit_key, batch_hash, event_hash, head_mac, key_id
from server.extensions import db
from server.models import AuditBatch, AuditEvent, AuditSealHead

BATCH_SIZE = 1000
# The advisory lock's number on PostgreSQL (any constant the application uses for nothing else).
LOCK_ID = 0x50415249_4E444558
# How long a sealer on SQLite waits for the database's write lock, in milliseconds.
SQLITE_WAIT_MS = 200

events = AuditEvent.__table__
batches = AuditBatch.__table__
heads = AuditSealHead.__table__


class SealError(RuntimeError):
    """Nothing can be sealed until an operator looks (the key does not match the sealed head)."""


@dataclass(frozen=True)
class Sealed:
    events: int
    batches: int
    busy: bool = False  # another sealer held the lock


def _try_lock(conn) -> bool:
    if conn.dialect.name == "postgresql":
        return bool(conn.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": LOCK_ID}))
    try:  # any write takes SQLite's write lock for the rest of the transaction
        conn.execute(update(heads).where(heads.c.id == 0).values(id=0))
    except OperationalError:  # "database is locked": another writer holds it
        return False
    return True


def _seal_batch(conn, key: bytes, limit: int) -> int:
    """Seal up to `limit` unsealed events as the next batch; return how many."""
    head = conn.execute(select(heads).where(heads.c.id == 1)).mappings().first()
    if head is None:
        if conn.scalar(select(func.count()).select_from(batches)):
            raise SealError("the sealed head is missing while batches exist: run "
                            "`parindex audit verify`; nothing was sealed")
        sequence, prev_hash = 1, GENESIS
    else:
        if not hmac.compare_digest(head["mac"], head_mac(key, head["sequence"], head["hash"])):
            raise SealError("the audit key does not match the sealed head (restore the key "
                            "kept apart from the database, or run `parindex audit verify`); "
                            "nothing was sealed")
        sequence, prev_hash = head["sequence"] + 1, head["hash"]
    rows = conn.execute(select(events).where(events.c.sealed_in.is_(None))
                        .order_by(events.c.id).limit(limit)).mappings().all()
    if not rows:
        return 0
    batch = {"sequence": sequence, "sealed_at": datetime.now(UTC), "key_id": key_id(key),
             "events": [[row["id"], event_hash(key, row)] for row in rows],
             "prev_hash": prev_hash}
    batch["hash"] = batch_hash(key, prev_hash, batch)
    conn.execute(insert(batches).values(**batch))
    ids = [row["id"] for row in rows]
    taken = conn.execute(update(events).where(events.c.id.in_(ids), events.c.sealed_in.is_(None))
                         .values(sealed_in=sequence)).rowcount
    if taken != len(ids):
        raise SealError("another sealer took some of these events; nothing was sealed")
    new_head = {"sequence": sequence, "hash": batch["hash"],
                "mac": head_mac(key, sequence, batch["hash"])}
    if head is None:
        conn.execute(insert(heads).values(id=1, **new_head))
    else:
        conn.execute(update(heads).where(heads.c.id == 1).values(**new_head))
    return len(rows)


def seal(limit: int = BATCH_SIZE) -> Sealed:
    """Seal every committed unsealed event, `limit` a batch, one transaction a batch."""
    key = audit_key()
    sealed = batches_sealed = 0
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            wait = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_WAIT_MS}")
            conn.commit()
        try:
            while True:
                with conn.begin():
                    if not _try_lock(conn):
                        return Sealed(sealed, batches_sealed, busy=True)
                    count = _seal_batch(conn, key, limit)
                if not count:
                    break
                sealed, batches_sealed = sealed + count, batches_sealed + 1
                if count < limit:
                    break
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait)}")
                conn.commit()
    return Sealed(sealed, batches_sealed)


def oldest_unsealed() -> datetime | None:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.min(events.c.at)).where(events.c.sealed_in.is_(None)))


def seal_if_due(max_age: timedelta) -> Sealed | None:
    """Seal when the oldest unsealed event is older than `max_age`; None when none is."""
    oldest = oldest_unsealed()
    if oldest is None or datetime.now(UTC) - oldest < max_age:
        return None
    return seal()


def _seal_after(app) -> None:
    with app.app_context():
        try:
            seal_if_due(timedelta(seconds=app.config["AUDIT_SEAL_AFTER_SECONDS"]))
        except Exception:  # the response is already sent; cron's `audit seal` tries again
            app.logger.exception("sealing the audit log after a request failed")


def _seal_after_response(response):
    # After the response is sent, so the user who saved never waits for the sealer.
    if g.pop("audit_written", False):
        app = current_app._get_current_object()
        response.call_on_close(lambda: _seal_after(app))
    return response


def init_app(app) -> None:
    app.after_request(_seal_after_response)
