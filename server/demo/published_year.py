"""Demo results of the year before (2020), published, so the ranking pages, the scorecards and
the public page have something to show after `bin/serve`. Every score is invented: each unit
gets the maximum on every sub-criterion except a deterministic, unit-dependent share set to 0.
"""

import hashlib

from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.engine.results import json_ready
from server.extensions import db
from server.models import Answer, Campaign, CampaignCriteriaSet, Unit, User, dossier_for
from server.results.publications import publish

YEAR = 2020
PINS = {"province": ("province-2020", "1.0.0"), "department": ("department", "1.0.0")}


def _dropped(unit_code: str, leaf_code: str, share: int) -> bool:
    digest = hashlib.sha256(f"{unit_code}/{leaf_code}".encode()).digest()
    return digest[0] * 100 // 256 < share


def load_demo_publications(admin: User) -> Campaign:
    """A closed 2020 campaign with invented, finalised and published results for the province
    and its departments (one publication per group; publishing commits)."""
    campaign = Campaign(year=YEAR, title=f"Chỉ số CCHC năm {YEAR} (dữ liệu mẫu)", state="closed",
                        pins=[CampaignCriteriaSet(unit_group=group, criteria_set_id=set_id,
                                                  criteria_set_version=version)
                              for group, (set_id, version) in PINS.items()])
    db.session.add(campaign)
    registry = criteria_registry()
    for group, (set_id, version) in PINS.items():
        criteria_set = registry.get(set_id, version)
        units = db.session.scalars(select(Unit).filter_by(group=group).order_by(Unit.code))
        for position, unit in enumerate(units):
            assessment = dossier_for(campaign, unit, set_id, version)
            assessment.state = "finalised"
            db.session.add(assessment)
            share = 8 + (position * 7) % 25
            values = {leaf.code: json_ready(leaf.rule.zero_input()
                                            if _dropped(unit.code, leaf.code, share)
                                            else leaf.rule.max_input())
                      for leaf in criteria_set.leaves()}
            # The council accepted every self score, as a finalised dossier has it.
            assessment.answers = [
                Answer(code=leaf.code, source=source, value=values[leaf.code])
                for leaf in criteria_set.leaves()
                for source in ((leaf.source, "appraisal") if leaf.source == "self"
                               else (leaf.source,))]
    db.session.flush()
    for group in PINS:
        publish(campaign, group, admin)
    return campaign
