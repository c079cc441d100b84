"""Pinning a criteria-set version to a campaign's unit group: exact, installed, never edited."""

from server.campaigns.criteria import criteria_registry
from server.models import LEVELS, Campaign, CampaignCriteriaSet


class PinError(ValueError):
    """The pin was refused; the message says why."""


def pin_criteria_set(campaign: Campaign, unit_group: str, set_id: str,
                     version: str) -> CampaignCriteriaSet:
    """Pin `set_id@version` for `unit_group` in `campaign` (the caller commits).

    The version must be given exactly and installed, a group named after a level (province,
    district...) pins a set of that level (a group the administrator added, such as special
    units, may pin a set of any level), and a group's pin is never edited in place: pinning the
    same version again is a no-op, another is refused (a fix to a set is a new version, pinned
    in a new campaign).
    """
    if not version:
        raise PinError("a campaign pins an exact version, e.g. province-2020@1.0.0")
    criteria_set = criteria_registry().get(set_id, version)
    if criteria_set is None:
        raise PinError(f"criteria set {set_id}@{version} is not installed")
    if unit_group in LEVELS and criteria_set.level != unit_group:
        raise PinError(f"{set_id}@{version} is a {criteria_set.level} set, not for the "
                       f"{unit_group} group")
    existing = campaign.pin_for(unit_group)
    if existing is not None:
        if (existing.criteria_set_id, existing.criteria_set_version) == (set_id, version):
            return existing
        raise PinError(f"the {unit_group} group of this campaign is pinned to "
                       f"{existing.criteria_set_id}@{existing.criteria_set_version}; a pin is "
                       "never changed")
    pin = CampaignCriteriaSet(unit_group=unit_group, criteria_set_id=set_id,
                              criteria_set_version=version)
    campaign.pins.append(pin)
    return pin
