"""The least-effort set of steps that meets every need: an exact multiple-choice knapsack.

Pure: no Flask, no database. Each item offers its better outcomes; choosing one replaces the
item's answer (at most one per item). A step is one move to the next better outcome, so the k-th
better outcome of an item is k steps, costing k times the item's weight. The plan minimises
(effort, steps); among equal costs it keeps the most points.

The programme runs over the items, keeping for each reachable state (every need's gain so far,
capped where the need is met) the cheapest way to it, and drops states another state beats on
every need at no more cost. Gains are the rules' Decimal points as exact fractions, counted in
whole steps of the problem's own grid (the least common denominator of every gain and amount),
so no rounding enters the choice; the plan is then applied and re-scored by the engine.
"""

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Option:
    """Moving one item to one of its better outcomes."""

    code: str
    value: object  # the answer value meaning that outcome
    label: str
    points: Decimal  # the item's points after the step
    gain: Fraction  # more than its points now
    steps: int
    effort: int


@dataclass(frozen=True)
class Need:
    """The items in `codes` (all items when None) must together gain at least `amount` points,
    or more than it when `strict`. The total index, a rank, a domain floor are each one Need;
    a component minimum is one more over the component's items."""

    key: str
    amount: Fraction
    codes: frozenset[str] | None = None
    strict: bool = False

    def covers(self, code: str) -> bool:
        return self.codes is None or code in self.codes

    def met(self, gain: Fraction) -> bool:
        return gain > self.amount if self.strict else gain >= self.amount


@dataclass(frozen=True)
class Solution:
    options: tuple[Option, ...]
    effort: int
    steps: int


def options_of(code: str, better: Sequence, current: Decimal, weight: int) -> list[Option]:
    """The options of an item from its rule's better outcomes (fewest points first)."""
    return [Option(code, outcome.value, outcome.label, outcome.points,
                   Fraction(outcome.points) - Fraction(current), k, k * weight)
            for k, outcome in enumerate(better, 1)]


def solve(items: Mapping[str, Sequence[Option]], needs: Iterable[Need]) -> Solution | None:
    """The cheapest choice of at most one option per item meeting every need; None when even
    every best outcome together does not."""
    needs = tuple(need for need in needs if not need.met(Fraction(0)))
    items = {code: options for code, options in items.items() if options}
    # The exact grid of this problem: every gain and amount is a whole number of 1/scale points.
    scale = math.lcm(*(value.denominator for value in (
        *(option.gain for options in items.values() for option in options),
        *(need.amount for need in needs))))
    # A strict need on whole numbers: one more than its amount.
    wanted = [int(need.amount * scale) + need.strict for need in needs]
    # Once the last item a need covers is passed, states that miss it are dropped and its gain
    # no longer tells states apart: domains met one after another keep the states few.
    last = {i: max((p for p, code in enumerate(items) if need.covers(code)), default=None)
            for i, need in enumerate(needs)}
    if None in last.values():
        return None  # a need no item can move
    # state (each need's gain, capped at what it wants) -> (effort, steps, -gain, chosen)
    states = {tuple(0 for _ in needs): (0, 0, 0, ())}
    for position, (code, options) in enumerate(items.items()):
        touched = [i for i, need in enumerate(needs) if need.covers(code)]
        if not touched:
            continue
        scaled = [(int(option.gain * scale), option) for option in options]
        grown = dict(states)
        for key, (effort, steps, gained, chosen) in states.items():
            for gain, option in scaled:
                new_key = list(key)
                for i in touched:
                    new_key[i] = min(key[i] + gain, wanted[i])
                new_key = tuple(new_key)
                cost = (effort + option.effort, steps + option.steps, gained - gain,
                        (*chosen, option))
                if new_key not in grown or cost[:3] < grown[new_key][:3]:
                    grown[new_key] = cost
        done = [i for i in touched if last[i] == position]
        if done:
            grown = {key: cost for key, cost in grown.items()
                     if all(key[i] >= wanted[i] for i in done)}
            if not grown:
                return None
        states = _undominated(grown)
    effort, steps, _gained, chosen = min(states.values(), key=lambda cost: cost[:3])
    return Solution(chosen, effort, steps)


def _undominated(states: dict) -> dict:
    """The states no other state matches or beats on every need at no more cost."""
    ordered = sorted(states.items(), key=lambda item: item[1][:3])
    # Only the needs whose gains differ between states tell them apart (a domain's need before
    # its items and after its last one does not).
    keys = [key for key, _cost in ordered]
    varying = [i for i in range(len(keys[0])) if any(key[i] != keys[0][i] for key in keys)]
    kept: list = []
    if len(varying) <= 1:  # a running best is enough
        best = None
        for key, cost in ordered:
            value = key[varying[0]] if varying else 0
            if best is None or value > best:
                kept.append((key, cost))
                best = value
        return dict(kept)
    if len(varying) == 2:
        return dict(_undominated_2d(ordered, *varying))
    projected: list = []
    for key, cost in ordered:
        mine = [key[i] for i in varying]
        if not any(all(a >= b for a, b in zip(other, mine, strict=True)) for other in projected):
            kept.append((key, cost))
            projected.append(mine)
    return dict(kept)


def _undominated_2d(ordered: list, first: int, second: int) -> list:
    """`_undominated` when two needs vary: a staircase of the best (first, second) gains kept so
    far, the first rising and the second falling, answers "is any as good on both" by bisection."""
    kept, rising, falling = [], [], []
    for key, cost in ordered:
        a, b = key[first], key[second]
        at = bisect.bisect_left(rising, a)  # the stairs with a first gain of `a` or more
        if at < len(rising) and falling[at] >= b:
            continue
        kept.append((key, cost))
        # The stairs this state matches or beats on both gains are no longer needed.
        start = at
        while start > 0 and falling[start - 1] <= b:
            start -= 1
        end = at + 1 if at < len(rising) and rising[at] == a else at
        rising[start:end], falling[start:end] = [a], [b]
    return kept
