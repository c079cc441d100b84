"""Benchmark: the engine scoring 1,000 distinct 102-item dossiers against a bare Python pass over
the same inputs, in the same run.

    .venv/bin/python -m bench.engine_scoring [--dossiers 1000] [--repeats 5] [--seed 2021]

The dossiers are synthetic answers to province-2020 (102 sub-criteria, 153 nodes), as the server
stores them (JSON values: choice keys, booleans, percentages and points as text, {achieved,
required}); each leaf gets a random value its rule accepts, about 1 in 40 is marked not applicable
where the set allows it and about 1 in 50 is left unanswered. No two dossiers are the same.

The floor is written here without engine objects: the set's rule tables are copied once into
plain tuples and dicts, then for each dossier one pass applies them to the answers (Decimal
arithmetic, as the engine does) and sums points and applicable max points up domain > criterion >
sub-criterion as it goes; the exact percent is taken only where a ranking reports it (the index,
the domains' sub-indices, the self and survey parts, which the bands read), then the band. It does
not check answers beyond what applying the table needs, and writes no trace.

Neither side caches anything across dossiers. Both sides run in this process, alternately,
`--repeats` times; the figure is the fastest run of each (CPU time: the machine is shared).
Every dossier's floor result is checked against the engine's before anything is timed.
Exit status 0 when the engine takes at most GOAL times the floor.
"""

import argparse
import json
import random
import sys
import time
from decimal import Decimal

from bench.__main__ import report
from bench.common import Goal
from bench.national_scale import criteria_set as province_2020
from server.engine import score
from server.engine.results import json_ready

GOAL = 5.0
ZERO = Decimal(0)


def synthetic_dossiers(criteria_set, count: int, seed: int = 2021) -> list[dict]:
    """`count` distinct {leaf code: {value, not_applicable}} mappings, values of every kind."""
    rng = random.Random(seed)
    leaves = criteria_set.leaves()
    dossiers, seen = [], set()
    while len(dossiers) < count:
        answers = {}
        for leaf in leaves:
            if leaf.not_applicable_allowed and rng.random() < 0.025:
                answers[leaf.code] = {"value": None, "not_applicable": True}
            elif rng.random() >= 0.02:
                value = json_ready(_random_value(leaf, rng))
                answers[leaf.code] = {"value": value, "not_applicable": False}
        key = json.dumps(answers, sort_keys=True)
        if key not in seen:
            seen.add(key)
            dossiers.append(answers)
    return dossiers


def _random_value(leaf, rng: random.Random):
    rule, top = leaf.rule, leaf.max_points
    if rule.name == "choice":
        return rng.choice(rule.outcomes).key
    if rule.name == "yes_no":
        return rng.random() < 0.8
    if rule.name == "percent_bands":
        return Decimal(rng.randint(0, 1000)).scaleb(-1)
    if rule.name == "proportional":
        required = rng.randint(1, 40)
        return {"achieved": rng.randint(0, required), "required": required}
    if rule.name == "deduction":
        return rng.randint(0, rule.zero_input())
    step = getattr(rule, "step", Decimal("0.25"))  # manual and survey: points in steps
    return step * rng.randint(0, int(top / step))


# ---- the floor: the set's rule tables as plain data, applied in one pass --------------------

def bare_tables(criteria_set) -> dict:
    """The set copied into plain tuples once: the tree, each leaf's rule table, the bands."""
    def table(leaf):
        rule = leaf.rule
        if rule.name == "choice":
            return {o.key: o.points for o in rule.outcomes}
        if rule.name == "yes_no":
            return (rule.yes, rule.no)
        if rule.name == "percent_bands":
            return tuple((b.points,
                          None if b.lower is None else b.lower.value,
                          b.lower is not None and b.lower.key in ("above",),
                          None if b.upper is None else b.upper.value,
                          b.upper is not None and b.upper.key in ("below",))
                         for b in rule.bands)
        if rule.name == "deduction":
            return (rule.per_failure, rule.floor)
        return None

    domains = tuple(
        (domain.code, tuple(
            (criterion.code, tuple((leaf.code, leaf.rule.name, table(leaf), leaf.max_points,
                                    leaf.source == "survey") for leaf in criterion.leaves()))
            for criterion in domain.criteria))
        for domain in criteria_set.domains)
    return {"domains": domains, "survey_optional": criteria_set.survey_optional,
            "bands": tuple((band.label, band.min) for band in criteria_set.bands)}


