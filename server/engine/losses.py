"""Points lost (điểm bị trừ): where a scored result falls short of the max, and how that compares
with last year's result through the carry-over map.

Pure: the caller scores both years with `score()`; every number here comes from those results.
A leaf loses points only when it counts (scored or unanswered); an item not applicable, or a
survey that was not run, loses nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from server.engine.carry_over import carried_codes
from server.engine.model import CriteriaSet
from server.engine.results import ScoreResult

# How this year's loss on an item stands against last year's on the items carried to it.
NEW = "new"  # lost now, not last year (or the item did not exist)
REPEATED = "repeated"  # lost last year and as much or more now
IMPROVED = "improved"  # lost last year and less (or nothing) now
STATUSES = (NEW, REPEATED, IMPROVED)


@dataclass(frozen=True)
class CarriedLoss:
    """Last year's points lost on the old items carried to one current item."""

    lost: Decimal | None  # None: nothing was carried to the item, or none of it counted
    codes: tuple[str, ...]  # the old codes carried to it


def losses(result: ScoreResult) -> dict[str, Decimal]:
    """code -> points lost (max - points) for every leaf that counts, 0 included."""
    return {line.code: line.max_points - line.points for line in result.trace if line.counts}


def code_map(previous: CriteriaSet, current: CriteriaSet) -> dict[str, str | None]:
    """Old leaf code -> current leaf code. The same set version maps every code to itself; another
    version goes through `current`'s carry-over map (ValueError when it is from another set)."""
    if (previous.id, previous.version) == (current.id, current.version):
        return {leaf.code: leaf.code for leaf in current.leaves()}
    return carried_codes(previous, current)


def carried_losses(mapping: dict[str, str | None], previous_result: ScoreResult,
                   current: CriteriaSet) -> dict[str, CarriedLoss]:
    """current leaf code -> last year's loss on the old items `mapping` carries to it."""
    before = losses(previous_result)
    sources: dict[str, list[str]] = {leaf.code: [] for leaf in current.leaves()}
    for old, new in mapping.items():
        if new is not None:
            sources[new].append(old)
    carried = {}
    for code, olds in sources.items():
        counted = [before[old] for old in olds if old in before]
        carried[code] = CarriedLoss(sum(counted, Decimal(0)) if counted else None, tuple(olds))
    return carried


def status(lost: Decimal, previous_lost: Decimal | None) -> str | None:
    """new / repeated / improved; None when the item lost nothing in either year."""
    before = previous_lost or Decimal(0)
    if before > 0:
        return REPEATED if lost >= before else IMPROVED
    return NEW if lost > 0 else None
