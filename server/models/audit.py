"""The append-only audit log: every write leaves one event."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    # The unit the object belongs to, so units can read their own trail.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[str | None] = mapped_column(String(64))
    # The sealed batch holding this event (server.audit.chain); None until a sealer takes it.
    sealed_in: Mapped[int | None] = mapped_column(index=True)

    actor = relationship("User", lazy="joined")
    unit = relationship("Unit", lazy="joined")


class AuditBatch(db.Model):
    """Events sealed together, in the order the sealer took them: their ids and keyed hashes,
    chained to the previous batch by an HMAC whose key is kept outside the database."""

    __tablename__ = "audit_batches"

    sequence: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sealed_at: Mapped[datetime] = mapped_column(Timestamp)
    # Which key sealed it (an HMAC of a constant, not the key): tells a missing key from a change.
    key_id: Mapped[str] = mapped_column(String(16))
    # [[event id, HMAC of the event's canonical JSON], ...]
    events: Mapped[list] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSealHead(db.Model):
    """One row: the newest batch and an HMAC over it, so deleting the newest batches is noticed."""

    __tablename__ = "audit_seal_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sequence: Mapped[int] = mapped_column()
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):
    raise PermissionError("audit events are append-only")