def bare_percent(points: Decimal, max_points: Decimal) -> Decimal:
    """points / max x 100, rounded half-up to 2 places, exactly (integers scaled alike)."""
    exponent = min(points.as_tuple().exponent, max_points.as_tuple().exponent)
    numerator, denominator = int(points.scaleb(-exponent)), int(max_points.scaleb(-exponent))
    return Decimal((20000 * numerator + denominator) // (2 * denominator)).scaleb(-2)


def bare_leaf_points(kind: str, table, top: Decimal, value) -> Decimal:
    if kind == "choice":
        return table[str(value) if isinstance(value, int) else value]
    if kind == "yes_no":
        if isinstance(value, str):
            value = value.strip().lower() == "true"
        return table[0] if value else table[1]
    if kind == "percent_bands":
        share = Decimal(value)
        for points, low, low_open, high, high_open in table:
            if ((low is None or share > low or (share == low and not low_open))
                    and (high is None or share < high or (share == high and not high_open))):
                return points
        raise ValueError(value)
    if kind == "proportional":
        return min(Decimal(value["achieved"]) * top / Decimal(value["required"]), top)
    if kind == "deduction":
        return max(top - Decimal(value) * table[0], table[1])
    return Decimal(value)  # manual, survey: the answer is the points


def _given(answer) -> bool:
    return answer is not None and (answer["not_applicable"] or answer["value"] is not None)


def bare_score(tables: dict, answers: dict) -> dict:
    """One pass down the tree: leaf points, each node's points / applicable max / all-N/A, the
    totals, the reported percents and the band."""
    survey_absent = tables["survey_optional"] and not any(
        _given(answers.get(leaf[0])) for _d, criteria in tables["domains"]
        for _c, leaves in criteria for leaf in leaves if leaf[4])
    # Points are added to every running sum above a leaf as the leaf is met: Decimal rounds
    # a sum past 28 digits, so a domain's points are its leaves' in tree order, as the engine
    # adds them, not its criteria's sums. Max points are exact, so they go up from the children.
    nodes = {}
    total = self_points = survey_points = top_total = self_top = survey_top = ZERO
    leaf_points = {}
    for domain_code, criteria in tables["domains"]:
        domain_points = domain_top = ZERO
        domain_na = True
        for criterion_code, leaves in criteria:
            points_sum = top_sum = ZERO
            criterion_na = True
            for code, kind, table, top, survey in leaves:
                answer = answers.get(code)
                if answer is not None and answer["not_applicable"]:
                    nodes[code] = (ZERO, ZERO, True)
                    continue
                criterion_na = False
                if survey and survey_absent:
                    nodes[code] = (ZERO, ZERO, False)
                    continue
                value = None if answer is None else answer["value"]
                points = ZERO if value is None else bare_leaf_points(kind, table, top, value)
                leaf_points[code] = points
                nodes[code] = (points, top, False)
                points_sum += points
                domain_points += points
                total += points
                top_sum += top
                if survey:
                    survey_points += points
                    survey_top += top
                else:
                    self_points += points
                    self_top += top
            nodes[criterion_code] = (points_sum, top_sum, criterion_na)
            domain_top += top_sum
            domain_na = domain_na and criterion_na
        nodes[domain_code] = (domain_points, domain_top, domain_na)
        top_total += domain_top
    reported = {code: bare_percent(nodes[code][0], nodes[code][1]) if nodes[code][1] else None
                for code, _criteria in tables["domains"]}
    index = bare_percent(total, top_total) if top_total else None
    reported["self"] = bare_percent(self_points, self_top) if self_top else None
    reported["survey"] = bare_percent(survey_points, survey_top) if survey_top else None
    band = None if index is None else next(
        (label for label, low in tables["bands"] if index >= low), None)
    return {"total": total, "max_points": top_total, "index": index, "band": band,
            "reported": reported, "nodes": nodes, "leaves": leaf_points}


# ---- the run ---------------------------------------------------------------------------------

def check_same(criteria_set, tables: dict, dossiers: list[dict]) -> None:
    """The floor computes what the engine computes, dossier by dossier."""
    for answers in dossiers:
        ours, bare = score(criteria_set, answers), bare_score(tables, answers)
        assert (ours.total, ours.max_points, ours.index, ours.classification) == (
            bare["total"], bare["max_points"], bare["index"], bare["band"]), answers
        for code, node in ours.nodes.items():
            assert (node.points, node.max_points, node.not_applicable) == bare["nodes"][code], \
                (code, node)
        for domain in criteria_set.domains:
            assert ours.nodes[domain.code].sub_index == bare["reported"][domain.code]


def timed(work) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def goal(count: int = 1000, repeats: int = 5, seed: int = 2021) -> Goal:
    """Time both sides; the goal line of `bench all`."""
    criteria_set = province_2020()
    tables = bare_tables(criteria_set)
    dossiers = synthetic_dossiers(criteria_set, count, seed)
    check_same(criteria_set, tables, dossiers)
    print(f"{count} distinct dossiers of {criteria_set.id} {criteria_set.version} "
          f"({len(criteria_set.leaves())} sub-criteria, {len(criteria_set.nodes())} nodes); "
          f"floor checked equal to the engine on every one", flush=True)

    def engine():
        for answers in dossiers:
            score(criteria_set, answers)

    def bare():
        for answers in dossiers:
            bare_score(tables, answers)

    runs = {"engine": [], "bare": []}
    for _ in range(repeats):
        runs["engine"].append(timed(engine))
        runs["bare"].append(timed(bare))
    best = {name: min(times) for name, times in runs.items()}
    for name, label in (("engine", "engine: score() each dossier"),
                        ("bare", "floor: bare Python pass, same tables")):
        cpu, wall = best[name]
        print(f"{label:<40} {cpu:8.3f} s CPU ({wall:.3f} s wall)   "
              f"{cpu / count * 1000:6.3f} ms a dossier", flush=True)
    ratio = best["engine"][0] / best["bare"][0]
    return Goal("engine_scoring", ratio, GOAL)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    return report([goal(args.dossiers, args.repeats, args.seed)])


if __name__ == "__main__":
    sys.exit(main())
