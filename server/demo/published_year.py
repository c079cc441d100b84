"""Demo results of the year before (2020), published, so the ranking pages, the scorecards and
the public page have something to show after `bin/serve`. Every score is invented: each unit
gets the maximum on every sub-criterion except a deterministic, unit-dependent share set to 0.
"""

import hashlib
from collections import defaultdict

from sqlalchemy import select

from server.campaigns.campaign_workflow import apply_campaign_transition
from server.campaigns.criteria import criteria_registry
from server.campaigns.setup import CampaignFields, create_campaign, open_campaign
from server.demo.reviewers import assign_demo_reviewers
from server.engine.results import json_ready
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Unit, User
from server.results.publications import publish

YEAR = 2020
PINS = {"province": "province-2020@1.0.0", "department": "department@1.0.0"}


def _dropped(unit_code: str, leaf_code: str, share: int) -> bool:
    digest = hashlib.sha256(f"{unit_code}/{leaf_code}".encode()).digest()
    return digest[0] * 100 // 256 < share


def load_demo_publications(admin: User, reviewers: dict[str, User]) -> Campaign:
    """A closed 2020 campaign with invented, finalised and published results for the province
    and its departments (one publication per group; publishing commits). The campaign is set
    up, opened and published through the services; the invented scores are written as the
    appraisal round's outcome, since no real round took place."""
    campaign = create_campaign(CampaignFields(
        year=YEAR, title=f"Chỉ số CCHC năm {YEAR} (dữ liệu mẫu)", pins=PINS,
        confirm_unverified=True), actor_id=admin.id)
    assign_demo_reviewers(campaign, reviewers, admin)
    open_campaign(campaign, actor_id=admin.id)  # at once: the demo loads before a worker runs
    registry = criteria_registry()
    dossiers = db.session.scalars(
        select(Assessment).join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id).order_by(Unit.code))
    positions = defaultdict(int)
    for assessment in dossiers:
        criteria_set = registry.get(assessment.criteria_set_id, assessment.criteria_set_version)
        position = positions[assessment.unit_group]
        positions[assessment.unit_group] += 1
        share = 8 + (position * 7) % 25
        code = assessment.unit.code
        values = {leaf.code: json_ready(leaf.rule.zero_input() if _dropped(code, leaf.code, share)
                                        else leaf.rule.max_input())
                  for leaf in criteria_set.leaves()}
        # The council accepted every self score, as a finalised dossier has it.
        assessment.answers = [
            Answer(code=leaf.code, source=source, value=values[leaf.code])
            for leaf in criteria_set.leaves()
            for source in ((leaf.source, "appraisal") if leaf.source == "self"
                           else (leaf.source,))]
        assessment.state = "finalised"
    db.session.commit()
    for group in PINS:
        publish(campaign, group, admin)
    # Published while open; a closed campaign's dossiers take no more steps.
    apply_campaign_transition(campaign, "close", admin, "the demo year is over")
    return campaign
