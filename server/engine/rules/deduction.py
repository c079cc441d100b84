"""`deduction`: the max minus a fixed amount per failure, never below the floor."""

import math
from decimal import Decimal

from server.engine.decimals import plain
from server.engine.fields import FieldReader
from server.engine.rules.base import (
    BetterOutcome,
    InputField,
    InvalidAnswer,
    Outcome,
    RuleType,
    _l,
    better_than,
    number_value,
)


class DeductionRule(RuleType):
    name = "deduction"

    def __init__(self, max_points: Decimal, per_failure: Decimal, floor: Decimal):
        super().__init__(max_points)
        self.per_failure = per_failure
        self.floor = floor

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "DeductionRule":
        per_failure = params.number("per_failure", required=True, positive=True)
        floor = params.number("floor", default=Decimal(0), low=Decimal(0), high=max_points)
        return cls(max_points, per_failure, floor)

    def score(self, value) -> Outcome:
        count = number_value(value)
        if count < 0:
            raise InvalidAnswer("negative", f"count {plain(count)} is negative",
                                {"value": plain(count)})
        if count != count.to_integral_value():
            raise InvalidAnswer("not_an_integer", f"count {plain(count)} is not a whole number",
                                {"value": plain(count)})
        points = max(self.max_points - count * self.per_failure, self.floor)
        return Outcome(points, f"failures: {plain(count)}")

    def max_input(self) -> int:
        return 0

    def zero_input(self) -> int:
        # The fewest failures that bring the points down to the floor.
        return math.ceil((self.max_points - self.floor) / self.per_failure)

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        # Each failure fewer is a step; counts past the floor change nothing.
        worst = self.zero_input() if value is None else min(int(number_value(value)),
                                                            self.zero_input())
        current = self.current_points(value)
        return better_than(current, (BetterOutcome(count, outcome.points, outcome.label)
                                     for count in range(worst - 1, -1, -1)
                                     for outcome in (self.score(count),)))

    def params_dict(self) -> dict:
        return {"per_failure": plain(self.per_failure), "floor": plain(self.floor)}

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Number of failures")),)
