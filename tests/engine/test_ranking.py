"""Ranking within a peer group: tie rules, near ties, units not ranked, classification bands."""

from decimal import Decimal

import pytest

from server.engine import CriteriaSetError, parse_criteria_set, score
from server.engine.model import TieRule
from server.engine.ranking import Entry, exact_index, rank


def _set(make, **fields):
    """60 self points (manual, 0.001 steps) in domain 1 and 40 survey points in domain 2."""
    return make.set(
        make.leaf("1.1.1", 60, {"type": "manual", "step": "0.001"}),
        make.leaf("2.1.1", 40, {"type": "survey"}, source="survey"),
        **fields)


def _entry(criteria_set, code, self_points, survey_points, ranked=True):
    result = score(criteria_set, {"1.1.1": {"value": self_points},
                                  "2.1.1": {"value": survey_points}})
    return Entry(code, f"Đơn vị {code}", result, ranked)


def _ranks(rows):
    return [(row.unit_code, row.rank) for row in rows]


def _tie(compare, ranks):
    return {"tie_rule": {"compare": compare, "ranks": ranks}}


def test_exact_ties_share_rank_and_skip(make):
    cs = _set(make, **_tie("unrounded", "shared"))
    rows = rank(cs, [_entry(cs, "C", "50", "30"), _entry(cs, "A", "55", "30"),
                     _entry(cs, "B", "55", "30"), _entry(cs, "D", "40", "20")])
    assert _ranks(rows) == [("A", 1), ("B", 1), ("C", 3), ("D", 4)]


def test_exact_ties_distinct_ranks_by_unit_code(make):
    cs = _set(make, **_tie("unrounded", "distinct"))
    rows = rank(cs, [_entry(cs, "B", "55", "30"), _entry(cs, "A", "55", "30"),
                     _entry(cs, "C", "50", "30")])
    assert _ranks(rows) == [("A", 1), ("B", 2), ("C", 3)]


def test_near_tie_90_10_against_90_09(make):
    """90.095 is published as 90.10, 90.094 as 90.09: both rules put them apart."""
    for compare in ("unrounded", "rounded"):
        cs = _set(make, **_tie(compare, "shared"))
        rows = rank(cs, [_entry(cs, "A", "50.094", "40"), _entry(cs, "B", "50.095", "40")])
        assert [(row.unit_code, str(row.index), row.rank) for row in rows] == [
            ("B", "90.10", 1), ("A", "90.09", 2)]


def test_equal_when_rounded_apart_when_unrounded(make):
    """90.091 and 90.094 are both published as 90.09."""
    entries = lambda cs: [_entry(cs, "A", "50.091", "40"), _entry(cs, "B", "50.094", "40"),  # noqa: E731
                          _entry(cs, "C", "49", "40")]
    cs = _set(make, **_tie("unrounded", "shared"))
    assert _ranks(rank(cs, entries(cs))) == [("B", 1), ("A", 2), ("C", 3)]
    cs = _set(make, **_tie("rounded", "shared"))
    assert _ranks(rank(cs, entries(cs))) == [("A", 1), ("B", 1), ("C", 3)]
    cs = _set(make, **_tie("rounded", "distinct"))
    assert _ranks(rank(cs, entries(cs))) == [("A", 1), ("B", 2), ("C", 3)]


def test_half_up_boundary_rounded(make):
    """90.095 rounds up to 90.10 and then ties 90.099 when the rounded index decides."""
    cs = _set(make, **_tie("rounded", "shared"))
    rows = rank(cs, [_entry(cs, "A", "50.095", "40"), _entry(cs, "B", "50.099", "40")])
    assert _ranks(rows) == [("A", 1), ("B", 1)]
    assert {str(row.index) for row in rows} == {"90.10"}


def test_campaign_tie_rule_overrides_the_set(make):
    cs = _set(make, **_tie("unrounded", "shared"))
    rows = rank(cs, [_entry(cs, "A", "50.091", "40"), _entry(cs, "B", "50.094", "40")],
                tie_rule=TieRule("rounded", "shared"))
    assert _ranks(rows) == [("A", 1), ("B", 1)]


