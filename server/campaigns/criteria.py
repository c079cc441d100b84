"""Access to the app's criteria registry and the summaries every interface shows."""

from flask import current_app

from server.campaigns.criteria_registry import CriteriaRegistry
from server.engine import CriteriaSet
from server.engine.decimals import plain


def criteria_registry() -> CriteriaRegistry:
    return current_app.extensions["parindex"].criteria


def summary(criteria_set: CriteriaSet) -> dict:
    """The facts every list of sets shows, including how much of the set is verified."""
    return {
        "id": criteria_set.id,
        "version": criteria_set.version,
        "title": criteria_set.title,
        "level": criteria_set.level,
        "legal_basis": {"number": criteria_set.legal_basis.number,
                        "date": criteria_set.legal_basis.date,
                        "title": criteria_set.legal_basis.title},
        "years": list(criteria_set.years),
        "max_points": plain(criteria_set.max_points),
        "verified": criteria_set.verified,
        "verification": criteria_set.verification(),
    }
