"""Ranking a campaign's unit group from one grouped read of its answers."""

from decimal import Decimal

import pytest

from server.engine import score
from server.engine.answers import effective_answers
from server.extensions import db
from server.models import Answer
from server.results.ranking import RankingError, rank_group
from tests.helpers import count_statements
from tests.ranking_data import full_answers, json_value, write_answers


def _unit_with_answers(make, campaign, criteria_set, code, drop=0, **kwargs):
    unit = make.unit(code, level="province", group="province")
    assessment = make.assessment(campaign, unit)
    write_answers(assessment, criteria_set, full_answers(criteria_set, drop), **kwargs)
    return unit, assessment


def test_group_is_ranked_with_engine_numbers(make, province_set):
    campaign = make.campaign()
    for code, drop in (("P03", 10), ("P01", 0), ("P02", 10), ("P04", 30)):
        _unit_with_answers(make, campaign, province_set, code, drop)
    ranking = rank_group(campaign, "province")
    assert [(row.unit_code, row.rank) for row in ranking.rows] == [
        ("P01", 1), ("P02", 2), ("P03", 2), ("P04", 4)]
    best = ranking.rows[0].result
    assert best.index == Decimal("100.00") and best.classification == "A"
    expected = score(province_set, {c: {"value": json_value(v)} for c, v in
                                    full_answers(province_set, 30).items()})
    assert ranking.rows[3].result.index == expected.index
    assert ranking.rows[3].result.total == expected.total


def test_the_campaigns_bands_replace_the_sets(make, province_set):
    campaign = make.campaign(bands=[{"key": "tot", "label": "Tốt", "min": "95"},
                                    {"key": "kha", "label": "Khá", "min": "50"}])
    for code, drop in (("P01", 0), ("P02", 10)):
        _unit_with_answers(make, campaign, province_set, code, drop)
    ranking = rank_group(campaign, "province")
    assert [row.result.classification for row in ranking.rows] == ["Tốt", "Khá"]
    assert [band.label for band in ranking.criteria_set.bands] == ["Tốt", "Khá"]


def test_without_the_survey_the_appraised_points_rescale_to_100(make, province_set):
    campaign = make.campaign(survey=False)
    _unit, assessment = _unit_with_answers(make, campaign, province_set, "P01")
    db.session.query(Answer).filter(Answer.assessment_id == assessment.id,
                                    Answer.source == "survey").delete()
    db.session.commit()
    result = rank_group(campaign, "province").rows[0].result
    assert result.survey_absent and result.index == Decimal("100.00")
    campaign.survey = True  # the set's survey is not optional: missing points are lost
    db.session.commit()
    assert rank_group(campaign, "province").rows[0].result.index < Decimal("100")


def test_appraisal_replaces_self_and_survey_rows_count(make, province_set):
    campaign = make.campaign()
    _unit, assessment = _unit_with_answers(make, campaign, province_set, "P01")
    self_leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    db.session.add(Answer(assessment_id=assessment.id, code=self_leaf.code, source="appraisal",
                          value=json_value(self_leaf.rule.zero_input())))
    db.session.commit()
    row = rank_group(campaign, "province", detail=True).rows[0]
    assert row.result.total == province_set.max_points - self_leaf.max_points
    survey_leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "survey")
    assert row.result.nodes[survey_leaf.code].points == survey_leaf.max_points


def test_effective_answers_rules(province_set):
    self_leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    survey_leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "survey")
    rows = [(self_leaf.code, "self", 1, False), (self_leaf.code, "appraisal", None, True),
            (survey_leaf.code, "self", 5, False)]  # a self row on a survey leaf is ignored
    assert effective_answers(province_set, rows) == {
        self_leaf.code: {"value": None, "not_applicable": True}}
    rows = [(self_leaf.code, "self", 1, False), (self_leaf.code, "appraisal", None, False)]
    assert effective_answers(province_set, rows) == {
        self_leaf.code: {"value": 1, "not_applicable": False}}


def test_not_ranked_and_inactive_units_are_listed_without_rank(make, province_set):
    campaign = make.campaign()
    _unit_with_answers(make, campaign, province_set, "P01", 5)
    _unit_with_answers(make, campaign, province_set, "P02")
    old, _ = _unit_with_answers(make, campaign, province_set, "P03")
    old.active = False
    db.session.commit()
    rows = rank_group(campaign, "province", not_ranked={"P02"}).rows
    assert [(row.unit_code, row.rank) for row in rows] == [
        ("P01", 1), ("P02", None), ("P03", None)]


def test_other_groups_and_campaigns_stay_out(make, province_set):
    campaign = make.campaign()
    other = make.campaign(2022)
    _unit_with_answers(make, campaign, province_set, "P01")
    _unit_with_answers(make, other, province_set, "P02")
    assert [row.unit_code for row in rank_group(campaign, "province").rows] == ["P01"]
    with pytest.raises(RankingError):
        rank_group(campaign, "commune")


def test_previous_year_indices(make, province_set):
    earlier = make.campaign(2020)
    campaign = make.campaign(2021)
    unit, _ = _unit_with_answers(make, earlier, province_set, "P01", 10)
    assessment = make.assessment(campaign, unit)
    write_answers(assessment, province_set, full_answers(province_set))
    ranking = rank_group(campaign, "province")
    assert ranking.previous["P01"] == rank_group(earlier, "province").rows[0].result.index
    assert ranking.previous["P01"] < ranking.rows[0].result.index


def test_statement_count_does_not_grow_with_units(app, make, province_set):
    campaign = make.campaign()
    _unit_with_answers(make, campaign, province_set, "P01")
    db.session.expire_all()
    few = count_statements(lambda: rank_group(campaign, "province"))
    for n in range(2, 9):
        _unit_with_answers(make, campaign, province_set, f"P{n:02}", n)
    db.session.expire_all()
    many = count_statements(lambda: rank_group(campaign, "province"))
    assert len(rank_group(campaign, "province").rows) == 8
    assert many == few
    assert many <= 6  # the exclusions of the whole group are one of them
