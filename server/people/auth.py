"""Who is asking: session login for the web UI, bearer tokens for the API."""

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.events import emit
from server.extensions import db, login_manager
from server.models import ApiToken, User


def init_app(app) -> None:
    login_manager.login_view = "web.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every kind of miss)."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def issue_token(user: User, name: str = "") -> str:
    """Create an API token for `user`; the caller commits. The clear token is returned only once."""
    token = ApiToken.generate()
    days = current_app.config["API_TOKEN_DAYS"]
    row = ApiToken(
        user_id=user.id, name=name, token_hash=ApiToken.hash(token),
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    emit("token.created", "api_token", row.id, actor_id=user.id, after={"name": name})
    return token


# "Last used" is shown to the minute or so: a write per request would cost more than it tells.
LAST_USE_PRECISION = timedelta(minutes=1)


def user_for_token(header: str | None) -> User | None:
    """The user behind an `Authorization: Bearer …` header, if the token is valid.

    Records when the token was last used, committing that on its own.
    """
    if not header or not header.startswith("Bearer "):
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(header[7:].strip()))
    )
    now = datetime.now(UTC)
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_PRECISION:
        row.last_used_at = now
        db.session.commit()
    return row.user
