"""A campaign whose province group is ready to publish, for the API, CLI and web tests."""

from server.extensions import db
from tests.ranking_data import accept_all, full_answers, write_answers


def finalised_group(app, make, states=("finalised", "finalised", "finalised")):
    """Provinces P01, P02, P03 (best first) with their dossiers in `states`; the campaign."""
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    for (code, drop), state in zip((("P01", 0), ("P02", 10), ("P03", 20)), states, strict=True):
        unit = make.unit(code, level="province", group="province", name=f"Tỉnh {code}")
        assessment = make.assessment(campaign, unit)
        write_answers(assessment, criteria_set, full_answers(criteria_set, drop))
        accept_all(assessment)
        assessment.state = state
    db.session.commit()
    return campaign


def lower_one_score(app, campaign, unit_code):
    """An appraisal that sets the unit's first self-assessed item to zero (data drift)."""
    from sqlalchemy import select

    from server.models import Assessment, Unit
    from tests.ranking_data import json_value, set_appraisal

    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    leaf = next(leaf for leaf in criteria_set.leaves() if leaf.source == "self")
    assessment = db.session.scalar(
        select(Assessment).join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Unit.code == unit_code))
    set_appraisal(assessment.id, leaf.code, json_value(leaf.rule.zero_input()), "Sai")
    db.session.commit()
    return leaf
