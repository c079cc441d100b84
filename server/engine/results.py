"""What scoring returns: totals, the index, a score per node and a trace line per leaf."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from server.engine.decimals import percent, plain
from server.engine.version import ENGINE_VERSION

# How each leaf entered the result.
SCORED = "scored"
UNANSWERED = "unanswered"  # scores 0 and still counts in the denominator
NOT_APPLICABLE = "not_applicable"  # leaves numerator and denominator
SURVEY_ABSENT = "survey_absent"  # an optional survey that was not run: leaves both too
COUNTED = (SCORED, UNANSWERED)


def _index_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def json_ready(value):
    """An answer value as JSON can carry it (Decimals become text)."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Mapping):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    return value


class TraceLine(NamedTuple):
    """How one leaf was scored: what came in, which outcome or band it hit, what it earned.

    A named tuple, not a dataclass: a result holds one per leaf and the engine builds thousands
    a second in a ranking. It equals only another TraceLine.
    """

    code: str
    rule: str
    input: object
    outcome: str | None
    points: Decimal
    max_points: Decimal  # the leaf's own max, whether or not it counts
    not_applicable: bool
    status: str

    @property
    def counts(self) -> bool:
        return self.status in COUNTED

    def to_dict(self) -> dict:
        return {"code": self.code, "rule": self.rule, "input": json_ready(self.input),
                "outcome": self.outcome, "points": plain(self.points),
                "max_points": plain(self.max_points), "not_applicable": self.not_applicable,
                "status": self.status}

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = tuple.__hash__


class _Pending:
    def __repr__(self) -> str:
        return "PENDING"

    def __reduce__(self) -> str:
        return "PENDING"  # a pickled or copied result still means this one marker


# A sub-index not worked out yet: NodeScore computes it from its points when it is read.
PENDING = _Pending()


class _NodeFigures(NamedTuple):
    code: str
    level: str
    points: Decimal
    max_points: Decimal
    sub_index: "Decimal | _Pending | None"
    not_applicable: bool  # every leaf below is marked not applicable


class NodeScore(_NodeFigures):
    """A domain's, criterion's or leaf's points over the max points of its applicable leaves.

    `sub_index` is rounded half-up to 2 places, None when no leaf below counts. Scoring passes
    PENDING for it: the exact percent is then taken only when something reads it (a ranking
    reads the domains', a report every node's), always from the same points.
    """

    __slots__ = ()

    @property
    def sub_index(self) -> Decimal | None:
        given = tuple.__getitem__(self, 4)
        if given is not PENDING:
            return given
        return percent(self.points, self.max_points) if self.max_points else None

    def _figures(self) -> tuple:
        return (self.code, self.level, self.points, self.max_points, self.sub_index,
                self.not_applicable)

    def to_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "points": plain(self.points),
                "max_points": plain(self.max_points), "sub_index": _index_text(self.sub_index),
                "not_applicable": self.not_applicable}

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self._figures() == other._figures()

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._figures())

    def __repr__(self) -> str:
        return ("NodeScore(code={!r}, level={!r}, points={!r}, max_points={!r}, sub_index={!r}, "
                "not_applicable={!r})").format(*self._figures())


@dataclass(frozen=True)
class ScoreResult:
    criteria_set_id: str
    criteria_set_version: str
    total: Decimal  # unrounded
    max_points: Decimal  # of the leaves that count
    index: Decimal | None  # rounded once, from the unrounded totals; None when nothing counts
    self_points: Decimal
    survey_points: Decimal
    survey_absent: bool
    classification: str | None
    nodes: dict[str, NodeScore]  # every domain, criterion and sub-criterion, in tree order
    unanswered: tuple[str, ...]
    trace: tuple[TraceLine, ...]
    engine_version: str = ENGINE_VERSION
    # Max points of the counted self-assessed (appraised) and survey leaves.
    self_max_points: Decimal = Decimal(0)
    survey_max_points: Decimal = Decimal(0)
    # The set's named components (key -> figures, level "component"), in the set's order.
    components: dict[str, NodeScore] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "criteria_set": {"id": self.criteria_set_id, "version": self.criteria_set_version},
            "engine_version": self.engine_version,
            "total": plain(self.total),
            "max_points": plain(self.max_points),
            "index": _index_text(self.index),
            "self_points": plain(self.self_points),
            "survey_points": plain(self.survey_points),
            "survey_absent": self.survey_absent,
            "classification": self.classification,
            "unanswered": list(self.unanswered),
            # A list, not an object: JavaScript would reorder keys such as "1", "2" before "1.1".
            "nodes": [node.to_dict() for node in self.nodes.values()],
            "components": [node.to_dict() for node in self.components.values()],
            "trace": [line.to_dict() for line in self.trace],
        }
