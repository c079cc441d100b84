"""`proportional`, `deduction`, `manual` and `survey`: rules whose input is a number."""

from decimal import Decimal

import pytest

from server.engine import InvalidAnswer, Outcome


def _refusal(rule, value) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as refused:
        rule.score(value)
    return refused.value


# proportional

def test_proportional_points(make):
    rule = make.rule({"type": "proportional"}, max_points=2)
    assert rule.score({"achieved": 3, "required": 4}) == Outcome(Decimal("1.5"), "3 of 4")
    assert rule.score({"achieved": "1", "required": "3"}).points == Decimal(2) / 3
    assert rule.score({"achieved": "0,5", "required": 1}).points == Decimal(1)


def test_proportional_multiplies_before_dividing(make):
    rule = make.rule({"type": "proportional"}, max_points=3)
    assert rule.score({"achieved": 1, "required": 3}).points == Decimal(1)


def test_proportional_is_capped_at_max(make):
    rule = make.rule({"type": "proportional"}, max_points=2)
    assert rule.score({"achieved": 12, "required": 10}).points == Decimal(2)


def test_proportional_inputs_for_max_and_zero(make):
    rule = make.rule({"type": "proportional"}, max_points=2)
    assert rule.score(rule.max_input()).points == Decimal(2)
    assert rule.score(rule.zero_input()).points == Decimal(0)


@pytest.mark.parametrize(("value", "kind", "message"), [
    ({"achieved": 1, "required": 0}, "zero_required",
     "required is 0: nothing to be proportional to"),
    ({"achieved": 1, "required": "0,0"}, "zero_required",
     "required is 0: nothing to be proportional to"),
    ({"achieved": -1, "required": 4}, "negative", "achieved -1 is negative"),
    ({"achieved": 1, "required": -4}, "negative", "required -4 is negative"),
    ({"achieved": "ba", "required": 4}, "not_a_number", "achieved 'ba' is not a number"),
    ({"achieved": 1}, "missing_key", "value lacks required"),
    ({"achieved": 1, "required": 2, "total": 3}, "unknown_key", "value has unknown keys: total"),
    (75, "not_a_mapping", "value 75 must be {achieved, required}"),
])
def test_proportional_refusals(make, value, kind, message):
    refused = _refusal(make.rule({"type": "proportional"}, max_points=2), value)
    assert (refused.kind, refused.message) == (kind, message)


def test_proportional_takes_only_above_required(make):
    assert make.rule_problems({"type": "proportional", "cap": 1}) == [
        "test.yaml: 1.1.1: unknown key 'rule.cap'"]
    assert make.rule_problems({"type": "proportional", "above_required": "cap"}) == [
        "test.yaml: 1.1.1: above_required must be one of max, refuse, got 'cap'"]


def test_proportional_above_required_refused_where_the_set_says_so(make):
    strict = make.rule({"type": "proportional", "above_required": "refuse"}, max_points=2)
    refused = _refusal(strict, {"achieved": 12, "required": 10})
    assert (refused.kind, refused.message, refused.params["field"]) == (
        "above_required", "achieved 12 is more than required 10", "achieved")
    assert strict.score({"achieved": 10, "required": 10}).points == Decimal(2)
    assert strict.to_dict() == {"type": "proportional", "above_required": "refuse"}
    # The default is left out of the rule's form, so older sets keep theirs.
    assert make.rule({"type": "proportional", "above_required": "max"}).to_dict() == {
        "type": "proportional"}


# deduction

DEDUCTION = {"type": "deduction", "per_failure": "0,5", "floor": "0.5"}


@pytest.mark.parametrize(("count", "points"), [
    (0, "2"), (1, "1.5"), ("2", "1"), (3, "0.5"), (4, "0.5"), (100, "0.5"), ("3.0", "0.5"),
])
def test_deduction_stops_at_the_floor(make, count, points):
    assert make.rule(DEDUCTION, max_points=2).score(count).points == Decimal(points)


