"""50 simulated editors save a full self-assessment form at once; latency, errors, lost writes.

    .venv/bin/python bench/concurrent_saves.py [--editors 50] [--rounds 5] [--workers 4]
                                               [--threads 8]

Each editor has their own unit and saves every self-assessed sub-criterion of province-2020
(the 102-item set, survey items excluded) through the API, `rounds` times, each time with the
versions the previous save returned. Afterwards every stored answer must hold the last value its
editor sent, at version `rounds`: nothing lost, nothing half-written. Set
PARINDEX_BENCH_DATABASE_URL to run on PostgreSQL (the default is SQLite in a temporary folder).
"""

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Server, environment, prepare


def leaves():
    sys.path.insert(0, str(ROOT))
    from server.engine import load_criteria_set
    from server.engine.results import json_ready

    path = ROOT / "criteria" / "province_2020" / "criteria.yaml"
    criteria_set = load_criteria_set(path)
    found = [(leaf.code, json_ready(leaf.rule.max_input()), json_ready(leaf.rule.zero_input()))
             for leaf in criteria_set.leaves() if leaf.source == "self"]
    return len(criteria_set.leaves()), found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    total_leaves, items = leaves()
    env = environment()
    editors = prepare(env, args.editors)
    server = Server(env, workers=args.workers, threads=args.threads)
    latencies, errors, sent = [], [], {}
    lock = threading.Lock()
    barrier = threading.Barrier(args.editors)

    def editor_run(editor):
        headers = {**server.token(editor["username"]), "Content-Type": "application/json"}
        conn = server.connection()
        versions = {code: None for code, _, _ in items}
        barrier.wait()
        for round_ in range(args.rounds):
            answers = {code: {"value": (high if round_ % 2 == 0 else low),
                              "explanation": f"vòng {round_}", "version": versions[code]}
                       for code, high, low in items}
            started = time.perf_counter()
            conn.request("PUT", f"/api/v1/assessments/{editor['assessment_id']}/answers",
                         body=json.dumps({"answers": answers}), headers=headers)
            response = conn.getresponse()
            body = json.loads(response.read())
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append((editor["username"], response.status, body.get("detail")))
                    return
            versions = {code: body["answers"][code]["version"] for code, _, _ in items}
            sent[editor["assessment_id"]] = (answers, round_ + 1)

    threads = [threading.Thread(target=editor_run, args=(e,)) for e in editors]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    lost = 0
    try:
        for editor in editors:
            headers = server.token(editor["username"])
            conn = server.connection()
            conn.request("GET", f"/api/v1/assessments/{editor['assessment_id']}",
                         headers=headers)
            stored = json.loads(conn.getresponse().read())["answers"]
            expected, saves = sent.get(editor["assessment_id"], ({}, 0))
            for code, answer in expected.items():
                row = stored.get(code)
                if row is None or row["explanation"] != answer["explanation"] \
                        or row["version"] != saves:
                    lost += 1
    finally:
        server.stop()
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("nan")
    print(f"{args.editors} editors x {args.rounds} saves of {len(items)} self-assessed items "
          f"(of {total_leaves}); gunicorn {args.workers} workers x {args.threads} threads; "
          f"database {env['PARINDEX_DATABASE_URL'].split(':')[0]}")
    print(f"saves {len(latencies)}, errors {len(errors)}, lost writes {lost}, wall {wall:.1f} s")
    if latencies:
        print(f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    for error in errors[:5]:
        print("error:", error)
    return 0 if not errors and not lost else 1


if __name__ == "__main__":
    sys.exit(main())
