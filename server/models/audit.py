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
    # The hash chain (see server.audit.chain): SHA-256 over the previous row's hash and this
    # row's canonical JSON, so a changed, inserted or deleted row breaks every later link.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    actor = relationship("User", lazy="joined")
    unit = relationship("Unit", lazy="joined")


class AuditChainHead(db.Model):
    """One row: the last event of the chain. Writers lock it (UPDATE first, on PostgreSQL a row
    lock, on SQLite the database write lock) so two transactions never chain onto the same row;
    its hash also lets `audit verify` notice a deleted last row."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None] = mapped_column()
    last_hash: Mapped[str | None] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):
    raise PermissionError("audit events are append-only")
