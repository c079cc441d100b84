"""`survey`: points imported from a survey (SIPAS, leaders' survey); units never self-score them."""

from decimal import Decimal

from server.engine.rules.base import InputField, Outcome, RuleType, _l, points_value


class SurveyRule(RuleType):
    name = "survey"

    def score(self, value) -> Outcome:
        return Outcome(points_value(value, self.max_points), "survey")

    def max_input(self) -> Decimal:
        return self.max_points

    def zero_input(self) -> Decimal:
        return Decimal(0)

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Points")),)
