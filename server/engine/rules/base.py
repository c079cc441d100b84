"""The interface every rule type implements, built-in or added by a plugin."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, NamedTuple

from server.engine.decimals import NotANumber, parse_decimal, plain
from server.engine.fields import FieldReader, shown


class Outcome(NamedTuple):
    """What a rule made of one answer: the points and the outcome or band that gave them.

    A named tuple: one is made for nearly every answer scored."""

    points: Decimal
    label: str


def _l(text: str) -> str:
    """Marks an English label for the translation catalog; the page translates it when shown
    (the engine imports no Flask). A plugin may write its labels in Vietnamese directly."""
    return text


@dataclass(frozen=True)
class Choice:
    """One option of a `select` input: the posted text, its label, and the points it earns."""

    value: str
    label: str
    points: Decimal | None = None


@dataclass(frozen=True)
class InputField:
    """One input of a rule's widget on the self-assessment form and the reviewer's adjustment.

    `key` "" is the leaf's field itself (posted as `v-<code>`); another key is a part of it
    (posted as `v-<code>-<key>`). `kind` is "number" (a decimal, comma or point), "text" or
    "select" (one of `choices`). `label` and `hint` are shown beside it, translated.
    """

    key: str
    label: str
    kind: str = "number"
    choices: tuple[Choice, ...] = ()
    hint: str = ""


class BetterOutcome(NamedTuple):
    """A better outcome of a leaf than its current answer: the answer value that would mean it,
    the points it earns and the rule's label for it (the choice, band or count)."""

    value: object
    points: Decimal
    label: str


class InvalidAnswer(ValueError):
    """A value the rule refuses.

    `kind` is a stable machine key ("not_a_number", "out_of_range", ...) the web layer
    translates; `message` is English with the values in it; `params` holds those values as text.
    """

    def __init__(self, kind: str, message: str, params: dict | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.params = dict(params or {})


class RuleType:
    """How one leaf turns an answer value into points.

    A plugin adds a rule type by subclassing this class and returning it from the
    `parindex_rule_types` hook. A subclass sets `name` (what YAML writes as `rule: {type: ...}`)
    and implements:

    - `from_params(params, max_points)`, a classmethod reading its parameters through `params`,
      a `FieldReader` over the rule mapping. Every problem is reported (the reader's getters do
      it, `params.report(message)` for other checks), never raised, so a file's problems are
      listed together. After a problem it may return an incomplete rule: the set is refused and
      the rule never used. The loader reports keys the rule did not read.
    - `score(value) -> Outcome`, raising `InvalidAnswer` for a value it refuses.
    - `max_input()` / `zero_input()`: an answer value earning the max points / the fewest points
      (test cases use them to fill leaves they do not list).
    - `params_dict()`: the parameters, JSON-ready, written as YAML writes them.

    Its input on the pages (each has a default, one number field holding the value):

    - `input_fields()`: the `InputField`s the form shows for the leaf.
    - `posted_value(posted)`: the answer value made of the posted texts, `posted` mapping each
      field's key to its stripped text ("" when empty or absent); None when nothing was given.
      It does not check the value: `score` refuses it, beside the field, like an API answer.
    - `input_texts(value)`: the texts to show in the fields for a stored or typed value.

    What a unit could do better (the target planner reads it; the default has no answer):

    - `better_outcomes(value)`: given the current answer value (None when unanswered, which
      earns 0), every outcome the rule can give that earns more points, as `BetterOutcome`s
      ordered by points, fewest first, one per distinct points value: the next choices or bands;
      for proportional and count rules the achievable whole counts; for points typed on a grid
      (survey, manual) the points of that grid. Each value is one `score` accepts and scores to
      exactly those points. () when the answer is already the best; None when the rule type
      cannot say (the item is then reported as not plannable).

    A rule is not changed after construction; two rules are equal when their type, max points and
    parameters are equal.
    """

    name: ClassVar[str] = ""

    def __init__(self, max_points: Decimal):
        self.max_points = max_points

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "RuleType":
        return cls(max_points)

    def score(self, value) -> Outcome:
        raise NotImplementedError

    def max_input(self):
        raise NotImplementedError

    def zero_input(self):
        raise NotImplementedError

    def params_dict(self) -> dict:
        return {}

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Value")),)

    def posted_value(self, posted: Mapping[str, str]):
        return posted.get("") or None

    def input_texts(self, value) -> dict[str, str]:
        return {"": "" if value is None else str(value)}

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...] | None:
        return None

    def current_points(self, value) -> Decimal:
        """The points of the current answer value: 0 when unanswered."""
        return Decimal(0) if value is None else self.score(value).points

    def to_dict(self) -> dict:
        return {"type": self.name, **self.params_dict()}

    def __eq__(self, other) -> bool:
        return (type(self) is type(other) and self.max_points == other.max_points
                and self.to_dict() == other.to_dict())

    def __hash__(self) -> int:
        return hash((self.name, self.max_points, json.dumps(self.to_dict(), sort_keys=True)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_points={plain(self.max_points)}, {self.params_dict()!r})"


def number_value(value, what: str = "value") -> Decimal:
    """An answer's number, or InvalidAnswer("not_a_number")."""
    try:
        return parse_decimal(value)
    except NotANumber:
        raise InvalidAnswer("not_a_number", f"{what} {shown(value)} is not a number",
                            {"value": str(value)}) from None


def better_than(current: Decimal, candidates) -> tuple[BetterOutcome, ...]:
    """The `candidates` (BetterOutcomes) earning more than `current`, fewest points first, the
    first of each points value kept."""
    found = {}
    for candidate in candidates:
        if candidate.points > current:
            found.setdefault(candidate.points, candidate)
    return tuple(found[points] for points in sorted(found))


def grid_points(current: Decimal, max_points: Decimal, step: Decimal) -> tuple[Decimal, ...]:
    """The multiples of `step` above `current` up to `max_points`, and `max_points` itself."""
    points, next_point = [], (current // step + 1) * step  # both not negative: // floors
    while next_point < max_points:
        points.append(next_point)
        next_point += step
    return tuple(p for p in (*points, max_points) if p > current)


def points_value(value, max_points: Decimal) -> Decimal:
    """An answer that is itself points: a number from 0 to max, or InvalidAnswer("out_of_range")."""
    points = number_value(value)
    if not Decimal(0) <= points <= max_points:
        raise InvalidAnswer(
            "out_of_range",
            f"value {plain(points)} is outside 0..{plain(max_points)}",
            {"value": plain(points), "min": "0", "max": plain(max_points)},
        )
    return points
