"""`percent_bands`: bounds as the official text words them, and bands that cover 0..100 once."""

from decimal import Decimal

import pytest

from server.engine import InvalidAnswer

# Cà Mau 2013, 1.1.4: "Thực hiện trên 90% kế hoạch: 2 / Từ 70% - 90%: 1 / Dưới 70%: 0".
OFFICIAL = {"type": "percent_bands", "bands": [
    {"above": 90, "points": 2},
    {"from": 70, "to": 90, "points": 1},
    {"below": 70, "points": 0},
]}


@pytest.mark.parametrize(("percent", "points", "label"), [
    (100, "2", "above 90%"),
    ("90,01", "2", "above 90%"),
    (90, "1", "from 70% to 90%"),  # "trên 90%" does not hold 90 itself
    (Decimal("89.99"), "1", "from 70% to 90%"),
    (70, "1", "from 70% to 90%"),  # "từ 70%" holds 70
    ("69.99", "0", "below 70%"),
    (0, "0", "below 70%"),
])
def test_official_bands(make, percent, points, label):
    outcome = make.rule(OFFICIAL, max_points=2).score(percent)
    assert (outcome.points, outcome.label) == (Decimal(points), label)


def test_at_least_and_at_most_are_inclusive(make):
    rule = make.rule({"type": "percent_bands", "bands": [
        {"at_least": 90, "points": 1},
        {"above": 50, "below": 90, "points": "0.5"},
        {"at_most": 50, "points": 0},
    ]})
    assert rule.score(90).points == Decimal(1)
    assert rule.score("89.9").points == Decimal("0.5")
    assert rule.score("50.1").points == Decimal("0.5")
    assert rule.score(50).points == Decimal(0)
    assert rule.score(90).label == "at least 90%"
    assert rule.score(60).label == "above 50% and below 90%"


def test_a_written_label_is_the_outcome(make):
    rule = make.rule({"type": "percent_bands", "bands": [
        {"at_least": 50, "points": 1, "label": "Đạt từ 50% trở lên"},
        {"below": 50, "points": 0},
    ]})
    assert rule.score(75).label == "Đạt từ 50% trở lên"


def test_inputs_for_max_and_zero(make):
    rule = make.rule(OFFICIAL, max_points=2)
    assert rule.score(rule.max_input()).points == Decimal(2)
    assert rule.score(rule.zero_input()).points == Decimal(0)


@pytest.mark.parametrize(("value", "kind"), [
    ("100.01", "out_of_range"), (-1, "out_of_range"), ("95%", "not_a_number"),
    ("chín mươi", "not_a_number"), (True, "not_a_number"), (None, "not_a_number"),
])
def test_refused_percentages(make, value, kind):
    with pytest.raises(InvalidAnswer) as refused:
        make.rule(OFFICIAL, max_points=2).score(value)
    assert refused.value.kind == kind


def test_out_of_range_names_the_value(make):
    with pytest.raises(InvalidAnswer) as refused:
        make.rule(OFFICIAL, max_points=2).score("120,5")
    assert refused.value.message == "value 120.5 is outside 0..100"
    assert refused.value.params == {"value": "120.5", "min": "0", "max": "100"}


def _problems(make, bands, max_points=2):
    return make.rule_problems({"type": "percent_bands", "bands": bands}, max_points)


def test_overlap_at_a_shared_inclusive_bound(make):
    problems = _problems(make, [
        {"at_least": 90, "points": 2}, {"from": 70, "to": 90, "points": 1},
        {"below": 70, "points": 0}])
    assert problems == [
        "test.yaml: 1.1.1: 'rule.bands[1]' and 'rule.bands[2]' overlap at 90"]


def test_gap_at_a_bound_no_band_holds(make):
    problems = _problems(make, [
        {"above": 90, "points": 2}, {"from": 70, "below": 90, "points": 1},
        {"below": 70, "points": 0}])
    assert problems == ["test.yaml: 1.1.1: no band holds 90"]


def test_gap_between_bounds(make):
    problems = _problems(make, [{"at_least": 80, "points": 2}, {"below": 60, "points": 0}])
    assert problems == ["test.yaml: 1.1.1: no band holds 60, 70"]


def test_overlap_inside_bounds(make):
    problems = _problems(make, [{"at_least": 50, "points": 2}, {"at_most": 60, "points": 0}])
    assert problems == [
        "test.yaml: 1.1.1: 'rule.bands[1]' and 'rule.bands[2]' overlap at 50, 55, 60"]


@pytest.mark.parametrize(("band", "problem"), [
    ({"above": 90, "at_least": 95, "points": 2}, "'rule.bands[1]' has more than one of above, "
                                                 "at_least"),
    ({"below": 10, "to": 20, "points": 2}, "'rule.bands[1]' has more than one of below, to"),
    ({"above": 101, "points": 2}, "'rule.bands[1].above' must be between 0 and 100, got 101"),
    ({"from": -5, "points": 2}, "'rule.bands[1].from' must be between 0 and 100, got -5"),
    ({"above": 90, "below": 90, "points": 2}, "'rule.bands[1]' holds no percentage "
                                              "(above 90% and below 90%)"),
    ({"from": 80, "to": 70, "points": 2}, "'rule.bands[1]' holds no percentage "
                                          "(from 80% to 70%)"),
    ({"above": 90, "points": 3}, "'rule.bands[1].points' must be between 0 and 2, got 3"),
    ({"above": 90}, "required field 'rule.bands[1].points' is missing"),
    ({"above": None, "points": 2}, "required field 'rule.bands[1].above' is empty"),
    ({"above": 90, "points": 2, "upto": 100}, "unknown key 'rule.bands[1].upto'"),
])
def test_band_refusals(make, band, problem):
    problems = _problems(make, [band, {"at_most": 90, "points": 0}])
    assert f"test.yaml: 1.1.1: {problem}" in problems


def test_max_points_must_be_reachable(make):
    problems = _problems(make, [{"above": 50, "points": 1}, {"at_most": 50, "points": 0}])
    assert problems == ["test.yaml: 1.1.1: no band earns the max points 2"]


def test_written_bounds_read_back_unchanged(make):
    assert make.rule(OFFICIAL, max_points=2).to_dict() == {"type": "percent_bands", "bands": [
        {"above": "90", "points": "2"},
        {"from": "70", "to": "90", "points": "1"},
        {"below": "70", "points": "0"},
    ]}
