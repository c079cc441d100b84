"""Repeated failed sign-ins are slowed, never locked out. The counts live in the database
(`login_throttles`), so every worker and host sees the same ones.

Each failure counts for the (username, address) pair and for the username alone. A pair may
fail LOGIN_FAILURES_PER_ADDRESS times; then each further try waits, twice as long after each
failure, up to LOGIN_MAX_WAIT_SECONDS. The username alone has the much higher threshold
LOGIN_FAILURES_PER_USER and counts only each pair's first failures, so no single address can slow
an account down for its owner elsewhere (a unit head on deadline night): that takes many
addresses. A success clears its pair; administrators clear a user's counters.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from server.events import emit
from server.extensions import db
from server.models import LoginThrottle, User
from server.models.types import utcnow
from server.people.users import MAX_USERNAME

# The first wait once a counter reaches its threshold; each further failure doubles it.
FIRST_WAIT_SECONDS = 15
# A counter whose last failure is this old starts again from nothing.
FORGET_AFTER = timedelta(days=1)
# The username alone waits at most this share of the longest wait: even under a spread-out
# attack its owner gets through between the attacker's tries.
USER_WAIT_SHARE = 5


@dataclass(frozen=True)
class Standing:
    """Where a username stands from an address before it tries."""

    pair_failures: int  # recent failures of this username from this address
    retry_after: int  # seconds to wait before trying; 0: it may try now


def _name(username: str) -> str:
    # No username is longer, and the key column has room for a name and an address.
    return username.strip()[:MAX_USERNAME]


def _user_key(username: str) -> str:
    return f"user:{_name(username)}"


def _pair_key(username: str, address: str) -> str:
    return f"pair:{_name(username)}|{address[:64]}"


def _wait(failures: int, threshold: int, ceiling: int) -> int:
    if failures < threshold:
        return 0
    return min(ceiling, FIRST_WAIT_SECONDS * 2 ** min(failures - threshold, 20))


def standing(username: str, address: str) -> Standing:
    now = utcnow()
    pair_key, user_key = _pair_key(username, address), _user_key(username)
    rows = db.session.scalars(select(LoginThrottle).where(
        LoginThrottle.key.in_((pair_key, user_key)),
        LoginThrottle.last_failure_at > now - FORGET_AFTER))
    config = current_app.config
    ceiling = config["LOGIN_MAX_WAIT_SECONDS"]
    pair_failures, remaining = 0, 0
    for row in rows:
        if row.key == pair_key:
            pair_failures = row.failures
            wait = _wait(row.failures, config["LOGIN_FAILURES_PER_ADDRESS"], ceiling)
        else:
            wait = _wait(row.failures, config["LOGIN_FAILURES_PER_USER"],
                         max(1, ceiling // USER_WAIT_SHARE))
        if wait:
            # Another worker's or host's clock may be a little ahead: never more than `wait`.
            elapsed = (now - row.last_failure_at).total_seconds()
            remaining = max(remaining, min(wait, math.ceil(wait - elapsed)))
    return Standing(pair_failures, remaining)


def record_failure(username: str, address: str, before: Standing) -> None:
    """Count a failed sign-in; the caller commits. `before`: the standing checked before it."""
    now = utcnow()
    _count(_pair_key(username, address), now)
    if before.pair_failures < current_app.config["LOGIN_FAILURES_PER_ADDRESS"]:
        _count(_user_key(username), now)


def _count(key: str, now: datetime) -> None:
    # One upsert, so that concurrent failures on any worker or host each count.
    table = LoginThrottle.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(key=key, failures=1, last_failure_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((table.c.last_failure_at <= now - FORGET_AFTER, 1),
                               else_=table.c.failures + 1),
              "last_failure_at": now}))


def clear_pair(username: str, address: str) -> None:
    """After a success from `address`; the caller commits."""
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.key == _pair_key(username, address)))


def recent_failures() -> dict[str, int]:
    """Username → failed sign-ins counted in the last day, for the people page."""
    rows = db.session.execute(select(LoginThrottle.key, LoginThrottle.failures).where(
        LoginThrottle.key.startswith("user:"),
        LoginThrottle.last_failure_at > utcnow() - FORGET_AFTER))
    return {key.removeprefix("user:"): failures for key, failures in rows}


def unthrottle(user: User, *, actor_id: int | None) -> int:
    """An administrator lets `user` sign in again at once from everywhere; the caller commits.
    How many counters were cleared."""
    cleared = db.session.execute(delete(LoginThrottle).where(or_(
        LoginThrottle.key == _user_key(user.username),
        LoginThrottle.key.startswith(f"pair:{_name(user.username)}|", autoescape=True)))).rowcount
    emit("user.unthrottled", "user", user.id, actor_id=actor_id, after={"cleared": cleared})
    return cleared
