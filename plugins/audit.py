"""The audit log: every event becomes an append-only row, in the write's own transaction,
sealed into the keyed chain soon after (see server.audit.chain and server.audit.seal)."""

from server.audit import chain as audit_chain
from server.hookspecs import hookimpl


@hookimpl
def parindex_event(event):
    audit_chain.append(
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        unit_id=event.unit_id,
        before=event.before,
        after=event.after,
        reason=event.reason,
        request_id=event.request_id,
    )
