"""`manual`: the reviewer writes the points themselves, in steps (0.25 by default)."""

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
    grid_points,
    points_value,
)


class ManualRule(RuleType):
    name = "manual"

    def __init__(self, max_points: Decimal, step: Decimal):
        super().__init__(max_points)
        self.step = step

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "ManualRule":
        step = params.number("step", default=Decimal("0.25"), positive=True)
        # Otherwise the max points themselves could not be given.
        if step is not None and max_points % step != 0:
            params.report(f"max points {plain(max_points)} are not a multiple of "
                          f"step {plain(step)}")
        return cls(max_points, step)

    def score(self, value) -> Outcome:
        points = points_value(value, self.max_points)
        if points % self.step != 0:
            raise InvalidAnswer(
                "not_a_multiple_of_step",
                f"value {plain(points)} is not a multiple of {plain(self.step)}",
                {"value": plain(points), "step": plain(self.step)},
            )
        return Outcome(points, "manual")

    def max_input(self) -> Decimal:
        return self.max_points

    def zero_input(self) -> Decimal:
        return Decimal(0)

    def params_dict(self) -> dict:
        return {"step": plain(self.step)}

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        return tuple(BetterOutcome(points, points, "manual") for points in
                     grid_points(self.current_points(value), self.max_points, self.step))

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Points")),)
