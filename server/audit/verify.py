"""Checking the sealed audit log with the key, and anchoring its head outside the database.

`verify` recomputes every batch and every sealed event's keyed hash and names each sealed event
changed, inserted or deleted, each batch changed or deleted, and counts the events not sealed
yet (those are not protected until a sealer takes them). An anchor is the newest batch's
sequence and hash, kept elsewhere (another machine, paper): checking it catches even a log
rewritten and resealed under another key, which the key alone cannot tell from a real one.
"""

import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from server.audit.chain import (
    GENESIS,
    audit_key,
    batch_hash,
    event_hash,
    head_mac,
    key_id,
    utc_time,
)
from server.extensions import db
from server.models import AuditBatch, AuditEvent, AuditSealHead

ANCHOR_FORMAT = "parindex-audit-anchor/1"
# A log broken everywhere still answers quickly: the rest is counted, not listed.
MAX_PROBLEMS = 200

events = AuditEvent.__table__
batches = AuditBatch.__table__
heads = AuditSealHead.__table__


@dataclass(frozen=True)
class Problem:
    message: str
    event_id: int | None = None
    batch: int | None = None


@dataclass
class Report:
    events: int = 0  # sealed events checked
    batches: int = 0
    unsealed: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # found beyond MAX_PROBLEMS
    other_keys: set[str] = field(default_factory=set)  # key ids of batches this key did not seal

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, message: str, event_id: int | None = None, batch: int | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, event_id, batch))
        else:
            self.more_problems += 1


class AnchorError(ValueError):
    """The anchor file cannot be read or written."""


def _check_events(report: Report, key: bytes, batch, keyed: bool) -> None:
    sequence = batch["sequence"]
    try:
        listed = {int(event_id): str(digest) for event_id, digest in batch["events"]}
    except (TypeError, ValueError):  # not the [[id, hash], ...] a sealer writes
        report.add(f"batch {sequence} was changed (its list of events is unreadable)",
                   batch=sequence)
        listed = {}
    rows = db.session.execute(select(events).where(or_(
        events.c.id.in_(list(listed)), events.c.sealed_in == sequence))).mappings().all()
    found = {row["id"]: row for row in rows}
    for event_id in listed.keys() - found.keys():
        report.add(f"event {event_id} (sealed in batch {sequence}) was deleted", event_id,
                   sequence)
    for event_id, row in sorted(found.items()):
        if event_id not in listed:
            report.add(f"event {event_id} was inserted into batch {sequence}", event_id,
                       sequence)
            continue
        report.events += 1
        if keyed and not hmac.compare_digest(listed[event_id], event_hash(key, row)):
            report.add(f"event {event_id} (batch {sequence}) was changed", event_id, sequence)
        elif row["sealed_in"] != sequence:
            where = "unsealed" if row["sealed_in"] is None else f"in batch {row['sealed_in']}"
            report.add(f"event {event_id} (sealed in batch {sequence}) was marked {where}",
                       event_id, sequence)


def _check_head(report: Report, key: bytes, last, keyed: bool) -> None:
    head = db.session.execute(select(heads).where(heads.c.id == 1)).mappings().first()
    if head is None:
        if last is not None:
            report.add("the sealed head was deleted")
        return
    if keyed and not hmac.compare_digest(head["mac"], head_mac(key, head["sequence"],
                                                               head["hash"])):
        report.add("the sealed head was changed", batch=head["sequence"])
    elif last is None or head["sequence"] > last["sequence"]:
        first = 1 if last is None else last["sequence"] + 1
        report.add(f"batches {first} to {head['sequence']} were deleted (the sealed head "
                   f"names batch {head['sequence']})", batch=head["sequence"])
    elif head["sequence"] != last["sequence"] or head["hash"] != last["hash"]:
        report.add(f"batch {last['sequence']} is not the sealed head (batch "
                   f"{head['sequence']}): it was inserted or changed", batch=last["sequence"])


