"""Benchmark: the ranking workbook at national pre-2025 scale (10,600 units x 102 sub-criteria).

    .venv/bin/python -m bench.ranking_workbook [--units N]

Scores synthetic answers with the engine, then writes (1) the real workbook and (2) the same
cells with bare xlsxwriter (constant_memory, no formats, no print setup), in the same run, and
prints time, peak memory and the ratio. Each write runs alone in a forked child, untraced;
its memory figure is how far the child's peak resident set grew over what it inherited.
"""

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

from bench.national_scale import UNITS, criteria_set, in_child, max_rss_mib, synthetic_answers
from server.engine import score
from server.engine.ranking import Entry, rank
from server.results.exports.ranking_workbook import EXCEL_MAX_ROWS, write_ranking_workbook
from server.results.ranking import GroupRanking


def build_ranking(units: int) -> GroupRanking:
    cs = criteria_set()
    entries = [Entry(code, f"Xã {code}", score(cs, answers))
               for code, answers in synthetic_answers(cs, units)]
    rows = rank(cs, entries)
    return GroupRanking(0, 2021, "commune", cs, cs.tie_rule, rows, {}, inputs_digest="")


def bare_cells(ranking):
    """The same cells, as plain lists per sheet, extracted before the bare write is timed."""
    cs = ranking.criteria_set
    leaves = cs.leaves()
    f = float
    sheets = {"summary": [], "matrix": [], "long": []}
    domain_sheets = {d.code: [] for d in cs.domains}
    for row in ranking.rows:
        r = row.result
        head = [row.rank, row.unit_code, row.unit_name]
        sheets["summary"].append(head + [f(r.nodes[d.code].points) for d in cs.domains]
                                 + [f(r.self_points), f(r.survey_points), f(r.total),
                                    f(r.index), row.classification, None, None])
        for d in cs.domains:
            n = r.nodes[d.code]
            domain_sheets[d.code].append(
                head + [None if r.nodes[c.code].sub_index is None
                        else f(r.nodes[c.code].sub_index) for c in d.criteria]
                + [f(n.points), f(n.max_points), None if n.sub_index is None else f(n.sub_index)])
        sheets["matrix"].append(head + [None if t.not_applicable else f(t.points)
                                        for t in r.trace])
        for t in r.trace:
            # Same count and kinds of cells; short stand-ins for the domain, criterion, source.
            sheets["long"].append([*head, "1", "1.1", t.code, "self", f(t.points),
                                   f(t.max_points), t.status, row.classification])
    assert len(leaves) == len(sheets["matrix"][0]) - 3
    return sheets, domain_sheets


def bare_write(path, sheets, domain_sheets):
    book = xlsxwriter.Workbook(path, {"constant_memory": True})

    def dump(name, rows):
        sheet = book.add_worksheet(name)
        for number, values in enumerate(rows, 1):
            if number >= EXCEL_MAX_ROWS:
                break  # the real workbook spills onto a second sheet; close enough
            for column, value in enumerate(values):
                if value is not None:
                    sheet.write(number, column, value)

    dump("summary", sheets["summary"])
    for code, rows in domain_sheets.items():
        dump(f"d{code}", rows)
    dump("matrix", sheets["matrix"])
    dump("long", sheets["long"])
    book.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=UNITS)
    args = parser.parse_args()
    figures = {}
    started = time.perf_counter()
    ranking = build_ranking(args.units)
    print(f"score + rank {args.units} units with the engine: "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    cs = ranking.criteria_set
    print(f"set {cs.id} {cs.version}: {len(cs.leaves())} sub-criteria; units {len(ranking.rows)}")
    sheets, domain_sheets = bare_cells(ranking)
    with tempfile.TemporaryDirectory() as folder:
        real = str(Path(folder) / "real.xlsx")
        bare = str(Path(folder) / "bare.xlsx")
        in_child("ranking workbook (server.results.exports)", lambda: write_ranking_workbook(
            ranking, real, generated_at=datetime.now(UTC)), figures)
        in_child("bare xlsxwriter, same cells",
                 lambda: bare_write(bare, sheets, domain_sheets), figures)
        sizes = (Path(real).stat().st_size / 2**20, Path(bare).stat().st_size / 2**20)
    ours, theirs = figures["ranking workbook (server.results.exports)"], figures[
        "bare xlsxwriter, same cells"]
    print(f"file size: workbook {sizes[0]:.1f} MiB, bare {sizes[1]:.1f} MiB")
    print(f"ratio workbook / bare: time {ours['seconds'] / theirs['seconds']:.2f}, "
          f"peak memory {ours['peak_mib'] / max(theirs['peak_mib'], 0.001):.2f}")
    print(f"process max RSS {max_rss_mib():.0f} MiB (includes the scored results held)")


if __name__ == "__main__":
    main()
