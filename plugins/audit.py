"""The audit log: every event becomes an append-only row, in the write's own transaction."""

from server.extensions import db
from server.hookspecs import hookimpl
from server.models import AuditEvent


@hookimpl
def parindex_event(event):
    db.session.add(AuditEvent(
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        unit_id=event.unit_id,
        before=event.before,
        after=event.after,
        reason=event.reason,
        request_id=event.request_id,
    ))
