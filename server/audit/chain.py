"""Writing audit events, and the keyed hashes that seal them.

Writers only insert: an event is written unsealed in the write's own transaction, with no lock
shared by other writers. A sealer (server.audit.seal) later takes every committed unsealed
event into a batch. A batch lists its events' ids with HMAC(key, event's canonical JSON), and its
hash is HMAC(key, previous batch's hash + the batch's canonical JSON), so whoever can write the
database but does not hold the key cannot rewrite, insert or delete a sealed event, nor a batch,
and recompute what `audit verify` checks. The key is `AUDIT_KEY` (server.config): the environment
or the instance folder, never the database.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from flask import current_app, g, has_request_context

from server.extensions import db
from server.models import AuditEvent

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "at", "actor_id", "action", "object_type", "object_id", "unit_id",
                 "before", "after", "reason", "request_id")


def audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def utc_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def canonical(fields: dict) -> str:
    """An event's columns as hashed: keys sorted, times in UTC with microseconds."""
    data = {key: fields.get(key) for key in HASHED_FIELDS}
    data["at"] = utc_time(data["at"])
    return _json(data)


def event_hash(key: bytes, fields: dict) -> str:
    return _mac(key, "event\n" + canonical(fields))


def batch_hash(key: bytes, prev_hash: str, batch: dict) -> str:
    content = {"sequence": batch["sequence"], "sealed_at": utc_time(batch["sealed_at"]),
               "key_id": batch["key_id"], "events": batch["events"]}
    return _mac(key, f"batch\n{prev_hash}\n{_json(content)}")


def head_mac(key: bytes, sequence: int, hash_: str) -> str:
    return _mac(key, f"head\n{sequence}\n{hash_}")


def key_id(key: bytes) -> str:
    """Names the key without revealing it: tells a missing or other key from a changed log."""
    return _mac(key, "parindex audit key")[:16]


def jsonable(value):
    """The value as the JSON column hands it back, so what is hashed is what is read."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def append(**fields) -> AuditEvent:
    """Add one unsealed event to the session (the caller's transaction commits it)."""
    fields["at"] = fields.get("at") or datetime.now(UTC)
    fields["before"] = jsonable(fields.get("before"))
    fields["after"] = jsonable(fields.get("after"))
    fields["reason"] = fields.get("reason") or ""
    row = AuditEvent(**fields)
    db.session.add(row)
    if has_request_context():  # the request seals soon after its response (server.audit.seal)
        g.audit_written = True
    return row