def test_deduction_floor_defaults_to_zero(make):
    rule = make.rule({"type": "deduction", "per_failure": "0.75"}, max_points=2)
    assert rule.score(2).points == Decimal("0.5")
    assert rule.score(3).points == Decimal(0)
    assert rule.score(3).label == "failures: 3"


def test_deduction_inputs_for_max_and_zero(make):
    rule = make.rule({"type": "deduction", "per_failure": "0.75"}, max_points=2)
    assert (rule.max_input(), rule.zero_input()) == (0, 3)
    assert rule.score(rule.zero_input()).points == Decimal(0)
    assert rule.score(rule.zero_input() - 1).points > 0


@pytest.mark.parametrize(("value", "kind"), [
    (-1, "negative"), ("1,5", "not_an_integer"), (Decimal("0.1"), "not_an_integer"),
    ("hai", "not_a_number"), (False, "not_a_number"),
])
def test_deduction_refusals(make, value, kind):
    assert _refusal(make.rule(DEDUCTION, max_points=2), value).kind == kind


@pytest.mark.parametrize(("params", "problem"), [
    ({}, "required field 'rule.per_failure' is missing"),
    ({"per_failure": 0}, "'rule.per_failure' must be greater than 0, got 0"),
    ({"per_failure": 1, "floor": 3}, "'rule.floor' must be between 0 and 2, got 3"),
    ({"per_failure": 1, "floor": -1}, "'rule.floor' must be between 0 and 2, got -1"),
])
def test_deduction_parameters_refused(make, params, problem):
    assert make.rule_problems({"type": "deduction", **params}, max_points=2) == [
        f"test.yaml: 1.1.1: {problem}"]


# manual

def test_manual_takes_points_in_steps(make):
    rule = make.rule({"type": "manual"}, max_points=2)
    assert rule.score("1,75") == Outcome(Decimal("1.75"), "manual")
    assert rule.score(2).points == Decimal(2)
    assert rule.score(0).points == Decimal(0)
    assert (rule.max_input(), rule.zero_input()) == (Decimal(2), Decimal(0))


@pytest.mark.parametrize(("value", "kind", "message"), [
    ("1.3", "not_a_multiple_of_step", "value 1.3 is not a multiple of 0.25"),
    ("0,1", "not_a_multiple_of_step", "value 0.1 is not a multiple of 0.25"),
    ("2.25", "out_of_range", "value 2.25 is outside 0..2"),
    (-0.25, "out_of_range", "value -0.25 is outside 0..2"),
    ("abc", "not_a_number", "value 'abc' is not a number"),
])
def test_manual_refusals(make, value, kind, message):
    refused = _refusal(make.rule({"type": "manual"}, max_points=2), value)
    assert (refused.kind, refused.message) == (kind, message)


def test_manual_with_a_finer_step(make):
    rule = make.rule({"type": "manual", "step": "0.1"}, max_points=1)
    assert rule.score("0.3").points == Decimal("0.3")
    assert _refusal(rule, "0.35").params == {"value": "0.35", "step": "0.1"}


@pytest.mark.parametrize(("params", "problem"), [
    ({"step": 0}, "'rule.step' must be greater than 0, got 0"),
    ({"step": "0.3"}, "max points 1 are not a multiple of step 0.3"),
])
def test_manual_parameters_refused(make, params, problem):
    assert make.rule_problems({"type": "manual", **params}) == [f"test.yaml: 1.1.1: {problem}"]


# survey

def test_survey_takes_any_points_up_to_max(make):
    leaf = make.leaf("1.1.1", "23.5", {"type": "survey"}, source="survey")
    rule = make.set(leaf).leaf("1.1.1").rule
    assert rule.score("17,123") == Outcome(Decimal("17.123"), "survey")
    assert _refusal(rule, "23.51").kind == "out_of_range"
    assert _refusal(rule, "").kind == "not_a_number"
    assert (rule.max_input(), rule.zero_input()) == (Decimal("23.5"), Decimal(0))
