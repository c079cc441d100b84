"""`proportional`: points = min(achieved / required, 1) x max ("đạt tỷ lệ ... so với yêu cầu").

What more than required means depends on the item. Where the official table compares, say,
investment attracted or revenue collected with the plan, over-fulfilment is real: by default
(`above_required: max`) it earns the max points, and the form says so beside the fields. Where
`achieved` counts part of `required` (tasks done on time of the tasks assigned), more is a typing
error: `above_required: refuse` refuses it, naming the field.
"""

from collections.abc import Mapping
from decimal import Decimal

from server.engine.decimals import plain
from server.engine.fields import FieldReader, shown
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

_KEYS = ("achieved", "required")
_ABOVE = ("max", "refuse")


class ProportionalRule(RuleType):
    name = "proportional"

    def __init__(self, max_points: Decimal, above_required: str = "max"):
        super().__init__(max_points)
        self.above_required = above_required

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "ProportionalRule":
        above = params.text("above_required", default="max")
        if above is not None and above not in _ABOVE:
            params.report(f"above_required must be one of {', '.join(_ABOVE)}, got {above!r}")
        return cls(max_points, above or "max")

    def score(self, value) -> Outcome:
        if not isinstance(value, Mapping):
            raise InvalidAnswer("not_a_mapping",
                                f"value {shown(value)} must be {{achieved, required}}",
                                {"value": str(value)})
        unknown = [str(k) for k in value if k not in _KEYS]
        if unknown:
            raise InvalidAnswer("unknown_key", f"value has unknown keys: {', '.join(unknown)}",
                                {"keys": ", ".join(unknown)})
        missing = [k for k in _KEYS if value.get(k) is None]
        if missing:
            raise InvalidAnswer("missing_key", f"value lacks {', '.join(missing)}",
                                {"keys": ", ".join(missing)})
        achieved = number_value(value["achieved"], "achieved")
        required = number_value(value["required"], "required")
        for what, number in (("achieved", achieved), ("required", required)):
            if number < 0:
                raise InvalidAnswer("negative", f"{what} {plain(number)} is negative",
                                    {"field": what, "value": plain(number)})
        if required == 0:
            raise InvalidAnswer("zero_required", "required is 0: nothing to be proportional to",
                                {"field": "required", "value": plain(required)})
        if achieved > required and self.above_required == "refuse":
            raise InvalidAnswer("above_required", f"achieved {plain(achieved)} is more than "
                                f"required {plain(required)}",
                                {"field": "achieved", "value": plain(achieved),
                                 "required": plain(required)})
        # Multiply before dividing: 1 of 3 on a max of 3 is exactly 1, not 0.999...
        points = min(achieved * self.max_points / required, self.max_points)
        return Outcome(points, f"{plain(achieved)} of {plain(required)}")

    def max_input(self) -> dict:
        return {"achieved": 1, "required": 1}

    def zero_input(self) -> dict:
        return {"achieved": 0, "required": 1}

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        """One more achieved at a time up to the required, which stays as declared; unanswered,
        the whole of a required 1 (the max points)."""
        current = self.current_points(value)
        if value is None:
            return better_than(current, (self._better(Decimal(1), Decimal(1)),))
        achieved = number_value(value["achieved"], "achieved")
        required = number_value(value["required"], "required")
        counts = [Decimal(n) for n in range(int(achieved) + 1, int(required) + 1)]
        if not counts or counts[-1] != required:
            counts.append(required)  # a required that is not whole: all of it
        return better_than(current, (self._better(n, required) for n in counts))

    def _better(self, achieved: Decimal, required: Decimal) -> BetterOutcome:
        outcome = self.score({"achieved": achieved, "required": required})
        return BetterOutcome({"achieved": plain(achieved), "required": plain(required)},
                             outcome.points, outcome.label)

    def params_dict(self) -> dict:
        # The default is left out, so sets written before the parameter keep their rules' form.
        return {"above_required": "refuse"} if self.above_required == "refuse" else {}

    def input_fields(self) -> tuple[InputField, ...]:
        hint = _l("More than required counts as fully met: the max points, no more.") \
            if self.above_required == "max" else _l("Achieved may not be more than required.")
        return (InputField("achieved", _l("Achieved")),
                InputField("required", _l("Required"), hint=hint))

    def posted_value(self, posted):
        if not (posted.get("achieved") or posted.get("required")):
            return None
        return {key: posted.get(key) or None for key in _KEYS}

    def input_texts(self, value) -> dict[str, str]:
        value = value if isinstance(value, Mapping) else {}
        return {key: "" if value.get(key) is None else str(value[key]) for key in _KEYS}