def _check_anchor(report: Report, anchor: dict) -> None:
    sequence = anchor["sequence"]
    stored = db.session.execute(select(batches.c.hash).where(batches.c.sequence == sequence)
                                ).scalar_one_or_none()
    if stored is None:
        report.add(f"the anchored batch {sequence} was deleted", batch=sequence)
    elif not hmac.compare_digest(stored, anchor["hash"]):
        report.add(f"the anchored batch {sequence} no longer has the anchored hash: the log "
                   "was rewritten since the anchor was taken", batch=sequence)


def verify(anchor: dict | None = None) -> Report:
    """Check every sealed batch and event with the key (and the anchor when given)."""
    key = audit_key()
    own_key = key_id(key)
    report = Report()
    prev_sequence, prev_hash, last = 0, GENESIS, None
    query = select(batches).order_by(batches.c.sequence).execution_options(yield_per=100)
    for batch in db.session.execute(query).mappings():
        sequence = batch["sequence"]
        report.batches += 1
        if sequence != prev_sequence + 1:
            report.add(f"batches {prev_sequence + 1} to {sequence - 1} were deleted",
                       batch=prev_sequence + 1)
        elif batch["prev_hash"] != prev_hash:
            report.add(f"batch {sequence} no longer follows batch {prev_sequence}",
                       batch=sequence)
        keyed = batch["key_id"] == own_key
        if not keyed:
            report.other_keys.add(batch["key_id"])
        elif not hmac.compare_digest(batch["hash"], batch_hash(key, batch["prev_hash"], batch)):
            report.add(f"batch {sequence} was changed", batch=sequence)
        _check_events(report, key, batch, keyed)
        prev_sequence, prev_hash, last = sequence, batch["hash"], batch
    orphans = db.session.execute(
        select(events.c.id, events.c.sealed_in)
        .outerjoin(batches, batches.c.sequence == events.c.sealed_in)
        .where(events.c.sealed_in.is_not(None), batches.c.sequence.is_(None))
        .order_by(events.c.id)).all()
    for event_id, sequence in orphans:
        report.add(f"event {event_id} names batch {sequence}, which does not exist (the event "
                   "was inserted or its batch deleted)", event_id, sequence)
    _check_head(report, key, last, not report.other_keys)
    if report.other_keys:
        report.problems.insert(0, Problem(
            f"the audit key is missing or does not match: {report.batches} batches were sealed "
            f"with key {', '.join(sorted(report.other_keys))}, this server's key is {own_key}. "
            "Restore the key kept apart from the database backups (instance/audit_key or "
            "PARINDEX_AUDIT_KEY); without it the log can be read but not verified"))
    if anchor is not None:
        _check_anchor(report, anchor)
    report.unsealed = db.session.scalar(select(func.count()).select_from(events)
                                        .where(events.c.sealed_in.is_(None)))
    db.session.rollback()
    return report


def current_anchor() -> dict | None:
    """The newest sealed batch, to be kept outside the database; None before any seal."""
    batch = db.session.execute(select(batches.c.sequence, batches.c.hash, batches.c.sealed_at,
                                      batches.c.key_id)
                               .order_by(batches.c.sequence.desc()).limit(1)).mappings().first()
    if batch is None:
        return None
    return {"format": ANCHOR_FORMAT, "sequence": batch["sequence"], "hash": batch["hash"],
            "sealed_at": utc_time(batch["sealed_at"]), "key_id": batch["key_id"],
            "exported_at": utc_time(datetime.now(UTC))}


def read_anchor(data: dict) -> dict:
    if not isinstance(data, dict) or data.get("format") != ANCHOR_FORMAT or \
            not isinstance(data.get("sequence"), int) or not isinstance(data.get("hash"), str):
        raise AnchorError(f"not an audit anchor (format {ANCHOR_FORMAT} with a sequence and "
                          "a hash)")
    return data
