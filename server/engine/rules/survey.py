"""`survey`: points imported from a survey (SIPAS, leaders' survey); units never self-score them."""

from decimal import Decimal

from server.engine.rules.base import (
    BetterOutcome,
    InputField,
    Outcome,
    RuleType,
    _l,
    grid_points,
    points_value,
)

# Survey results move in whole points (and the max itself, when it is not whole).
SURVEY_GRID = Decimal(1)


class SurveyRule(RuleType):
    name = "survey"

    def score(self, value) -> Outcome:
        return Outcome(points_value(value, self.max_points), "survey")

    def max_input(self) -> Decimal:
        return self.max_points

    def zero_input(self) -> Decimal:
        return Decimal(0)

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        return tuple(BetterOutcome(points, points, "survey") for points in
                     grid_points(self.current_points(value), self.max_points, SURVEY_GRID))

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Points")),)
