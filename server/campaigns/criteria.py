"""Access to the app's criteria registry, the summaries every interface shows, and the set a
campaign scores a unit group with."""

from dataclasses import replace
from decimal import Decimal

from flask import current_app

from server.campaigns.criteria_registry import CriteriaRegistry
from server.engine import Band, CriteriaSet
from server.engine.decimals import plain
from server.models import Campaign


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


class RankingError(Exception):
    """The group cannot be ranked (no pin for the group, unknown set, unscorable answers)."""


def group_criteria_set(campaign: Campaign, group: str) -> CriteriaSet:
    """The set the campaign pins for `group`, as the campaign applies it: without a survey
    this year the survey items leave the score; the campaign's bands replace the set's."""
    pin = campaign.pin_for(group)
    if pin is None:
        raise RankingError(f"campaign {campaign.id} pins no criteria set for group {group!r}")
    criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
    if criteria_set is None:
        raise RankingError(f"criteria set {pin.criteria_set_id} {pin.criteria_set_version} "
                           "is not installed")
    if not campaign.survey:  # no survey this year: the appraised points are rescaled to 100
        criteria_set = replace(criteria_set, survey_optional=True)
    if campaign.bands:  # the campaign's classification bands replace the set's
        criteria_set = replace(criteria_set, bands=tuple(
            Band(band["label"], Decimal(band["min"]), tuple(
                (key, Decimal(minimum))
                for key, minimum in band.get("min_components", {}).items()))
            for band in campaign.bands))
    return criteria_set
