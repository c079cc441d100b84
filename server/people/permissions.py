"""Who may act on which unit: the one place that reads role memberships for authorization.

Unit roles (unit head, unit editor) hold only for their own unit; administrator, reviewer and
viewer hold for every unit (a reviewer's domains and assignments are checked by the appraisal
service). Every view and API resource asks here, so the web UI and the API cannot disagree.
"""

from server.models import User

UNIT_ROLES = ("unit_head", "unit_editor")
GLOBAL_ROLES = ("admin", "reviewer", "viewer")


def roles_for_unit(user: User, unit_id: int | None) -> set[str]:
    """The roles `user` holds with respect to the unit `unit_id`."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.role for m in user.memberships
            if m.role in GLOBAL_ROLES or (m.role in UNIT_ROLES and m.unit_id == unit_id)}


def own_unit_ids(user: User) -> set[int]:
    """The units `user` belongs to through a unit role."""
    return {m.unit_id for m in user.memberships if m.role in UNIT_ROLES and m.unit_id}


def can_read_unit(user: User, unit_id: int) -> bool:
    """Anyone with a role for the unit may read its dossier."""
    return bool(roles_for_unit(user, unit_id))


def can_edit_unit(user: User, unit_id: int) -> bool:
    """Unit editors and heads change their own unit's self-assessment and evidence."""
    return bool(roles_for_unit(user, unit_id).intersection(UNIT_ROLES))


def audit_scope(user: User) -> set[int] | None:
    """The units whose audit events `user` may read; None means every event (administrators)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.has_role("admin"):
        return None
    return own_unit_ids(user)
