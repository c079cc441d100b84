"""Ranking scored units within one peer group, by the tie rule of their criteria set.

Pure: no Flask, no database. The caller scores every unit with `score()` and hands the results in;
every number here comes from those results.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from server.engine.model import CriteriaSet, TieRule
from server.engine.results import ScoreResult


@dataclass(frozen=True)
class Entry:
    """A unit to place: its code and name, its score, and whether it takes part in the ranking."""

    unit_code: str
    unit_name: str
    result: ScoreResult
    ranked: bool = True


@dataclass(frozen=True)
class RankedRow:
    unit_code: str
    unit_name: str
    result: ScoreResult
    ranked: bool  # False: scored and listed, but given no rank
    rank: int | None  # None for units not ranked and for units with nothing to score
    classification: str | None

    @property
    def index(self) -> Decimal | None:
        return self.result.index


def exact_index(result: ScoreResult) -> Fraction | None:
    """The index before any rounding: total / max points x 100, as an exact fraction."""
    if not result.max_points:
        return None
    return Fraction(result.total) * 100 / Fraction(result.max_points)


def _compared(result: ScoreResult, tie_rule: TieRule):
    """The value ranks are decided on: the exact index, or the published (2-place) one."""
    if tie_rule.compare == "rounded":
        return None if result.index is None else Fraction(result.index)
    return exact_index(result)


def rank(criteria_set: CriteriaSet, entries: Iterable[Entry | tuple],
         tie_rule: TieRule | None = None) -> list[RankedRow]:
    """Every entry as a row, ranked units first (best first), then the units given no rank.

    `tie_rule` overrides the set's (a campaign may decide its own). With `ranks: shared`, equal
    compared values share a rank and the next rank skips (1, 1, 3); with `ranks: distinct`, equal
    values are ordered by unit code and ranks run 1, 2, 3. Within a tie, rows go by unit code.
    Classification comes from the set's bands, component minimums included.
    """
    rule = tie_rule or criteria_set.tie_rule
    if rule.compare not in ("unrounded", "rounded") or rule.ranks not in ("shared", "distinct"):
        raise ValueError(f"unknown tie rule {rule!r}")
    items = [entry if isinstance(entry, Entry) else Entry(*entry) for entry in entries]
    codes = [item.unit_code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("a unit is listed twice")
    rankable = [(item, _compared(item.result, rule)) for item in items if item.ranked]
    placed = sorted(((item, value) for item, value in _integer_keys(rankable)
                     if value is not None), key=lambda pair: (-pair[1], pair[0].unit_code))
    rows, previous, previous_rank = [], None, 0
    for position, (item, value) in enumerate(placed, 1):
        place = previous_rank if rule.ranks == "shared" and value == previous else position
        previous, previous_rank = value, place
        rows.append(_row(item, place))
    unplaced = [item for item, value in rankable if value is None]
    unplaced += [item for item in items if not item.ranked]
    rows += [_row(item, None) for item in sorted(unplaced, key=lambda item: item.unit_code)]
    return rows


def _integer_keys(pairs: list[tuple]) -> list[tuple]:
    """The fractions as integers in the same order, equal only where they are equal: floor(v x
    K) with K the square of the largest denominator (two different fractions a/b and c/d differ
    by at least 1 / (b d), so K / (b d) >= 1 keeps them apart). Integers compare at C speed; a
    national ranking sorts 10,600 of them."""
    denominators = [value.denominator for _item, value in pairs if value is not None]
    if not denominators:
        return pairs
    scale = max(denominators) ** 2
    return [(item, None if value is None else value.numerator * scale // value.denominator)
            for item, value in pairs]


def _row(item: Entry, place: int | None) -> RankedRow:
    return RankedRow(item.unit_code, item.unit_name, item.result, item.ranked, place,
                     item.result.classification)
