"""The least index that ranks a unit `worst` or better, checked with the engine's own ranking
just at it and just below it, for every tie rule, rivals drawing level included."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from server.engine import ScoreResult, TieRule
from server.engine.decimals import round_half_up
from server.engine.ranking import Entry, rank
from server.planning.needs import Rival, compared_value, rank_floor

RULES = [TieRule(compare, ranks) for compare in ("unrounded", "rounded")
         for ranks in ("shared", "distinct")]


def _result(total: Decimal) -> ScoreResult:
    """A unit's score out of 100 points: its index is its total."""
    return ScoreResult("set", "1", total, Decimal(100), round_half_up(total), Decimal(0),
                       Decimal(0), False, None, {}, (), ())


def _rank_at(exact: Fraction, rivals: dict, tie_rule: TieRule) -> int:
    total = Decimal(exact.numerator) / Decimal(exact.denominator)
    entries = [Entry(code, code, _result(value)) for code, value in rivals.items()]
    rows = rank(None, [*entries, Entry("U05", "U05", _result(total))], tie_rule)
    return next(row.rank for row in rows if row.unit_code == "U05")


@pytest.mark.parametrize("tie_rule", RULES)
@pytest.mark.parametrize("seed", range(12))
def test_the_floor_is_where_the_rank_is_reached(tie_rule, seed):
    rng = random.Random(seed)  # noqa: S311 (a repeatable sample, not a secret)
    # Rivals on a coarse grid, so draws (exact and when rounded) happen; codes on both sides
    # of the unit's, U05.
    rivals = {f"U{n:02d}": Decimal(rng.choice(range(7000, 7040))) / 100
              + Decimal(rng.choice([0, 0, "0.004", "0.005", "0.0049"]))
              for n in range(10) if n != 5}
    values = [Rival(code, compared_value(_result(value), tie_rule))
              for code, value in rivals.items()]
    for worst in range(1, len(rivals) + 1):
        floor = rank_floor(worst, "U05", values, tie_rule)
        at = floor.index + (Fraction(1, 10**6) if floor.strict else 0)
        assert _rank_at(at, rivals, tie_rule) <= worst, (worst, floor)
        below = floor.index if floor.strict else floor.index - Fraction(1, 10**6)
        assert _rank_at(below, rivals, tie_rule) > worst, (worst, floor)


def test_fewer_rivals_than_the_rank_need_nothing():
    assert rank_floor(3, "U05", [Rival("U01", Fraction(90))], TieRule("unrounded", "shared")) \
        is None
