"""The effort weights a campaign gives the planner per item: 1 unless the Department of Home
Affairs sets another (a survey item, say, is harder to move than a report sent on time)."""

from flask_babel import lazy_gettext as _l

from server.campaigns.criteria import group_criteria_set
from server.events import emit
from server.models import Campaign, User

MAX_WEIGHT = 100


class WeightsError(ValueError):
    """Refused weights; `errors` maps each bad field to its message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def effort_weights(campaign: Campaign, group: str) -> dict[str, int]:
    """leaf code -> weight, for the items of `group` whose weight is not 1."""
    return dict((campaign.plan_weights or {}).get(group, {}))


def set_effort_weights(campaign: Campaign, group: str, weights: dict, user: User,
                       reason: str = "") -> dict[str, int]:
    """Replace the group's weights (leaf code -> whole number 1..100; 1 is left out). Refuses
    with every problem and writes nothing then; one audited event; the caller commits."""
    if not user.has_role("admin"):
        raise WeightsError({"": _l("Only the Department of Home Affairs sets effort weights.")})
    leaves = group_criteria_set(campaign, group).leaf_index
    errors, clean = {}, {}
    for code, weight in (weights or {}).items():
        if code not in leaves:
            errors[f"weights.{code}"] = _l("No item %(code)s in this group's criteria set.",
                                           code=code)
        elif isinstance(weight, bool) or not isinstance(weight, int) \
                or not 1 <= weight <= MAX_WEIGHT:
            errors[f"weights.{code}"] = _l("A weight is a whole number from 1 to %(max)s.",
                                           max=MAX_WEIGHT)
        elif weight != 1:
            clean[code] = weight
    if errors:
        raise WeightsError(errors)
    before = effort_weights(campaign, group)
    if before != clean:
        campaign.plan_weights = {**(campaign.plan_weights or {}), group: clean}
        emit("campaign.plan_weights", "campaign", campaign.id, actor_id=user.id,
             before={"group": group, "weights": before},
             after={"group": group, "weights": clean}, reason=reason)
    return clean
