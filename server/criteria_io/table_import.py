"""Reading an official criteria table (STT | content | max points | scoring lines) into a set.

The table is read from .xlsx or .docx into rows of text by the bounded reader of uploaded tables
(`server.table_files`); `rows_to_tree` turns rows into the YAML data of a set. Every row that
cannot be understood is reported with its row number and text, and nothing is returned unless the
whole table is understood and the set validates (see `import_table`).

Layout: a header row whose first cell is "STT" (rows above it are titles and are ignored); the
content column is the next one, the max-points column is headed "Điểm tối đa" (else the third);
an optional column headed "Cách chấm" / "Hướng dẫn chấm" holds scoring lines. Below the header:
- STT "1" / "I" is a domain, "1.1" a criterion, "1.1.1" a sub-criterion (a trailing dot is fine);
- a row without STT holds scoring lines for the item above it: "Ban hành kịp thời: 1", or the
  condition in the content cell and its points in the max-points cell;
- the content cell of an item may also carry its scoring lines below the title, one per line;
- a row whose content starts with "Tổng" ("Tổng cộng", "Tổng điểm") is the total row: its max
  points, when given, must equal the sum of the set.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from server.criteria_io.rule_lines import LineError, parse_line, rule_from_lines
from server.engine import CriteriaSetError, parse_criteria_set
from server.engine.decimals import NotANumber, parse_decimal, plain
from server.table_files import (
    Sheet,
    TableFileError,
    check_sheet_file,
    file_content,
    read_sheets,
)

HEADER_SEARCH_ROWS = 30
# Bounds of a criteria table, read by the one bounded reader (`server.table_files`): the largest
# installed set exports to 336 rows of 10 columns; official tables with a row per scoring line
# stay within a few hundred rows and about 15 columns.
MAX_ROWS = 1_000
MAX_COLUMNS = 30
MAX_INFLATED_BYTES = 16 * 2**20
MAX_TABLES = 20  # of a .docx, searched for the one with the header
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$|^\(\d{1,2}\)\s*=.*$")
SKIPPED = object()  # stands for an item that was refused, while its scoring lines are skipped
_CODE = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?\.?$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10}


@dataclass(frozen=True)
class TableProblem:
    row: int | None  # 1-based row of the sheet or table; None for the file as a whole
    text: str        # the row's text as read, so the user finds it
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "table"
        return f"{where}: {self.message}" + (f" [{self.text}]" if self.text else "")


class TableImportError(Exception):
    """The table was refused; `problems` lists every row that could not be understood."""

    def __init__(self, problems: list[TableProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Row:
    number: int
    cells: list[str]
    merged: list[str] = field(default_factory=list)  # merged ranges touching the row
    merged_from: int | None = None  # the first row of the highest merged range touching it

    @property
    def text(self) -> str:
        return " | ".join(c for c in self.cells if c)


@dataclass
class _Item:
    code: str
    title: str
    row: int
    max_points: Decimal | None
    outcomes: list = field(default_factory=list)
    special: dict | None = None
    children: list = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path) -> list[Row]:
    """The rows of the table at `path`: the first sheet of an .xlsx, or the first table of a
    .docx with a header row, read within the bounds of a criteria table."""
    path = Path(path)
    _check_kind(path.name)
    try:
        content = file_content(path, MAX_INFLATED_BYTES)
    except TableFileError as error:
        raise _unreadable(path.name, error) from error
    return read_table_content(path.name, content)


def check_table(filename: str, content: bytes) -> None:
    """Refuse, without parsing it, a table `read_table_content` would refuse for its kind, size,
    inflated size or rows: what is checked before the file is queued (server.campaigns.
    criteria_import)."""
    _check_kind(filename)
    try:
        check_sheet_file(filename, content, max_rows=MAX_ROWS,
                         max_inflated_bytes=MAX_INFLATED_BYTES)
    except TableFileError as error:
        raise _unreadable(filename, error) from error


def _check_kind(filename: str) -> None:
    if Path(filename).suffix.lower() not in (".xlsx", ".docx"):
        raise TableImportError([TableProblem(None, "", f"{filename}: only .xlsx and .docx "
                                             "tables can be imported")])


def _unreadable(filename: str, error: TableFileError) -> TableImportError:
    return TableImportError([TableProblem(p.row or None, "", f"cannot read {filename}: "
                                          f"{p.message}") for p in error.problems])


def read_table_content(filename: str, content: bytes) -> list[Row]:
    """`read_table` of a file's bytes, named `filename`."""
    _check_kind(filename)
    suffix = Path(filename).suffix.lower()
    try:
        for sheet in read_sheets(filename, content, max_rows=MAX_ROWS,
                                 max_columns=MAX_COLUMNS, max_inflated_bytes=MAX_INFLATED_BYTES,
                                 max_tables=MAX_TABLES):
            rows = _rows(sheet)
            if suffix == ".xlsx" or _header_index(rows) is not None:
                return rows
    except TableFileError as error:
        raise _unreadable(filename, error) from error
    raise TableImportError([TableProblem(None, "", "no table with a header row starting "
                                         "with 'STT' was found")])


