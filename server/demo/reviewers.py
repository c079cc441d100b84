"""The demo's appraisal council, assigned so that every campaign of the demo can open."""

from server.campaigns.criteria import criteria_registry
from server.campaigns.reviewers import assign_reviewer
from server.extensions import db
from server.models import Campaign, User

REVIEWERS = ("thamdinh", "thamdinh2", "hoidong")


def assign_demo_reviewers(campaign: Campaign, reviewers: dict[str, User], admin: User) -> None:
    """Every unit's every domain gets a reviewer who is not of that unit: the SNV's two
    reviewers split the domains, the Office of the People's Committee appraises the SNV."""
    for pin in campaign.pins:
        domains = [d.code for d in criteria_registry().get(
            pin.criteria_set_id, pin.criteria_set_version).domains]
        mine = [code for code in domains if code in ("1", "4", "5")]
        rest = [code for code in domains if code not in mine]
        for name, codes in (("thamdinh", mine), ("thamdinh2", rest), ("hoidong", domains)):
            if codes:
                assign_reviewer(campaign, reviewers[name], codes, pin.unit_group, admin)
    db.session.commit()
