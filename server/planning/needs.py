"""A target read as solver Needs: the points the unit's total, domains and components must gain.

Pure: the unit's score now, its set (with the campaign's bands) and, for a rank, the compared
values of the other ranked units of its group. Published figures are rounded half-up to 2
places, so "index at least X" is "exact index at least X - 0.005"; the tie rule decides whether
a rank compares that rounded index or the exact one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from server.engine import CriteriaSet, ScoreResult, TieRule
from server.engine.model import COMPONENT_SELF, COMPONENT_SURVEY
from server.planning.solver import Need
from server.planning.targets import Target

HALF_HUNDREDTH = Fraction(1, 200)
HUNDREDTH = Fraction(1, 100)
TOTAL = "total"


@dataclass(frozen=True)
class Rival:
    """Another unit of the group as a rank compares it."""

    unit_code: str
    value: Fraction  # its compared index (exact, or rounded, by the tie rule)


@dataclass(frozen=True)
class Floor:
    """An exact index the unit's own must reach (`strict`: pass), and why."""

    reason: str  # "band", "rank" or "index"
    index: Fraction
    strict: bool = False


def compared_value(result: ScoreResult, tie_rule: TieRule) -> Fraction | None:
    """What a rank compares: the published 2-place index, or the exact one."""
    if result.index is None:
        return None
    if tie_rule.compare == "rounded":
        return Fraction(result.index)
    return Fraction(result.total) * 100 / Fraction(result.max_points)


def rank_floor(worst: int, unit_code: str, rivals: Sequence[Rival],
               tie_rule: TieRule) -> Floor | None:
    """The least exact index ranking the unit `worst` or better among `rivals`, held where they
    are; None when any index does (fewer rivals than that)."""
    values = sorted((rival.value for rival in rivals), reverse=True)
    if len(values) < worst:
        return None
    bar = values[worst - 1]  # the rival the unit must at least draw level with
    above = sum(1 for value in values if value > bar)
    level = sum(1 for rival in rivals if rival.value == bar and rival.unit_code < unit_code)
    # Shared ranks: drawing level is enough. Distinct ranks: equal values go by unit code.
    strict = 1 + above + (level if tie_rule.ranks == "distinct" else 0) > worst
    if tie_rule.compare == "rounded":  # a rounded index of `bar` (or the next one up)
        return Floor("rank", bar + (HUNDREDTH if strict else 0) - HALF_HUNDREDTH)
    return Floor("rank", bar, strict)


def floors(target: Target, criteria_set: CriteriaSet, rank: Floor | None) -> list[Floor]:
    found = []
    if target.band:
        band = next(b for b in criteria_set.bands if b.label == target.band)
        found.append(Floor("band", Fraction(band.min) - HALF_HUNDREDTH))
    if target.index is not None:
        found.append(Floor("index", Fraction(target.index) - HALF_HUNDREDTH))
    if rank is not None:
        found.append(rank)
    return found


def total_need(floor_list: Iterable[Floor], result: ScoreResult) -> Need | None:
    """The points the total must gain to pass the highest floor."""
    floor_list = list(floor_list)
    if not floor_list:
        return None
    top = max(floor_list, key=lambda f: (f.index, f.strict))
    points = top.index * Fraction(result.max_points) / 100
    return Need(TOTAL, points - Fraction(result.total), None, top.strict)


def component_needs(target: Target, criteria_set: CriteriaSet, result: ScoreResult,
                    counted: Sequence[str]) -> list[Need]:
    """The domains' floor (`domain_min`) and the target band's component minimums (on "self",
    "survey", a domain or a named component), each a Need over the counted items of its part.
    A target's own minimum on a component would be read here the same way."""
    minimums = []
    if target.domain_min is not None:
        minimums += [(domain.code, target.domain_min) for domain in criteria_set.domains]
    if target.band:
        band = next(b for b in criteria_set.bands if b.label == target.band)
        minimums += list(band.min_components)
    needs = []
    for key, minimum in minimums:
        codes = frozenset(_component_codes(criteria_set, key)) & set(counted)
        if not codes:  # a part with no counted item does not hold a unit back
            continue
        max_points = sum(Fraction(criteria_set.leaf(code).max_points) for code in codes)
        points = sum(Fraction(line.points) for line in result.trace if line.code in codes)
        wanted = (Fraction(minimum) - HALF_HUNDREDTH) * max_points / 100
        needs.append(Need(key, wanted - points, codes))
    return needs


def _component_codes(criteria_set: CriteriaSet, key: str) -> list[str]:
    """The items of a part a minimum may name: "self", "survey", a domain code or the key of one
    of the set's named components."""
    if key in (COMPONENT_SELF, COMPONENT_SURVEY):
        return [leaf.code for leaf in criteria_set.leaves() if leaf.source == key]
    named = {component.key: component for component in criteria_set.components}
    if key in named:
        return list(named[key].leaf_codes)
    return [leaf.code for leaf in criteria_set.node(key).leaves()]

