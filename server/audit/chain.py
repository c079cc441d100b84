"""The audit log's hash chain.

Each event's `hash` is SHA-256 over the previous event's hash and the event's canonical JSON
(every column but `id`, `prev_hash` and `hash`; keys sorted; times in UTC with microseconds), so
changing, inserting or deleting any row breaks the chain at that row. `audit_chain_head` holds the
last link: writers lock it before reading it, so concurrent transactions chain one after another
(on PostgreSQL a row lock held to commit; on SQLite the database write lock), and `verify` compares
it with the last row, so deleting the newest event is noticed too.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from server.extensions import db
from server.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
HASHED_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "unit_id", "before",
                 "after", "reason", "request_id")


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict) -> str:
    data = {key: fields.get(key) for key in HASHED_FIELDS}
    data["at"] = _time(data["at"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(fields)}".encode()).hexdigest()


def jsonable(value):
    """The value as the JSON column hands it back, so what is hashed is what is read."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _lock_head() -> str:
    """Lock the chain head for this transaction and return the last hash."""
    session = db.session
    # An UPDATE first: it takes the lock on every database before anything is read.
    locked = session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                             .values(id=1)).rowcount
    if not locked:  # a database emptied by hand (or by the tests): start the chain again
        new_head = insert(AuditChainHead).values(id=1, last_event_id=None, last_hash=None)
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            new_head = pg_insert(AuditChainHead).values(id=1).on_conflict_do_nothing()
        else:
            new_head = new_head.prefix_with("OR IGNORE")
        session.execute(new_head)
        session.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(id=1))
    head = session.execute(select(AuditChainHead.last_hash).where(AuditChainHead.id == 1)
                           .with_for_update()).scalar_one_or_none()
    return head or GENESIS


def append(**fields) -> AuditEvent:
    """Add one chained event to the session (the caller's transaction commits it)."""
    fields["at"] = fields.get("at") or datetime.now(UTC)
    fields["before"] = jsonable(fields.get("before"))
    fields["after"] = jsonable(fields.get("after"))
    fields["reason"] = fields.get("reason") or ""
    prev = _lock_head()
    row = AuditEvent(**fields, prev_hash=prev, hash=link_hash(prev, fields))
    db.session.add(row)
    db.session.flush()
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == 1)
                       .values(last_event_id=row.id, last_hash=row.hash))
    return row


@dataclass(frozen=True)
class Break:
    event_id: int | None
    problem: str


def verify(batch: int = 1000) -> tuple[int, Break | None]:
    """Walk the chain in id order; return (events checked, first break or None)."""
    prev = GENESIS
    last_id = 0
    checked = 0
    while True:
        rows = db.session.execute(select(AuditEvent.__table__).where(AuditEvent.id > last_id)
                                  .order_by(AuditEvent.id).limit(batch)).mappings().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if row["prev_hash"] != prev:
                return checked, Break(row["id"], "the previous event was changed or deleted")
            if row["hash"] != link_hash(prev, dict(row)):
                return checked, Break(row["id"], "this event was changed")
            prev = row["hash"]
            last_id = row["id"]
    head = db.session.execute(select(AuditChainHead)).scalar_one_or_none()
    head_hash = head.last_hash if head else None
    if (head_hash or GENESIS) != prev:
        return checked, Break(head.last_event_id if head else None,
                              "the newest events were deleted (the chain head does not match)")
    return checked, None
