"""Goal (a): editors at once, each GETs the form then PUTs a full save, against a bare Flask app
doing the same database work, served the same way, with the same client and concurrency.

    .venv/bin/python -m bench.concurrent_saves [--quick]  (200 editors, 500 reported; quick: 100)

Both servers are started as bin/serve starts the app (its gunicorn command line, read from it:
workers, timeout...) on a free port. Each editor has their own province dossier and API token;
a thread per editor waits at a barrier, GETs the form, then PUTs every self-assessed item of
province-2020 (70 of the 102; survey items are imported, not typed) with the versions the form
gave. Afterwards each dossier is read again and every answer must hold what its editor sent, at
the version the server told them: what differs is a lost write. The floor (bench/bare_app.py)
does: token lookup, SELECT ... FOR UPDATE of the answers' versions, one batched write of answers
and scores, one audit row, one transaction. Ratios are on the PUT latencies; goals p50 <= 3,
p95 <= 5, 0 errors, 0 lost writes.
"""

import http.client
import json
import statistics
import sys
import threading
import time

from bench.common import Goal, Served

GOAL_P50, GOAL_P95 = 3.0, 5.0
REAL = {"target": "wsgi:app", "form": "/api/v1/assessments/{}",
        "save": "/api/v1/assessments/{}/answers"}
BARE = {"target": "bench.bare_app:app", "form": "/form/{}", "save": "/answers/{}"}


def self_items() -> list[tuple[str, object]]:
    """(code, the rule's max input as JSON) of every self-assessed item of province-2020."""
    from bench.national_scale import criteria_set
    from server.engine.results import json_ready

    return [(leaf.code, json_ready(leaf.rule.max_input()))
            for leaf in criteria_set().leaves() if leaf.source == "self"]


def _call(port, method, path, token, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers={"Authorization": f"Bearer {token}",
                              "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, {"detail": data[:200].decode(errors="replace")}


def run_editors(env: dict, routes: dict, editors, items) -> dict:
    """Serve `routes["target"]`, run every editor at once, check what was stored; the figures."""
    server = Served(env, routes["target"])
    latencies, errors, told = [], [], {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(editors))

    def editor_run(editor):
        barrier.wait()
        try:
            status, form = _call(server.port, "GET", routes["form"].format(
                editor.assessment_id), editor.token)
            if status != 200:
                raise RuntimeError(f"GET {status} {form.get('detail')}")
            stored = form["answers"]
            answers = {code: {"value": value, "explanation": f"{editor.username} đã lưu",
                              "version": stored.get(code, {}).get("version")}
                       for code, value in items}
            started = time.perf_counter()
            status, body = _call(server.port, "PUT", routes["save"].format(
                editor.assessment_id), editor.token, {"answers": answers})
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
            if status != 200:
                raise RuntimeError(f"PUT {status} {body.get('detail')}")
            told[editor.assessment_id] = (
                answers, {code: body["answers"][code]["version"] for code, _ in items})
        except Exception as error:
            with lock:
                errors.append(f"{editor.username}: {error}")

    threads = [threading.Thread(target=editor_run, args=(e,)) for e in editors]
    started = time.perf_counter()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        lost = 0
        for editor in editors:
            if editor.assessment_id not in told:
                continue
            sent, versions = told[editor.assessment_id]
            _status, form = _call(server.port, "GET", routes["form"].format(
                editor.assessment_id), editor.token)
            stored = form.get("answers", {})
            lost += sum(1 for code, answer in sent.items()
                        if stored.get(code, {}).get("explanation") != answer["explanation"]
                        or stored.get(code, {}).get("version") != versions[code])
    finally:
        server.stop()
    latencies.sort()
    return {"p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies
            else float("nan"),
            "saves": len(latencies), "errors": errors, "lost": lost, "wall": wall,
            "command": " ".join(server.command[1:])}


def measure(dataset, editors: int, items) -> tuple[dict, dict]:
    """The app and the floor on the first `editors` editors (the app first: it leaves the
    answers; the floor then saves over them, one version on, the same number of rows)."""
    chosen = dataset.editors[:editors]
    real = run_editors(dataset.env, REAL, chosen, items)
    bare = run_editors(dataset.env, BARE, chosen, items)
    for label, figures in (("ParIndex", real), ("bare Flask", bare)):
        print(f"  {label:<11} {editors} editors: PUT p50 {figures['p50']:.3f} s, "
              f"p95 {figures['p95']:.3f} s, saves {figures['saves']}, "
              f"errors {len(figures['errors'])}, lost writes {figures['lost']}, "
              f"wall {figures['wall']:.1f} s", flush=True)
        for error in figures["errors"][:3]:
            print(f"    error: {error}")
    return real, bare


def goals(dataset, editors: int, also: int | None = None) -> list[Goal]:
    items = self_items()
    print(f"concurrent saves: {len(items)} self-assessed items a save, served as bin/serve "
          f"does", flush=True)
    real, bare = measure(dataset, editors, items)
    print(f"  gunicorn {real['command']}")
    found = [Goal("saves_p50", real["p50"] / bare["p50"], GOAL_P50),
             Goal("saves_p95", real["p95"] / bare["p95"], GOAL_P95),
             Goal("saves_errors", len(real["errors"]), 0),
             Goal("saves_lost_writes", real["lost"], 0)]
    if also:
        more, more_bare = measure(dataset, also, items)
        print(f"  {also} editors: p50 ratio {more['p50'] / more_bare['p50']:.2f}, "
              f"p95 ratio {more['p95'] / more_bare['p95']:.2f}, errors "
              f"{len(more['errors'])}, lost writes {more['lost']} (reported, not a goal)")
    return found


def main(argv=None) -> int:
    from bench.__main__ import run_alone

    return run_alone(argv, __doc__, lambda dataset, sizes: goals(
        dataset, sizes.editors, sizes.also))


if __name__ == "__main__":
    sys.exit(main())
