"""Domain events: every write announces itself through the `parindex_event` hook."""

from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from flask_login import current_user


@dataclass(frozen=True)
class Event:
    action: str
    object_type: str
    object_id: str | None = None
    unit_id: int | None = None
    before: dict | None = None
    after: dict | None = None
    reason: str = ""
    actor_id: int | None = None
    request_id: str | None = None
    extra: dict = field(default_factory=dict)


def emit(action: str, object_type: str, object_id=None, *, actor_id=None, **details) -> Event:
    """Announce a write inside its transaction; the caller commits."""
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    event = Event(
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        actor_id=actor_id,
        request_id=g.get("request_id") if has_request_context() else None,
        **details,
    )
    current_app.extensions["parindex"].pm.hook.parindex_event(event=event)
    return event
