"""The solver against brute force: least effort, then fewest steps, on small random item sets
with uneven weights, with and without domain floors."""

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from server.engine.rules import BetterOutcome
from server.planning.solver import Need, _undominated_2d, options_of, solve


def _items(rng, count):
    items = {}
    for n in range(count):
        current = Decimal(rng.choice([0, 0, "0.25", "0.5"]))
        points = sorted({current + Decimal(rng.choice(range(1, 9))) / 4
                         for _ in range(rng.choice([1, 2, 3]))})
        better = [BetterOutcome(str(p), p, str(p)) for p in points]
        items[f"{n // 3 + 1}.{n}"] = options_of(f"{n // 3 + 1}.{n}", better, current,
                                                rng.choice([1, 1, 2, 3, 5]))
    return items


def _brute_force(items, needs):
    best = None
    choices = [[None, *options] for options in items.values()]
    for combo in itertools.product(*choices):
        chosen = [option for option in combo if option]
        if all(need.met(sum((o.gain for o in chosen if need.covers(o.code)), Fraction(0)))
               for need in needs):
            cost = (sum(o.effort for o in chosen), sum(o.steps for o in chosen))
            best = cost if best is None or cost < best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_least_effort_then_fewest_steps_as_brute_force_finds(seed):
    rng = random.Random(seed)  # noqa: S311 (a repeatable sample, not a secret)
    items = _items(rng, 7)
    most = sum(options[-1].gain for options in items.values())
    needs = [Need("total", most * Fraction(rng.choice(range(1, 10)), 10))]
    if seed % 2:  # a domain floor too: the items of domain 1 must gain at least 1 point
        needs.append(Need("1", Fraction(1), frozenset(c for c in items if c.startswith("1."))))
    if seed % 3 == 0:  # a second domain's floor: three needs move together
        needs.append(Need("2", Fraction(1, 2), frozenset(c for c in items if c.startswith("2."))))
    if seed % 5 == 0:
        needs.append(Need("strict", needs[0].amount, None, strict=True))
    solution = solve(items, needs)
    expected = _brute_force(items, needs)
    if expected is None:
        assert solution is None
    else:
        assert (solution.effort, solution.steps) == expected
        assert len({o.code for o in solution.options}) == len(solution.options)
        for need in needs:
            assert need.met(sum((o.gain for o in solution.options if need.covers(o.code)),
                                Fraction(0)))


def test_a_need_beyond_every_best_outcome_has_no_solution():
    items = _items(random.Random(1), 4)  # noqa: S311 (a repeatable sample)
    most = sum(options[-1].gain for options in items.values())
    assert solve(items, [Need("total", most + Fraction(1, 4))]) is None
    assert solve(items, [Need("total", most, strict=True)]) is None
    assert solve(items, [Need("total", most)]) is not None


def test_a_need_already_met_needs_no_step():
    items = _items(random.Random(2), 4)  # noqa: S311 (a repeatable sample)
    solution = solve(items, [Need("total", Fraction(-1))])
    assert (solution.options, solution.effort, solution.steps) == ((), 0, 0)


@pytest.mark.parametrize("seed", range(10))
def test_the_staircase_keeps_what_comparing_every_pair_keeps(seed):
    rng = random.Random(seed)  # noqa: S311 (a repeatable sample, not a secret)
    states = {(rng.randint(0, 12), 5, rng.randint(0, 12)): (rng.randint(0, 9), rng.randint(0, 9),
                                                            -rng.randint(0, 9), ())
              for _ in range(60)}
    ordered = sorted(states.items(), key=lambda item: item[1][:3])
    every_pair = []
    for key, cost in ordered:
        if not any(other[0] >= key[0] and other[2] >= key[2] for other, _ in every_pair):
            every_pair.append((key, cost))
    assert _undominated_2d(ordered, 0, 2) == every_pair
