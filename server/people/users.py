"""User administration shared by the CLI, the demo loader and (later) the admin pages."""

from sqlalchemy import select

from server.events import emit
from server.extensions import db
from server.models import ROLES, RoleMembership, Unit, User
from server.people.permissions import UNIT_ROLES


class UserInputError(ValueError):
    pass


def create_user(username: str, password: str, roles: list[tuple[str, str]], *,
                full_name: str = "", email: str | None = None,
                domains: list[str] | None = None) -> User:
    """Add a user with (role, unit code) memberships, or refuse all of it; the caller commits."""
    problems = []
    if not username.strip():
        problems.append("username: must not be empty")
    elif db.session.scalar(select(User.id).where(User.username == username)):
        problems.append(f"username: {username!r} already exists")
    if len(password) < 8:
        problems.append("password: must have at least 8 characters")
    memberships = []
    for role, unit_code in roles:
        unit = None
        if role not in ROLES:
            problems.append(f"role: {role!r} is not one of {', '.join(ROLES)}")
            continue
        if unit_code:
            unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
            if unit is None:
                problems.append(f"role: unit {unit_code!r} does not exist")
                continue
        elif role in UNIT_ROLES:
            problems.append(f"role: {role} needs a unit (ROLE:UNIT_CODE)")
            continue
        memberships.append(RoleMembership(
            role=role, unit=unit, domains=domains if role == "reviewer" else None))
    if problems:
        raise UserInputError("; ".join(problems))
    user = User(username=username, full_name=full_name, email=email, memberships=memberships)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    emit("user.created", "user", user.id, after={
        "username": username, "roles": [f"{m.role}:{m.unit.code if m.unit else ''}"
                                        for m in memberships]})
    return user
