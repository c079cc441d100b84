"""Comparing a unit's score with last year's when the criteria set changed its codes.

The new set's `carry_over` (see model.CarryOver) says which old code became which new one; an old
code it does not list keeps its code. Each new scored item is compared with the sum of the old
items carried to it.
"""

from dataclasses import dataclass
from decimal import Decimal

from server.engine.model import CriteriaSet
from server.engine.results import ScoreResult


@dataclass(frozen=True)
class Comparison:
    code: str
    title: str
    points: Decimal
    previous_points: Decimal | None  # None: the item is new (nothing was carried to it)
    previous_codes: tuple[str, ...]

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_points is None else self.points - self.previous_points


def carried_codes(previous: CriteriaSet, current: CriteriaSet) -> dict[str, str | None]:
    """Old leaf code -> new leaf code (None: no successor) from `previous` to `current`."""
    carry = current.carry_over
    if carry and carry.previous != f"{previous.id}@{previous.version}":
        raise ValueError(f"{current.id}@{current.version} carries codes over from "
                         f"{carry.previous}, not from {previous.id}@{previous.version}")
    current_leaves = {leaf.code for leaf in current.leaves()}
    mapping = {}
    for leaf in previous.leaves():
        new = carry.new_code(leaf.code) if carry else leaf.code
        mapping[leaf.code] = new if new in current_leaves else None
    return mapping


def check_carry_over(previous: CriteriaSet, current: CriteriaSet) -> list[str]:
    """Problems of `current`'s carry-over map against the installed `previous` set."""
    old = {leaf.code for leaf in previous.leaves()}
    return [f"carry_over: {code} is not a scored item of {current.carry_over.previous}"
            for code, _ in current.carry_over.codes if code not in old]


def compare(previous: CriteriaSet, previous_result: ScoreResult,
            current: CriteriaSet, current_result: ScoreResult) -> list[Comparison]:
    """One line per scored item of `current`: its points now and the points carried from before."""
    mapping = carried_codes(previous, current)
    before = {line.code: line.points for line in previous_result.trace}
    now = {line.code: line.points for line in current_result.trace}
    lines = []
    for leaf in current.leaves():
        sources = tuple(old for old, new in mapping.items() if new == leaf.code)
        previous_points = sum((before.get(old, Decimal(0)) for old in sources), Decimal(0)) \
            if sources else None
        lines.append(Comparison(leaf.code, leaf.title, now.get(leaf.code, Decimal(0)),
                                previous_points, sources))
    return lines
