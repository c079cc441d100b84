"""User administration shared by the admin page, the API, the CLI and the demo loader."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from server import labels
from server.events import emit
from server.extensions import db
from server.models import ROLES, ApiToken, RoleMembership, Unit, User
from server.people.permissions import UNIT_ROLES


class UserInputError(ValueError):
    """[(field, message)]; nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = [(field, str(message)) for field, message in problems]
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems))


MIN_PASSWORD_LENGTH = 8
MAX_USERNAME = 80
# Deliberately loose: one @, no spaces, a dot in the domain. The mail server has the last word.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def username_problem(username: str) -> str | None:
    """What is wrong with a new username's spelling (not whether it is taken), or None."""
    if not username.strip():
        return _l("must not be empty")
    if len(username) > MAX_USERNAME:
        return _l("must have at most %(count)s characters", count=MAX_USERNAME)
    if any(ch.isspace() for ch in username):
        return _l("must not contain spaces")
    return None


def email_problem(email: str | None) -> str | None:
    if email and not _EMAIL.fullmatch(email):
        return _l("%(value)s is not an e-mail address", value=repr(email))
    return None


def create_user(username: str, password: str, roles: list[tuple[str, str]], *,
                full_name: str = "", email: str | None = None,
                domains: list[str] | None = None, must_change_password: bool = False,
                actor_id: int | None = None) -> User:
    """Add a user with (role, unit code) memberships, or refuse all of it; the caller commits.

    `must_change_password`: the password is a one-time password an administrator hands over.
    """
    problems = []
    found = username_problem(username)
    if found:
        problems.append(("username", found))
    elif db.session.scalar(select(User.id).where(User.username == username)):
        problems.append(("username", _l("user %(name)s already exists", name=repr(username))))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(("password", _l("must have at least %(count)s characters",
                                        count=MIN_PASSWORD_LENGTH)))
    found = email_problem(email)
    if found:
        problems.append(("email", found))
    memberships = []
    for role, unit_code in roles:
        unit = None
        if not role:
            problems.append(("role", _l("must not be empty")))
            continue
        if role not in ROLES:
            problems.append(("role", _l("%(value)s is not one of %(choices)s", value=repr(role),
                                         choices=", ".join(ROLES))))
            continue
        if unit_code:
            unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                problems.append(("role", _l("unknown unit %(code)s", code=repr(unit_code))))
                continue
        elif role in UNIT_ROLES:
            problems.append(("role", _l("the role %(role)s needs a unit",
                                        role=labels.ROLES[role])))
            continue
        memberships.append(RoleMembership(
            role=role, unit=unit, domains=domains if role == "reviewer" else None))
    if problems:
        raise UserInputError(problems)
    return add_user(username, password, memberships, full_name=full_name, email=email,
                    must_change_password=must_change_password, actor_id=actor_id)


def add_user(username: str, password: str, memberships: list[RoleMembership], *,
             full_name: str, email: str | None, must_change_password: bool,
             actor_id: int | None) -> User:
    """Write a user whose fields were checked; the caller commits."""
    user = User(username=username, full_name=full_name, email=email, memberships=memberships,
                must_change_password=must_change_password)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    emit("user.created", "user", user.id, actor_id=actor_id, after={
        "username": username, "must_change_password": must_change_password,
        "roles": [f"{m.role}:{m.unit.code if m.unit else ''}" for m in memberships]})
    return user


def one_time_password() -> str:
    """A random first password, shown once to the administrator who creates the user."""
    return secrets.token_urlsafe(12)


def set_user_active(user: User, active: bool, *, actor_id: int | None) -> None:
    """Deactivate (or reactivate) a user; the caller commits. A deactivated user's sessions and
    tokens stop working at once (every request checks `active`); their tokens are deleted too.
    Nobody deactivates themselves: an installation could lose its last administrator."""
    if not active and actor_id is not None and user.id == actor_id:
        raise UserInputError([("active", _l("You cannot deactivate yourself."))])
    if user.active == active:
        return
    user.active = active
    if not active:
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    emit("user.activated" if active else "user.deactivated", "user", user.id, actor_id=actor_id,
         before={"active": not active}, after={"active": active})


def update_user(user: User, changes: dict, *, actor_id: int | None) -> None:
    """Change the full name or e-mail (keys of `changes`); the caller commits."""
    before = {name: getattr(user, name) for name in changes}
    for name, value in changes.items():
        if name not in ("full_name", "email"):
            raise UserInputError([(name, "cannot be changed here")])
        setattr(user, name, value)
    if changes:
        emit("user.updated", "user", user.id, actor_id=actor_id, before=before, after=changes)