def _rows(sheet: Sheet) -> list[Row]:
    merged, merged_from = {}, {}
    numbers = [number for number, _ in sheet.rows]
    for area in sheet.merged:
        # Only the rows read: an area may claim a million rows.
        for number in numbers[bisect_left(numbers, area.first_row):
                              bisect_right(numbers, area.last_row)]:
            merged.setdefault(number, []).append(area.ref)
            merged_from[number] = min(merged_from.get(number, number), area.first_row)
    return [Row(number, [_cell(v) for v in values], merged.get(number, []),
                merged_from.get(number))
            for number, values in sheet.rows]


def _header_index(rows: list[Row]) -> int | None:
    for index, row in enumerate(rows):
        if row.number > HEADER_SEARCH_ROWS:
            break
        if row.cells and row.cells[0].strip().upper().rstrip(".") == "STT":
            return index
    return None


def _column(header: list[str], words: tuple[str, ...], default: int | None) -> int | None:
    for index, text in enumerate(header):
        if any(word in text.lower() for word in words):
            return index
    return default


def _code(text: str) -> tuple[str, int] | None:
    """("1.2.3", depth) for an STT cell, or None when it is not a code."""
    text = text.strip()
    if text.upper().rstrip(".") in _ROMAN:
        return str(_ROMAN[text.upper().rstrip(".")]), 1
    match = _CODE.match(text)
    if not match:
        return None
    parts = [p for p in match.groups() if p is not None]
    return ".".join(str(int(p)) for p in parts), len(parts)


def rows_to_tree(rows: list[Row]) -> tuple[list[dict], dict[str, int], tuple | None]:
    """(domains in the YAML format, code -> row number, (row, max points) of the total row).

    Raises TableImportError listing every row that could not be understood.
    """
    problems: list[TableProblem] = []
    header_at = _header_index(rows)
    if header_at is None:
        raise TableImportError([TableProblem(None, "", "no header row starting with 'STT' in "
                                             f"the first {HEADER_SEARCH_ROWS} rows")])
    header = [c.lower() for c in rows[header_at].cells]
    content_col = 1
    points_col = _column(header, ("điểm tối đa", "max"), 2)
    lines_col = _column(header, ("cách chấm", "hướng dẫn chấm", "cách tính"), None)
    domains: list[_Item] = []
    items: dict[str, _Item] = {}
    rows_of: dict[str, int] = {}
    last = None  # the item the next lines without STT belong to
    refused: set[str] = set()  # codes of refused rows, whose children are skipped silently
    total: tuple[int, Decimal] | None = None

    def cell(row: Row, col: int | None) -> str:
        return row.cells[col] if col is not None and col < len(row.cells) else ""

    def add_lines(item: _Item, texts: list[str], row: Row, points=None) -> None:
        for text in texts:
            if not text.strip():
                continue
            try:
                parsed = parse_line(text, points)
            except (LineError, NotANumber) as error:
                problems.append(TableProblem(row.number, text, f"cannot read the scoring line: "
                                                               f"{error}"))
                continue
            if parsed[0] == "special":
                if item.special or item.outcomes:
                    problems.append(TableProblem(row.number, text, f"{item.code}: this line "
                                                 "cannot be combined with other scoring lines"))
                else:
                    item.special = parsed[1]
            elif item.special:
                problems.append(TableProblem(row.number, text, f"{item.code}: this line cannot "
                                             "be combined with other scoring lines"))
            else:
                item.outcomes.append((parsed[1], parsed[2]))

    header_row = rows[header_at].number
    in_header = True
    for row in rows[header_at + 1:]:
        if not any(row.cells):
            continue
        # A header of two rows (cells merged down from the header row) and the row that numbers
        # the columns "(1) | (2) | (3)" belong to the header, not to the criteria.
        if in_header and ((row.merged_from is not None and row.merged_from <= header_row)
                          or all(_COLUMN_NUMBER.match(c) for c in row.cells if c)):
            continue
        in_header = False
        if row.merged:
            problems.append(TableProblem(row.number, row.text, "merged cells "
                                         f"({', '.join(sorted(set(row.merged)))}): unmerge them "
                                         "so every value sits in its own cell"))
            last = SKIPPED
            refused.add((_code(cell(row, 0)) or ("",))[0])
            continue
        stt, content, points = cell(row, 0), cell(row, content_col), cell(row, points_col)
        if not stt:
            if content.lower().startswith("tổng"):
                try:
                    total = (row.number, parse_decimal(points)) if points else None
                except NotANumber:
                    problems.append(TableProblem(row.number, row.text,
                                                 f"total max points {points!r} is not a number"))
                continue
            if last is None:
                problems.append(TableProblem(row.number, row.text, "a line without STT before "
                                             "the first domain"))
            elif last is not SKIPPED:
                add_lines(last, content.splitlines(), row, points)
            continue
        # The lines below a refused item belong to it: they are skipped, not given to another.
        last = SKIPPED
        parsed = _code(stt)
        if parsed is None:
            problems.append(TableProblem(row.number, row.text, f"STT {stt!r} is not a code such "
                                         "as 1, 1.1 or 1.1.1"))
            continue
        code, depth = parsed
        if code in items:
            problems.append(TableProblem(row.number, row.text, f"code {code} is already used on "
                                         f"row {items[code].row}"))
            continue
        title, *more = content.splitlines() or [""]
        if not title.strip():
            problems.append(TableProblem(row.number, row.text, f"{code} has no title"))
        max_points = None
        if points:
            try:
                max_points = parse_decimal(points)
            except NotANumber:
                problems.append(TableProblem(row.number, row.text, f"{code}: max points "
                                             f"{points!r} is not a number"))
        item = _Item(code, title.strip(), row.number, max_points)
        parent_code = code.rpartition(".")[0]
        if depth > 1 and parent_code in refused:
            refused.add(code)  # its parent's row is already reported: no second report
            continue
        if depth > 1 and parent_code not in items:
            problems.append(TableProblem(row.number, row.text, f"{code} has no parent "
                                         f"{parent_code} above it"))
            continue
        (items[parent_code].children if depth > 1 else domains).append(item)
        items[code], rows_of[code], last = item, row.number, item
        add_lines(item, more, row)
        if lines_col is not None:
            add_lines(item, cell(row, lines_col).splitlines(), row)

    tree = [_domain(d, problems) for d in domains]
    if not domains and not problems:
        problems.append(TableProblem(None, "", "the table has no domain row below its header"))
    if problems:
        raise TableImportError(problems)
    return tree, rows_of, total


