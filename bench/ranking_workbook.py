"""Goal (e): the ranking workbook (10,600 units x 102 sub-criteria) against bare xlsxwriter writing
the same cells (goal <= 1.5), and the streamed long-table CSV against the csv module writing the
same rows (goal <= 1.5; "not built" while server/results/exports has no long_table_csv).

    .venv/bin/python -m bench.ranking_workbook [--units N]

Alone, it scores synthetic answers with the engine (no database); `bench all` passes the
ranking rank_group returned. The bare workbook has no formats and no print setup
(constant_memory); it writes the long table only while the real workbook still does. The CSV
floor reads back the rows the exports wrote (numbers as floats) and writes them with
csv.writer. Each write runs alone in a forked child, untraced; its memory figure is how far
the child's peak resident set grew over what it inherited.
"""

import argparse
import csv
import importlib
import inspect
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import xlsxwriter

from bench.common import Goal
from bench.national_scale import UNITS, criteria_set, in_child, synthetic_answers
from server.engine import score
from server.engine.ranking import Entry, rank
from server.results.exports.ranking_workbook import EXCEL_MAX_ROWS, write_ranking_workbook
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


def bare_write(path, sheets, domain_sheets, long_table: bool = True):
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
    if long_table:
        dump("long", sheets["long"])
    book.close()


def sheet_count(path: str) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/workbook.xml").count(b"<sheet ")


def long_table_csv_function():
    """The exports' streamed long-table CSV writer (a function named like long_table_csv in a
    module of server/results/exports), or None while there is none."""
    import pkgutil

    import server.results.exports as exports

    for module in pkgutil.iter_modules(exports.__path__):
        found = importlib.import_module(f"{exports.__name__}.{module.name}")
        for name, value in vars(found).items():
            if callable(value) and "long" in name and "csv" in name \
                    and getattr(value, "__module__", "") == found.__name__:
                return value
    return None


def write_long_csv(function, ranking, path: str) -> None:
    """Call the writer as it is shaped: (ranking, target), the target a binary file, a text file
    or a path, whichever it takes (a wrong kind fails at its first write); or (ranking) giving
    the chunks."""
    if len(inspect.signature(function).parameters) < 2:
        with open(path, "wb") as out:
            for chunk in function(ranking):
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
        return
    for mode in ("wb", "w"):
        try:
            with open(path, mode, **({} if mode == "wb" else {"newline": "",
                                                            "encoding": "utf-8"})) as out:
                function(ranking, out)
            return
        except (TypeError, AttributeError):
            continue
    function(ranking, path)


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
    """The workbook against bare xlsxwriter writing the same cells (while the workbook still
    holds the long table, the floor writes it too and the goal counts as not built), and the
    long-table CSV against the csv module."""
    figures = {}
    sheets, domain_sheets = bare_cells(ranking)
    found = []
    with tempfile.TemporaryDirectory() as folder:
        real, bare = str(Path(folder) / "real.xlsx"), str(Path(folder) / "bare.xlsx")
        in_child("ranking workbook", lambda: write_ranking_workbook(ranking, real), figures)
        # summary, domain sheets, matrix, about: more sheets are the long table's
        with_long = sheet_count(real) > 3 + len(domain_sheets)
        in_child("bare xlsxwriter, same cells", lambda: bare_write(
            bare, sheets, domain_sheets, long_table=with_long), figures)
        ratio = figures["ranking workbook"]["seconds"] / figures[
            "bare xlsxwriter, same cells"]["seconds"]
        still = "; it still holds the long table: the workbook without it is not built"
        print(f"ranking workbook, {len(ranking.rows)} units: ratio {ratio:.2f} to the same "
              f"cells{still if with_long else ''}", flush=True)
        found.append(Goal("workbook", None if with_long else ratio, WORKBOOK_GOAL))
        function = long_table_csv_function()
        if function is None:
            print("long-table CSV: not built (no long_table_csv in server/results/exports)")
            found.append(Goal("long_table_csv", None, CSV_GOAL))
            return found
        real_csv, bare_csv_path = str(Path(folder) / "real.csv"), str(Path(folder) / "bare.csv")
        in_child(f"long-table CSV ({function.__name__})",
                 lambda: write_long_csv(function, ranking, real_csv), figures)
        rows = csv_rows(real_csv)
        in_child("csv module, same rows", lambda: bare_csv(bare_csv_path, rows), figures)
        print(f"long-table CSV: {len(rows)} rows", flush=True)
        found.append(Goal("long_table_csv", figures[f"long-table CSV ({function.__name__})"][
            "seconds"] / figures["csv module, same rows"]["seconds"], CSV_GOAL))
    return found


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
