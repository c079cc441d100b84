"""Every goal of issue 13, each figure beside its floor measured in the same run.

    .venv/bin/python -m bench all [--quick]

Full size: 10,600 units, 200 editors (and 500 reported); `--quick`: 1,000 units, 100 editors.
PostgreSQL from PARINDEX_BENCH_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/
bench; its public schema is dropped and rebuilt). Ends with one line per goal,
`ratio NAME VALUE goal GOAL`, then `bench: N of M goals met`; exit status 0 when all are met.
"""

import argparse
import sys
import time
from dataclasses import dataclass

FULL, QUICK = (10_600, 200, 500), (1_000, 100, None)  # units, editors, editors also reported


@dataclass
class Sizes:
    units: int
    editors: int
    also: int | None


def parse(argv, description: str) -> Sizes:
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", nargs="?", choices=["all"], default="all")
    parser.add_argument("--quick", action="store_true",
                        help="1,000 units and 100 editors: a few minutes")
    # Toy sizes for the smoke test (tests/test_bench_smoke.py).
    parser.add_argument("--units", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--editors", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    units, editors, also = QUICK if args.quick else FULL
    if args.units or args.editors:
        also = None
    return Sizes(args.units or units, args.editors or editors, also)


def report(goals) -> int:
    for goal in goals:
        print(goal.line())
    met = sum(goal.met for goal in goals)
    print(f"bench: {met} of {len(goals)} goals met")
    return 0 if met == len(goals) else 1


def dataset_for(sizes: Sizes):
    from bench import dataset
    from bench.common import bench_database_url

    started = time.perf_counter()
    built = dataset.build(bench_database_url(), sizes.units, sizes.editors
                          if sizes.also is None else max(sizes.editors, sizes.also))
    print(f"dataset: {sizes.units} units x 102 answers, {len(built.editors)} editors, "
          f"{built.url.split(':')[0]}, built in {time.perf_counter() - started:.1f} s",
          flush=True)
    return built


def run_alone(argv, description: str, goals_of) -> int:
    """One bench on its own: the dataset, its goals, the goal lines."""
    sizes = parse(argv, description)
    return report(goals_of(dataset_for(sizes), sizes))


def main(argv=None) -> int:
    from bench import (
        concurrent_saves,
        engine_scoring,
        live_ranking,
        planner,
        publishing,
        ranking,
        ranking_workbook,
    )

    sizes = parse(argv, __doc__)
    started = time.perf_counter()
    goals = [engine_scoring.goal(min(1000, sizes.units), 3 if sizes.also is None else 5),
             planner.goal(min(100, sizes.units))]
    built = dataset_for(sizes)
    found, ranked = ranking.goals(built)
    goals += found
    goals += ranking_workbook.goals(ranked)
    goals += live_ranking.goals(built)
    goals += concurrent_saves.goals(built, sizes.editors, sizes.also)
    goals += publishing.goals(built)
    print(f"bench all: {time.perf_counter() - started:.0f} s")
    return report(goals)


if __name__ == "__main__":
    sys.exit(main())
