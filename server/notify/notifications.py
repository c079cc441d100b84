"""Reading and marking in-app notifications (shared by the web page and the API)."""

from datetime import UTC, datetime

from sqlalchemy import select, update

from server.events import emit
from server.extensions import db
from server.models import Notification, User


def notifications_for(user: User, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of `user` as read; the caller commits.
    Returns how many changed; another user's notification is never touched."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query.values(read_at=datetime.now(UTC))).rowcount
    if changed:
        emit("notification.read", "notification", notification_id, actor_id=user.id,
             after={"count": changed})
    return changed
