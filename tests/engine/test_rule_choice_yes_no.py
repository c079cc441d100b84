"""The `choice` and `yes_no` rules: scoring, refusals and parameter checks."""

from decimal import Decimal

import pytest

from server.engine import InvalidAnswer, Outcome

CHOICE = {"type": "choice", "outcomes": [
    {"key": "timely", "label": "Ban hành kịp thời", "points": 1},
    {"key": "late", "label": "Ban hành không kịp thời", "points": "0,5"},
    {"key": "none", "label": "Không ban hành", "points": 0},
]}


def test_choice_scores_the_outcome(make):
    rule = make.rule(CHOICE)
    assert rule.score("late") == Outcome(Decimal("0.5"), "Ban hành không kịp thời")
    assert rule.score("timely").points == Decimal(1)
    assert rule.score("none").points == Decimal(0)


def test_choice_inputs_for_max_and_zero(make):
    rule = make.rule(CHOICE)
    assert rule.max_input() == "timely"
    assert rule.zero_input() == "none"


def test_choice_keys_default_to_positions(make):
    rule = make.rule({"type": "choice", "outcomes": [
        {"label": "Đạt", "points": 1}, {"label": "Không đạt", "points": 0}]})
    assert rule.score("2") == Outcome(Decimal(0), "Không đạt")
    assert rule.score(1).points == Decimal(1)  # JSON may send the position as a number
    assert [o["key"] for o in rule.to_dict()["outcomes"]] == ["1", "2"]


@pytest.mark.parametrize("value", ["TIMELY", "maybe", True, None, 1.5, {"key": "timely"}])
def test_choice_refuses_unknown_outcomes(make, value):
    with pytest.raises(InvalidAnswer) as refused:
        make.rule(CHOICE).score(value)
    assert refused.value.kind == "unknown_outcome"
    assert "timely, late, none" in refused.value.message
    assert refused.value.params["choices"] == "timely, late, none"


@pytest.mark.parametrize(("outcomes", "problem"), [
    ([{"key": "a", "label": "A", "points": "1,5"}, {"key": "b", "label": "B", "points": 0}],
     "'rule.outcomes[1].points' must be between 0 and 1, got 1.5"),
    ([{"key": "a", "label": "A", "points": 1}, {"key": "b", "label": "B", "points": -1}],
     "'rule.outcomes[2].points' must be between 0 and 1, got -1"),
    ([{"key": "a", "label": "A", "points": "0.5"}, {"key": "b", "label": "B", "points": 0}],
     "no outcome earns the max points 1"),
    ([{"key": "a", "label": "A", "points": 1}, {"key": "a", "label": "B", "points": 0}],
     "outcome key 'a' is used twice"),
    ([{"key": "a", "points": 1}], "required field 'rule.outcomes[1].label' is missing"),
    ([{"key": "a", "label": "A", "points": 1, "note": "x"}],
     "unknown key 'rule.outcomes[1].note'"),
    ([{"key": "a", "label": "A", "points": "một"}],
     "'rule.outcomes[1].points' must be a number, got 'một'"),
    ([], "'rule.outcomes' must be a non-empty list, got []"),
])
def test_choice_parameters_refused(make, outcomes, problem):
    assert f"test.yaml: 1.1.1: {problem}" in make.rule_problems(
        {"type": "choice", "outcomes": outcomes})


def test_yes_no_defaults(make):
    rule = make.rule({"type": "yes_no"}, max_points="1.5")
    assert rule.score(True) == Outcome(Decimal("1.5"), "yes")
    assert rule.score(False) == Outcome(Decimal(0), "no")
    assert rule.score(" TRUE ").points == Decimal("1.5")  # what a web form posts
    assert rule.score("false").points == Decimal(0)
    assert (rule.max_input(), rule.zero_input()) == (True, False)


def test_yes_no_with_written_points(make):
    # "Có vi phạm" is the bad answer: yes earns nothing.
    rule = make.rule({"type": "yes_no", "yes": 0, "no": 2}, max_points=2)
    assert rule.score(True).points == Decimal(0)
    assert rule.score(False).points == Decimal(2)
    assert (rule.max_input(), rule.zero_input()) == (False, True)


@pytest.mark.parametrize("value", [1, 0, "yes", "có", None, "1", Decimal(1)])
def test_yes_no_refuses_non_booleans(make, value):
    with pytest.raises(InvalidAnswer) as refused:
        make.rule({"type": "yes_no"}).score(value)
    assert refused.value.kind == "not_a_boolean"


@pytest.mark.parametrize(("params", "problem"), [
    ({"yes": 2}, "'rule.yes' must be between 0 and 1, got 2"),
    ({"yes": "0.5"}, "neither yes nor no earns the max points 1"),
    ({"no": True}, "'rule.no' must be a number, got True"),
    ({"maybe": 1}, "unknown key 'rule.maybe'"),
])
def test_yes_no_parameters_refused(make, params, problem):
    assert f"test.yaml: 1.1.1: {problem}" in make.rule_problems({"type": "yes_no", **params})


def test_yes_no_points_written_as_unquoted_yaml_words(make, tmp_path):
    """`{yes: 0, no: 2}` reaches the loader as {True: 0, False: 2} (YAML 1.1): the words were
    meant, so it reads the same as `{"yes": 0, "no": 2}`."""
    from server.engine.yaml_files import read_yaml

    path = tmp_path / "rule.yaml"
    path.write_text("{type: yes_no, yes: 0, no: 2}\n")
    written = read_yaml(path)
    assert written == {"type": "yes_no", True: 0, False: 2}
    rule = make.rule(written, max_points=2)
    assert rule == make.rule({"type": "yes_no", "yes": 0, "no": 2}, max_points=2)
    assert rule.score(False).points == Decimal(2)
    # Written both ways, the quoted word is the one read and the boolean key is refused.
    assert "test.yaml: 1.1.1: unknown key 'rule.True'" in make.rule_problems(
        {"type": "yes_no", "yes": 1, True: 0})
