"""Shared pieces of the benchmarks: the national scale and synthetic answers."""

import random
import resource
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from server.engine import load_criteria_set
from server.engine.results import json_ready

ROOT = Path(__file__).resolve().parent.parent
UNITS = 10_600  # communes nationally before the 2025 merger
SET_PATH = ROOT / "criteria" / "province_2020" / "criteria.yaml"  # 102 sub-criteria


def criteria_set():
    return load_criteria_set(SET_PATH)


def synthetic_answers(criteria_set, units: int, seed: int = 2021):
    """[(unit code, {leaf code: json value})]: each leaf gets its max or its zero input at random,
    about 1 leaf in 40 is marked not applicable where the set allows it."""
    rng = random.Random(seed)
    leaves = criteria_set.leaves()
    result = []
    for n in range(units):
        answers = {}
        for leaf in leaves:
            if leaf.not_applicable_allowed and rng.random() < 0.025:
                answers[leaf.code] = {"value": None, "not_applicable": True}
            else:
                value = leaf.rule.max_input() if rng.random() < 0.8 else leaf.rule.zero_input()
                answers[leaf.code] = {"value": json_ready(value), "not_applicable": False}
        result.append((f"X{n:05}", answers))
    return result


@contextmanager
def measured(label: str, figures: dict):
    """Wall time and tracemalloc peak of the block, stored under `label`."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[label] = {"seconds": elapsed, "peak_mib": peak / 2**20}
        print(f"{label:<40} {elapsed:8.2f} s   peak {peak / 2**20:8.1f} MiB (tracemalloc)",
              flush=True)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def in_child(label: str, work, figures: dict):
    """Run `work()` in a forked child (Linux): wall time, and the growth of the child's peak
    resident memory over what it inherited (VmHWM - VmRSS at start). No tracing overhead."""
    import json
    import os

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            start_rss = _status_kib("VmRSS")
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            grown = (_status_kib("VmHWM") - start_rss) / 1024
            os.write(write_end, json.dumps({"seconds": elapsed, "peak_mib": grown}).encode())
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(0)  # never run the parent's code on
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"{label}: failed in the child (its traceback is above)")
    figures[label] = json.loads(data)
    print(f"{label:<40} {figures[label]['seconds']:8.2f} s   peak RSS growth "
          f"{figures[label]['peak_mib']:8.1f} MiB", flush=True)


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
