"""The group the planner's tests plan for."""

import pytest

from server.extensions import db
from tests.ranking_data import accept_all, full_answers, write_answers

DROPS = (("P01", 0), ("P02", 6), ("P03", 12), ("P04", 18), ("P05", 30))


@pytest.fixture
def group(make, province_set):
    """Five finalised provinces, each losing the first `drop` items, and an administrator."""
    campaign = make.campaign()
    dossiers, heads = {}, {}
    for code, drop in DROPS:
        unit = make.unit(code, level="province", group="province")
        heads[code] = make.user("unit_head", unit)
        assessment = make.assessment(campaign, unit)
        write_answers(assessment, province_set, full_answers(province_set, drop))
        accept_all(assessment)
        assessment.state = "finalised"
        dossiers[code] = assessment
    db.session.commit()
    return {"campaign": campaign, "dossiers": dossiers, "heads": heads,
            "admin": make.user("admin")}
