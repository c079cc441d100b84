"""`yes_no`: "Đạt / Không đạt"; yes earns the max points unless the set says otherwise."""

from decimal import Decimal

from server.engine.decimals import plain
from server.engine.fields import FieldReader, shown
from server.engine.rules.base import (
    BetterOutcome,
    Choice,
    InputField,
    InvalidAnswer,
    Outcome,
    RuleType,
    _l,
    better_than,
)

# Web forms post text, so the two words are accepted besides JSON booleans.
_WORDS = {"true": True, "false": False}


class YesNoRule(RuleType):
    name = "yes_no"

    def __init__(self, max_points: Decimal, yes: Decimal, no: Decimal):
        super().__init__(max_points)
        self.yes = yes
        self.no = no
        self._outcomes = (Outcome(yes, "yes"), Outcome(no, "no"))

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "YesNoRule":
        # `{yes: 5, no: 0}` reaches us as {True: 5, False: 0}: the words were meant.
        params.read_boolean_key_as(True, "yes")
        params.read_boolean_key_as(False, "no")
        yes = params.number("yes", default=max_points, low=Decimal(0), high=max_points)
        no = params.number("no", default=Decimal(0), low=Decimal(0), high=max_points)
        if yes is not None and no is not None and max(yes, no) != max_points:
            params.report(f"neither yes nor no earns the max points {plain(max_points)}")
        return cls(max_points, yes, no)

    def score(self, value) -> Outcome:
        if isinstance(value, str):
            value = _WORDS.get(value.strip().lower(), value)
        if not isinstance(value, bool):
            raise InvalidAnswer("not_a_boolean", f"value {shown(value)} is not true or false",
                                {"value": str(value)})
        return self._outcomes[0] if value else self._outcomes[1]

    def max_input(self) -> bool:
        return self.yes >= self.no

    def zero_input(self) -> bool:
        return self.yes < self.no

    def params_dict(self) -> dict:
        return {"yes": plain(self.yes), "no": plain(self.no)}

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        return better_than(self.current_points(value), (
            BetterOutcome(answer, outcome.points, outcome.label)
            for answer, outcome in zip((True, False), self._outcomes, strict=True)))

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Yes or no"), "select",
                           (Choice("yes", _l("Yes")), Choice("no", _l("No")))),)

    def posted_value(self, posted):
        return {"yes": True, "no": False}.get(posted.get(""))

    def input_texts(self, value) -> dict[str, str]:
        return {"": {True: "yes", False: "no"}.get(value, "") if isinstance(value, bool) else ""}
