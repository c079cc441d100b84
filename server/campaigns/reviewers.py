"""Reviewer assignments: the administrator gives each reviewer domains (optionally of one unit
group) per campaign, and `may_appraise` is the one check of who may appraise what.

Nobody appraises a unit they belong to, through any role, administrators included.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, ReviewerAssignment, User
from server.people.groups import group_labels, unknown_group_message


class AssignmentError(ValueError):
    """Refused input; `errors` maps each bad field to its (translated) message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _snapshot(row: ReviewerAssignment) -> dict:
    return {"campaign_id": row.campaign_id, "reviewer_id": row.reviewer_id,
            "domains": list(row.domains), "unit_group": row.unit_group}


def assign_reviewer(campaign: Campaign, reviewer: User | None, domains, unit_group: str | None,
                    actor: User | None) -> ReviewerAssignment:
    """Add an assignment, or refuse it with every problem; the caller commits. `actor` is None
    only for the command line."""
    errors = {}
    if reviewer is None:
        errors["reviewer"] = _l("There is no such user.")
    elif not reviewer.has_role("reviewer"):
        errors["reviewer"] = _l("This user is not a reviewer.")
    codes = sorted({str(d).strip() for d in domains or () if str(d).strip()},
                   key=lambda c: (len(c), c))
    if not codes:
        errors["domains"] = _l("Choose at least one domain.")
    unit_group = unit_group or None
    if unit_group is not None:
        groups = group_labels(include_inactive=False)
        if unit_group not in groups:
            errors["unit_group"] = unknown_group_message(unit_group, groups)
    if errors:
        raise AssignmentError(errors)
    row = ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id, domains=codes,
                             unit_group=unit_group)
    db.session.add(row)
    db.session.flush()
    emit("reviewer_assignment.created", "reviewer_assignment", row.id,
         actor_id=actor.id if actor else None, after=_snapshot(row))
    return row


def remove_assignment(row: ReviewerAssignment, actor: User, reason: str = "") -> None:
    """Delete an assignment; the caller commits."""
    before = _snapshot(row)
    db.session.delete(row)
    emit("reviewer_assignment.deleted", "reviewer_assignment", row.id, actor_id=actor.id,
         before=before, reason=reason)


def assignments(campaign_id: int, reviewer_id: int | None = None) -> list[ReviewerAssignment]:
    query = select(ReviewerAssignment).where(ReviewerAssignment.campaign_id == campaign_id)
    if reviewer_id is not None:
        query = query.where(ReviewerAssignment.reviewer_id == reviewer_id)
    return list(db.session.scalars(query.order_by(ReviewerAssignment.id)))


def belongs_to(user: User, unit_id: int) -> bool:
    """Whether `user` holds any role scoped to the unit (a head, an editor, a reviewer from it)."""
    return any(m.unit_id == unit_id for m in user.memberships)


def appraisable_domains(user: User, assessment: Assessment, domain_codes,
                        user_assignments: list[ReviewerAssignment] | None = None) -> set[str]:
    """The domains among `domain_codes` that `user` may appraise in `assessment`, read with one
    query of assignments (the same rule as `may_appraise`); a caller going through many
    assessments passes the user's assignments, read once, as `user_assignments`."""
    codes = list(domain_codes)
    if not getattr(user, "is_authenticated", False) or belongs_to(user, assessment.unit_id):
        return set()
    if user.has_role("admin"):
        return set(codes)
    allowed = role_domains(user)
    group = assessment.unit_group
    found = set()
    if user_assignments is None:
        user_assignments = assignments(assessment.campaign_id, user.id)
    for assignment in user_assignments:
        if assignment.campaign_id == assessment.campaign_id and assignment.covers(group):
            found |= {c for c in codes if c in assignment.domains
                      and (allowed is None or c in allowed)}
    return found


def role_domains(user: User) -> set[str] | None:
    """The domains the user's reviewer role allows: None for every domain, empty without the
    role."""
    memberships = [m for m in user.memberships if m.role == "reviewer"]
    if any(m.domains is None for m in memberships):
        return None
    return {d for m in memberships for d in m.domains}


def reaches(assignment: ReviewerAssignment, unit_id: int, unit_group: str,
            domain_code: str) -> bool:
    """Whether `assignment` lets its reviewer appraise `domain_code` of the unit: the rule of
    `may_appraise`, for one assignment (the campaign page and the appraisal steps ask it)."""
    reviewer = assignment.reviewer
    if belongs_to(reviewer, unit_id) or not assignment.covers(unit_group, domain_code):
        return False
    if reviewer.has_role("admin"):
        return True
    allowed = role_domains(reviewer)
    return allowed is None or domain_code in allowed


def may_appraise(user: User, assessment: Assessment, domain_code: str | None = None) -> bool:
    """Whether `user` may appraise `assessment` (in `domain_code`, or in some domain if None).

    Administrators may appraise any unit but their own; a reviewer needs an assignment for the
    assessment's campaign covering the unit's group (and the domain, when one is named) and the
    domain among the reviewer's own domains, if the role limits them.
    """
    if not getattr(user, "is_authenticated", False) or belongs_to(user, assessment.unit_id):
        return False
    if user.has_role("admin"):
        return True
    allowed = role_domains(user)

    def permitted(code: str) -> bool:
        return allowed is None or code in allowed

    group = assessment.unit_group
    for assignment in assignments(assessment.campaign_id, user.id):
        if not assignment.covers(group):
            continue
        codes = [domain_code] if domain_code is not None else assignment.domains
        if any(code in assignment.domains and permitted(code) for code in codes):
            return True
    return False
