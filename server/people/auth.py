"""Who is asking: session login for the web UI, bearer tokens for the API."""

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from server.events import emit
from server.extensions import db, login_manager
from server.models import ApiToken, User
from server.people import login_throttle
from server.people.users import MAX_USERNAME

# The session remembers the user's session version it was opened under (see User).
SESSION_VERSION = "session_version"


def init_app(app) -> None:
    login_manager.login_view = "web.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or session.get(SESSION_VERSION) != user.session_version:
        return None
    return user


def start_session(user: User) -> None:
    """Sign `user` in on this browser session."""
    login_user(user)
    keep_session(user)


def keep_session(user: User) -> None:
    """After `user`'s session version moved on (a password change): this session goes on."""
    session[SESSION_VERSION] = user.session_version


def end_sessions(user: User) -> None:
    """Every session of `user`, on every worker, stops working; the caller commits."""
    user.session_version = User.session_version + 1


class SignInThrottled(Exception):
    """Too many recent failures for this username from this address (or from everywhere)."""

    def __init__(self, retry_after: int):
        super().__init__(f"try again in {retry_after} seconds")
        self.retry_after = retry_after


def sign_in(username: str, password: str, address: str) -> User | None:
    """The active user with these credentials, or None (the same answer for every kind of miss).

    Raises SignInThrottled, without checking the password, while this username must wait from
    this address. Failures and refusals are counted and audited: the caller commits either way.
    """
    before = login_throttle.standing(username, address)
    # Never the password: the audit log is read by every administrator.
    attempt = {"username": username.strip()[:MAX_USERNAME], "address": address}
    if before.retry_after:
        emit("auth.login_throttled", "user", after={**attempt, "retry_after": before.retry_after})
        raise SignInThrottled(before.retry_after)
    user = _authenticate(username, password)
    if user is None:
        login_throttle.record_failure(username, address, before)
        emit("auth.login_failed", "user", after=attempt)
        return None
    login_throttle.clear_pair(username, address)
    return user


def _authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        # Checking a hash of the configured method costs what checking a real one does, so the
        # answer's timing does not tell which usernames exist.
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


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
        # On a connection of its own: the request's session (its user, memberships) stays
        # loaded rather than being expired by a commit.
        with db.engine.begin() as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == row.id)
                               .values(last_used_at=now))
        set_committed_value(row, "last_used_at", now)
    return row.user