def _leaf_fields(item: _Item, problems: list[TableProblem]) -> dict:
    if item.max_points is None:
        problems.append(TableProblem(item.row, item.title, f"{item.code} is scored but has no "
                                     "max points"))
    try:
        rule = rule_from_lines(item.outcomes, item.special)
    except LineError as error:
        problems.append(TableProblem(item.row, item.title, f"{item.code}: {error}"))
        rule = {"type": "manual"}
    data = {"code": item.code, "title": item.title, "max_points": item.max_points,
            "verified": False}
    data["source"] = "survey" if rule["type"] == "survey" else "self"
    data["rule"] = rule
    return data


def _node(item: _Item, key: str, build, problems) -> dict:
    data = {"code": item.code, "title": item.title, "verified": False}
    if item.max_points is not None:
        data["max_points"] = item.max_points  # a declared sum: the loader checks it
    if item.outcomes or item.special:
        problems.append(TableProblem(item.row, item.title, f"{item.code} has items below it, so "
                                     "it cannot carry scoring lines"))
    data[key] = [build(child, problems) for child in item.children]
    return data


def _domain(item: _Item, problems) -> dict:
    if not item.children:
        problems.append(TableProblem(item.row, item.title, f"domain {item.code} has no criteria"))
    return _node(item, "criteria", _criterion, problems)


def _criterion(item: _Item, problems) -> dict:
    if not item.children:
        return _leaf_fields(item, problems)
    return _node(item, "sub_criteria", _leaf_fields, problems)


def import_table(path, meta: dict, rule_types=None) -> dict:
    """The YAML data of the set in the table at `path`, validated; `meta` gives the set-level
    fields (id, version, title, level, legal_basis, years, bands, tie_rule, survey ...).

    Raises TableImportError: every row not understood, or every problem of the resulting set
    with the row it comes from.
    """
    return table_to_set(read_table(path), str(path), meta, rule_types)


def table_to_set(rows: list[Row], source: str, meta: dict, rule_types=None) -> dict:
    """`import_table` of rows already read (`source` names them in problems)."""
    domains, rows_of, total = rows_to_tree(rows)
    data = {**meta, "domains": domains}
    data.setdefault("verified", False)
    try:
        criteria_set = parse_criteria_set(data, source, rule_types)
    except CriteriaSetError as error:
        raise TableImportError([TableProblem(rows_of.get(p.code), "", f"{p.code}: {p.message}")
                                for p in error.problems]) from error
    if total is not None and total[1] != criteria_set.max_points:
        raise TableImportError([TableProblem(total[0], "", f"the total row says "
                                             f"{plain(total[1])} points "
                                             f"but the items add up to "
                                             f"{plain(criteria_set.max_points)}")])
    return data
