"""`choice`: the unit picks one of the outcomes the official table lists."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ChoiceOutcome:
    key: str
    label: str
    points: Decimal


class ChoiceRule(RuleType):
    name = "choice"

    def __init__(self, max_points: Decimal, outcomes: tuple[ChoiceOutcome, ...]):
        super().__init__(max_points)
        self.outcomes = outcomes
        # key -> Outcome, built once: every answer to the leaf looks its key up here.
        self._by_key = {}
        for outcome in outcomes:
            self._by_key.setdefault(outcome.key, Outcome(outcome.points, outcome.label))

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "ChoiceRule":
        outcomes = []
        for position, item in enumerate(params.entries("outcomes", required=True) or [], 1):
            entry = params.nested(item, f"outcomes[{position}]")
            key = _outcome_key(entry, position)
            label = entry.text("label", required=True)
            points = entry.number("points", required=True, low=Decimal(0), high=max_points)
            entry.finish()
            if key is not None and key in {o.key for o in outcomes}:
                entry.report(f"outcome key {key!r} is used twice")
            outcomes.append(ChoiceOutcome(key, label, points))
        all_points = [o.points for o in outcomes]
        if all_points and None not in all_points and max(all_points) != max_points:
            params.report(f"no outcome earns the max points {plain(max_points)}")
        return cls(max_points, tuple(outcomes))

    def score(self, value) -> Outcome:
        # JSON clients may send the default keys "1", "2"... as numbers.
        key = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        found = self._by_key.get(key) if isinstance(key, str) else None
        if found is not None:
            return found
        keys = ", ".join(o.key for o in self.outcomes)
        raise InvalidAnswer("unknown_outcome", f"value {shown(value)} is not one of: {keys}",
                            {"value": str(value), "choices": keys})

    def max_input(self) -> str:
        return max(self.outcomes, key=lambda o: o.points).key

    def zero_input(self) -> str:
        return min(self.outcomes, key=lambda o: o.points).key

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        return better_than(self.current_points(value), (
            BetterOutcome(o.key, o.points, o.label) for o in self.outcomes))

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Outcome"), "select",
                           tuple(Choice(o.key, o.label, o.points) for o in self.outcomes)),)

    def params_dict(self) -> dict:
        return {"outcomes": [{"key": o.key, "label": o.label, "points": plain(o.points)}
                             for o in self.outcomes]}


def _outcome_key(entry: FieldReader, position: int) -> str | None:
    """The written key (a whole number is read as its text), else the 1-based position."""
    key = entry.raw("key")
    if key is None:
        return str(position)
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    if isinstance(key, str) and key.strip():
        return key.strip()
    entry.report(f"'{entry.path('key')}' must be text, got {shown(key)}")
    return None
