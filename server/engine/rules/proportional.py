"""`proportional`: points = min(achieved / required, 1) x max ("đạt tỷ lệ ... so với yêu cầu")."""

from collections.abc import Mapping

from server.engine.decimals import plain
from server.engine.fields import shown
from server.engine.rules.base import InvalidAnswer, Outcome, RuleType, number_value

_KEYS = ("achieved", "required")


class ProportionalRule(RuleType):
    name = "proportional"

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
        # Multiply before dividing: 1 of 3 on a max of 3 is exactly 1, not 0.999...
        points = min(achieved * self.max_points / required, self.max_points)
        return Outcome(points, f"{plain(achieved)} of {plain(required)}")

    def max_input(self) -> dict:
        return {"achieved": 1, "required": 1}

    def zero_input(self) -> dict:
        return {"achieved": 0, "required": 1}