def test_units_not_ranked_are_listed_without_rank(make):
    cs = _set(make)
    rows = rank(cs, [_entry(cs, "A", "50", "30"), _entry(cs, "Z", "60", "40", ranked=False),
                     _entry(cs, "B", "40", "30")])
    assert _ranks(rows) == [("A", 1), ("B", 2), ("Z", None)]
    assert rows[2].result.index == Decimal("100.00") and rows[2].classification == "Tốt"


def test_exact_index_is_unrounded(make):
    cs = _set(make)
    entry = _entry(cs, "A", "50.095", "39.9995")
    assert float(exact_index(entry.result)) == pytest.approx(90.0945)
    assert str(entry.result.index) == "90.09"


def test_a_unit_listed_twice_is_refused(make):
    cs = _set(make)
    with pytest.raises(ValueError):
        rank(cs, [_entry(cs, "A", "50", "30"), _entry(cs, "A", "50", "30")])


def test_classification_bands(make):
    cs = _set(make)
    rows = rank(cs, [_entry(cs, c, s, "40") for c, s in
                     (("A", "40"), ("B", "39.999"), ("C", "30"), ("D", "20"), ("E", "0"))])
    assert [(row.unit_code, str(row.index), row.classification) for row in rows] == [
        ("A", "80.00", "Tốt"), ("B", "80.00", "Tốt"), ("C", "70.00", "Khá"),
        ("D", "60.00", "Trung bình"), ("E", "40.00", "Yếu")]


COMPONENT_BANDS = [
    {"label": "Tốt", "min": 80, "min_components": {"self": 75, "survey": 60}},
    {"label": "Khá", "min": 70, "min_components": {"2": 50}},
    {"label": "Yếu", "min": 0}]


@pytest.mark.parametrize("self_points, survey_points, label", [
    ("50", "35", "Tốt"),       # 83.33 / 87.5: both minimums met
    ("44", "40", "Khá"),       # index 84, self 73.33 < 75: falls to Khá
    ("60", "23", "Khá"),       # index 83, survey 57.5 < 60: falls to Khá
    ("60", "19", "Yếu"),       # index 79, survey 47.5 < 50 for domain 2: falls to Yếu
    ("45", "24", "Yếu"),       # index 69: below Khá whatever the components
])
def test_component_minimums(make, self_points, survey_points, label):
    cs = _set(make, bands=COMPONENT_BANDS)
    result = score(cs, {"1.1.1": {"value": self_points}, "2.1.1": {"value": survey_points}})
    assert result.classification == label
    # Without the components, only the index is checked.
    assert cs.classify(result.index) == ("Tốt" if result.index >= 80 else
                                         "Khá" if result.index >= 70 else "Yếu")


def test_component_minimums_round_trip(make):
    cs = _set(make, bands=COMPONENT_BANDS)
    assert cs.to_dict()["bands"][0] == {"label": "Tốt", "min": "80",
                                        "min_components": {"self": "75", "survey": "60"}}
    assert parse_criteria_set(cs.to_dict(), "again.yaml") == cs


def test_component_minimums_refused(make):
    data = make.data(make.leaf("1.1.1", 60, {"type": "manual"}),
                     bands=[{"label": "A", "min": 90,
                             "min_components": {"selff": 50, "survey": 120, 3: 10}},
                            {"label": "B", "min": 0, "min_components": {}}])
    problems = make.problems(data)
    assert any("'bands[1].min_components.survey' must be between 0 and 100" in p
               for p in problems), problems
    assert any("write the component as text" in p for p in problems), problems
    assert any("must name at least one component" in p for p in problems), problems
    with pytest.raises(CriteriaSetError) as refused:
        parse_criteria_set(make.data(make.leaf("1.1.1", 60, {"type": "manual"}), bands=[
            {"label": "A", "min": 90, "min_components": {"selff": 50}}]), "t.yaml")
    assert "'bands[1].min_components' names 'selff'" in str(refused.value)
