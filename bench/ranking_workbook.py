"""Goal (e): the ranking workbook (10,600 units x 102 sub-criteria) against bare xlsxwriter writing
the same cells (goal <= 1.5), and the streamed long-table CSV against the csv module writing the
same rows (goal <= 1.5).

    .venv/bin/python -m bench.ranking_workbook [--units N]

Alone, it scores synthetic answers with the engine (no database); `bench all` passes the
ranking rank_group returned. The bare workbook has no formats and no print setup
(constant_memory). The CSV floor reads back the rows the exports wrote (numbers as floats) and
writes them with csv.writer. Each write runs alone in a forked child, untraced; its memory
figure is how far the child's peak resident set grew over what it inherited.
"""

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from bench.common import Goal
from bench.national_scale import UNITS, criteria_set, in_child, synthetic_answers
from server.downloads import csv_chunks
from server.engine import score
from server.engine.ranking import Entry, rank
from server.results.exports.long_table import HEADERS, frozen_leaves, long_table_rows
from server.results.exports.ranking_workbook import write_ranking_workbook
from server.results.ranking import GroupRanking

WORKBOOK_GOAL, CSV_GOAL = 1.5, 1.5


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
    sheets = {"summary": [], "matrix": []}
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
    assert len(leaves) == len(sheets["matrix"][0]) - 3
    return sheets, domain_sheets


def bare_write(path, sheets, domain_sheets):
    book = xlsxwriter.Workbook(path, {"constant_memory": True})

    def dump(name, rows):
        sheet = book.add_worksheet(name)
        for number, values in enumerate(rows, 1):
            for column, value in enumerate(values):
                if value is not None:
                    sheet.write(number, column, value)

    dump("summary", sheets["summary"])
    for code, rows in domain_sheets.items():
        dump(f"d{code}", rows)
    dump("matrix", sheets["matrix"])
    book.close()


def write_long_csv(ranking, path: str) -> None:
    """The exports' long table of `ranking` (its rows' own leaves), as the web streams it."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        for chunk in csv_chunks(HEADERS, long_table_rows(ranking, frozen_leaves(ranking))):
            out.write(chunk)


def csv_rows(path: str) -> list[list]:
    """The rows a CSV holds, numbers back as floats, so the floor formats them too."""
    def cell(text):
        try:
            return float(text) if text[:1].isdigit() or text[:1] == "-" else text
        except ValueError:
            return text

    with open(path, newline="", encoding="utf-8-sig") as source:
        return [[cell(text) for text in row] for row in csv.reader(source)]


def bare_csv(path: str, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


def goals(ranking) -> list[Goal]:
    """The workbook against bare xlsxwriter writing the same cells, and the long-table CSV
    against the csv module writing the same rows."""
    figures = {}
    sheets, domain_sheets = bare_cells(ranking)
    with tempfile.TemporaryDirectory() as folder:
        real, bare = str(Path(folder) / "real.xlsx"), str(Path(folder) / "bare.xlsx")
        in_child("ranking workbook", lambda: write_ranking_workbook(ranking, real), figures)
        in_child("bare xlsxwriter, same cells",
                 lambda: bare_write(bare, sheets, domain_sheets), figures)
        workbook = figures["ranking workbook"]["seconds"] / figures[
            "bare xlsxwriter, same cells"]["seconds"]
        real_csv, bare_csv_path = str(Path(folder) / "real.csv"), str(Path(folder) / "bare.csv")
        in_child("long-table CSV", lambda: write_long_csv(ranking, real_csv), figures)
        rows = csv_rows(real_csv)
        in_child("csv module, same rows", lambda: bare_csv(bare_csv_path, rows), figures)
        print(f"ranking workbook, {len(ranking.rows)} units: ratio {workbook:.2f} to the same "
              f"cells; long-table CSV: {len(rows)} rows", flush=True)
        return [Goal("workbook", workbook, WORKBOOK_GOAL),
                Goal("long_table_csv", figures["long-table CSV"]["seconds"]
                     / figures["csv module, same rows"]["seconds"], CSV_GOAL)]


def main(argv=None) -> int:
    from bench.__main__ import report

    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=UNITS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    ranking = build_ranking(args.units)
    print(f"score + rank {args.units} units with the engine: "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return report(goals(ranking))


if __name__ == "__main__":
    sys.exit(main())
