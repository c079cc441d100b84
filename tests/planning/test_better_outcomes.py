"""Every built-in rule's better outcomes are answers its own `score` gives those points for."""

from decimal import Decimal

from server.engine.rules import ChoiceRule, DeductionRule, ProportionalRule, SurveyRule
from server.engine.rules.choice import ChoiceOutcome
from tests.plugins.sample_plugin import HalfOrFull


def test_every_leaf_of_every_installed_set_steps_up_to_its_max(app):
    sets = app.extensions["parindex"].criteria.all()
    assert sets
    for criteria_set in sets:
        for leaf in criteria_set.leaves():
            rule = leaf.rule
            for value in (None, rule.zero_input(), rule.max_input()):
                current = rule.current_points(value)
                better = rule.better_outcomes(value)
                points = [outcome.points for outcome in better]
                assert points == sorted(set(points)), leaf.code
                assert all(p > current for p in points), leaf.code
                for outcome in better:
                    assert rule.score(outcome.value).points == outcome.points, leaf.code
                assert (points[-1] if points else current) == leaf.max_points, leaf.code
            assert rule.better_outcomes(rule.max_input()) == ()


def test_the_next_choice_and_each_count_and_whole_survey_point():
    choice = ChoiceRule(Decimal(1), (ChoiceOutcome("a", "Kịp thời", Decimal(1)),
                                     ChoiceOutcome("b", "Không kịp thời", Decimal("0.5")),
                                     ChoiceOutcome("c", "Không ban hành", Decimal(0))))
    assert [(o.value, o.points) for o in choice.better_outcomes("c")] == [
        ("b", Decimal("0.5")), ("a", Decimal(1))]
    assert [o.value for o in DeductionRule(Decimal(2), Decimal("0.5"), Decimal(0))
            .better_outcomes(9)] == [3, 2, 1, 0]
    assert [o.value["achieved"] for o in ProportionalRule(Decimal(1)).better_outcomes(
        {"achieved": 1, "required": 4})] == ["2", "3", "4"]
    assert [o.points for o in SurveyRule(Decimal("2.5")).better_outcomes(Decimal("0.75"))] == [
        1, 2, Decimal("2.5")]


def test_a_rule_type_that_does_not_say_is_not_plannable():
    assert HalfOrFull(Decimal(1)).better_outcomes("none") is None
