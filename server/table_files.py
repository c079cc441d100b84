"""Tables people upload (.xlsx or .csv, and the .docx of a criteria table): their rows with the
numbers a spreadsheet shows, and the problems found in them, each naming its row. Every import is
all or nothing: a file with any problem writes nothing.

This is the one reader of such files: each is bounded in what it inflates, reads and keeps."""

import contextlib
import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

import docx
import openpyxl
from docx.oxml.ns import qn
from openpyxl.utils.cell import get_column_letter, range_boundaries

# Bounds of any uploaded table (units, users, survey results, past results): far above the
# largest real table (a national unit list has about 11,000 rows), far below what hurts a worker.
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_INFLATED_BYTES = 64 * 2**20


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    # A stable key each import documents (duplicate, missing_value, unreadable, empty, ...);
    # row 0 means the whole file is refused.
    kind: str
    message: str

    def to_dict(self) -> dict:
        return {"row": self.row, "kind": self.kind, "message": self.message}


class TableFileError(ValueError):
    """The problems of an uploaded table; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(f"row {p.row}: {p.message}" for p in problems))


def cell_text(cells: list, index: int) -> str:
    """The cell at `index` as stripped text ("" when missing or empty)."""
    value = cells[index] if index < len(cells) else None
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class MergedArea:
    """Cells merged into one: as the file names them ("B6:C6") and the rows they cover."""
    ref: str
    first_row: int
    last_row: int


@dataclass(frozen=True)
class Sheet:
    """A table whose header need not be row 1: every non-empty row (titles and header included)
    with its number, and its merged cells."""
    rows: list[tuple[int, list]]
    merged: list[MergedArea]


def file_content(path, max_bytes: int = MAX_INFLATED_BYTES) -> bytes:
    """The bytes of a table file on disk (an import from the command line), refused unread when
    it is larger than a table may be."""
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise _too_large(Path(path).suffix.lower() or "table", "is", size, max_bytes)
    return Path(path).read_bytes()


def check_table_file(filename: str, content: bytes, *, max_rows: int = MAX_ROWS) -> None:
    """Refuse, without parsing it, an .xlsx or .csv that `read_table` would refuse for its kind,
    size or rows: one larger than MAX_INFLATED_BYTES, an .xlsx whose parts inflate beyond it, or
    a sheet with more rows than `read_table` reads (counted, not parsed). What a request checks
    before it queues the file, so no bomb reaches the worker (and kills it on every retry)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        _check_archive(content, ".xlsx", MAX_INFLATED_BYTES)
        _check_sheet_rows(content, max_rows)
    elif name.endswith(".csv"):
        _check_size(content, ".csv", MAX_INFLATED_BYTES)
        lines = content.count(b"\n")
        if lines > 2 * max_rows + 1:  # as `_keep` refuses a file of mostly empty rows
            raise _too_many(lines, max_rows)
    else:
        raise TableFileError([RowProblem(0, "unreadable", "the file must be .xlsx or .csv")])


def check_sheet_file(filename: str, content: bytes, *, max_rows: int,
                     max_inflated_bytes: int) -> None:
    """`check_table_file` for what `read_sheets` reads (.xlsx, .docx) with the caller's
    bounds: its size, its inflated size and (an .xlsx) its rows, without parsing it."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        _check_archive(content, ".xlsx", max_inflated_bytes)
        _check_sheet_rows(content, max_rows)
    elif name.endswith(".docx"):
        _check_archive(content, ".docx", max_inflated_bytes)
    else:
        raise TableFileError([RowProblem(0, "unreadable", "the file must be .xlsx or .docx")])


# A row's start tag in a sheet's XML, with or without a namespace prefix, and its number.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?row(?:\s[^>]{0,500})?/?>")
_ROW_NUMBER = re.compile(rb'\sr="(\d{1,12})"')
_TAIL = 600  # longer than any tag the pattern matches


def _check_sheet_rows(content: bytes, max_rows: int) -> None:
    """Count the row elements of every worksheet, streamed a megabyte at a time, and refuse a
    sheet with more than `_keep` would look at, or one numbering a row beyond it (the reader
    pads the rows in between: a far corner is a sheet of empty rows). The archive's size is
    checked already."""
    limit = 2 * max_rows + 1  # as `_keep` refuses a sheet of mostly empty rows
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                try:
                    rows, last = _count_rows(archive, info)
                except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as error:
                    raise _unreadable(".xlsx", error) from error
                if rows > limit:
                    raise _too_many(rows, max_rows)
                if last > limit:  # where the reader would stop
                    raise _too_many(limit + 1, max_rows)


def _count_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(row elements, the highest row number given) of one worksheet part."""
    rows, last, tail = 0, 0, b""
    with archive.open(info) as part:
        while chunk := part.read(2**20):
            data = tail + chunk
            for match in _ROW_TAG.finditer(data):
                if match.end() <= len(tail):  # counted with the chunk before
                    continue
                rows += 1
                number = _ROW_NUMBER.search(match.group())
                if number:
                    last = max(last, int(number.group(1)))
            tail = data[-_TAIL:]
    return rows, last


def read_rows(filename: str, content: bytes, *, max_rows: int = MAX_ROWS,
              max_columns: int = MAX_COLUMNS) -> list[tuple[int, list]]:
    """(row number, [cells]) of every non-empty row after the header, from .xlsx or .csv."""
    return read_table(filename, content, max_rows=max_rows, max_columns=max_columns)[1]


def read_table(filename: str, content: bytes, *, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> tuple[list, list[tuple[int, list]]]:
    """(the header's cells, the rows as `read_rows` gives them), for imports whose columns are
    named by the header.

    Bounded, since any signed-in editor may upload one: a file that is or inflates to more than
    MAX_INFLATED_BYTES is refused before it is parsed, only the first `max_columns` columns are
    read whatever size the sheet declares, empty rows are never kept, and a table with more than
    `max_rows` rows after the header is refused without reading the rest.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content, max_rows, max_columns)
    elif name.endswith(".csv"):
        _check_size(content, ".csv", MAX_INFLATED_BYTES)
        rows = _csv_rows(content, max_columns)
    else:
        raise TableFileError([RowProblem(0, "unreadable",
                                         "the file must be .xlsx or .csv")])
    _, header = next(rows, (1, []))  # both readers start at row 1, empty or not
    return list(header), _keep(rows, max_rows)


def read_sheets(filename: str, content: bytes, *, max_rows: int, max_columns: int,
                max_inflated_bytes: int, max_tables: int = 1) -> Iterator[Sheet]:
    """The tables of an .xlsx (its first sheet) or a .docx (its first `max_tables` tables), one at
    a time, for imports whose header sits below titles and that must see merged cells (criteria
    tables).

    Bounded as `read_table`, with the caller's limits: at most `max_rows` non-empty rows (titles
    and header included) per table, a merged cell never spans more than the rows and columns
    read (an .xlsx with more than `max_rows` merged areas is refused), and a .docx's tables are
    read only while the caller asks for the next one.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        yield _xlsx_sheet(content, max_rows, max_columns, max_inflated_bytes)
    elif name.endswith(".docx"):
        yield from _docx_tables(content, max_rows, max_columns, max_inflated_bytes, max_tables)
    else:
        raise TableFileError([RowProblem(0, "unreadable", "the file must be .xlsx or .docx")])


def _keep(rows: Iterator[tuple[int, list]], max_rows: int) -> list[tuple[int, list]]:
    """The non-empty rows, refusing more than `max_rows` of them without reading further."""
    kept = []
    for number, cells in rows:
        if number > 2 * max_rows + 1:  # a sheet of mostly empty rows (a file of newlines)
            raise _too_many(number, max_rows)
        if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
            continue
        if len(kept) == max_rows:
            raise _too_many(number, max_rows)
        kept.append((number, cells))
    return kept


def _too_many(number: int, max_rows: int) -> TableFileError:
    return TableFileError([RowProblem(number, "too_many_rows", (
        f"the table has more than {max_rows} rows; split it or check that the sheet holds "
        "only the table"))])


def _check_size(content: bytes, kind: str, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise _too_large(kind, "is", len(content), max_bytes)


def _check_archive(content: bytes, kind: str, max_bytes: int) -> None:
    """Refuse an .xlsx or .docx whose parts would inflate beyond `max_bytes`, before any part is
    parsed (zipfile never inflates an entry beyond the size it declares)."""
    _check_size(content, kind, max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _unreadable(kind, error) from error
    if inflated > max_bytes:
        raise _too_large(kind, "unpacks to", inflated, max_bytes)


def _too_large(kind: str, verb: str, size: int, max_bytes: int) -> TableFileError:
    return TableFileError([RowProblem(0, "too_large", (
        f"the {kind} file {verb} {size / 2**20:.1f} MB, more than the "
        f"{max_bytes / 2**20:g} MB a table may have"))])


def _unreadable(kind: str, error: Exception) -> TableFileError:
    return TableFileError([RowProblem(0, "unreadable",
                                      f"the file is not a readable {kind}: {error}")])


@contextlib.contextmanager
def _first_sheet(content: bytes, max_inflated_bytes: int):
    _check_archive(content, ".xlsx", max_inflated_bytes)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise _unreadable(".xlsx", error) from error
    try:
        yield sheet
    finally:
        book.close()


def _sheet_rows(sheet, max_rows: int, max_columns: int) -> Iterator[tuple[int, list]]:
    # Explicit bounds: read-only sheets otherwise pad every row to the declared dimension
    # (A1:XFD1048576 is 17 billion cells). Empty rows are passed over without being kept.
    # One row past the limit (plus the header) is enough to tell that there are too many.
    rows = sheet.iter_rows(max_row=2 * max_rows + 2, max_col=max_columns, values_only=True)
    try:
        for number, values in enumerate(rows, 1):
            cells = list(values)
            while cells and cells[-1] is None:  # the padding up to max_columns
                cells.pop()
            yield number, cells
    except Exception as error:  # malformed sheet XML, found while streaming it
        raise _unreadable(".xlsx", error) from error


def _xlsx_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[tuple[int, list]]:
    with _first_sheet(content, MAX_INFLATED_BYTES) as sheet:
        yield from _sheet_rows(sheet, max_rows, max_columns)


def _xlsx_sheet(content: bytes, max_rows: int, max_columns: int,
                max_inflated_bytes: int) -> Sheet:
    with _first_sheet(content, max_inflated_bytes) as sheet:
        rows = _keep(_sheet_rows(sheet, max_rows, max_columns), max_rows)
        # Read-only sheets do not keep merged cells: they are listed after the cells, in the
        # sheet's own part, which is streamed once more without building a tree.
        with zipfile.ZipFile(io.BytesIO(content)) as archive, \
                archive.open(sheet._worksheet_path) as part:
            merged = _merged_areas(part, max_rows)
    return Sheet(rows, merged)


def _merged_areas(part, limit: int) -> list[MergedArea]:
    areas = []

    def start(name: str, attributes: dict) -> None:
        if name.rpartition(" ")[2] != "mergeCell":
            return
        if len(areas) == limit:
            raise TableFileError([RowProblem(0, "too_many_merged", (
                f"the sheet has more than {limit} merged areas"))])
        ref = attributes.get("ref", "")
        _, first, _, last = range_boundaries(ref)
        if first is None or last is None:
            raise ValueError(f"merged area {ref!r} is not a range of cells")
        areas.append(MergedArea(ref, first, last))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    try:
        parser.ParseFile(part)
    except TableFileError:
        raise
    except (expat.ExpatError, ValueError, TypeError) as error:
        raise _unreadable(".xlsx", error) from error
    return areas


def _docx_tables(content: bytes, max_rows: int, max_columns: int, max_inflated_bytes: int,
                 max_tables: int) -> Iterator[Sheet]:
    _check_archive(content, ".docx", max_inflated_bytes)
    try:
        body = docx.Document(io.BytesIO(content)).element.body
    except Exception as error:  # python-docx raises several kinds for a file that is not .docx
        raise _unreadable(".docx", error) from error
    for table in itertools.islice(body.iterchildren(qn("w:tbl")), max_tables):
        merged: dict[tuple[int, int], list[int]] = {}
        rows = _keep(_docx_rows(table, max_columns, merged), max_rows)
        yield Sheet(rows, [
            MergedArea(f"{get_column_letter(column + 1)}{row}:"
                       f"{get_column_letter(last_column + 1)}{last_row}", row, last_row)
            for (row, column), (last_row, last_column) in merged.items()
            if (last_row, last_column) != (row, column)])


def _docx_rows(table, max_columns: int,
               merged: dict[tuple[int, int], list[int]]) -> Iterator[tuple[int, list]]:
    """The rows of a Word table as a grid: a merged cell's text in every column and row it spans,
    as python-docx gives it, and its area in `merged`, keyed by its first row and column.

    Not python-docx's own rows: it repeats a cell as many times as its declared span (a span of
    a billion in a 1 KB file) and finds the top of a vertical merge by walking up row by row.
    """
    above: dict[int, tuple[str, tuple[int, int]]] = {}  # column -> text, area in the row above
    try:
        for number, row in enumerate(table.iterchildren(qn("w:tr")), 1):
            cells, here, column = [], {}, 0
            for cell in row.iterchildren(qn("w:tc")):
                if column >= max_columns:
                    break
                span = max(1, min(cell.grid_span, max_columns - column))
                if cell.vMerge == "continue" and column in above:
                    text, area = above[column]
                    merged.setdefault(area, [number, column + span - 1])[0] = number
                else:
                    text = "\n".join(p.text for p in cell.iterchildren(qn("w:p"))).strip()
                    area = (number, column)
                    if span > 1 or cell.vMerge == "restart":
                        merged[area] = [number, column + span - 1]
                cells.extend([text] * span)
                here[column] = (text, area)
                column += span
            above = here
            yield number, cells
    except Exception as error:  # python-docx raises several kinds for XML it cannot read
        raise _unreadable(".docx", error) from error
def _csv_rows(content: bytes, max_columns: int) -> Iterator[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableFileError([RowProblem(0, "unreadable",
                                         "the .csv file must be UTF-8")]) from None
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0][:4096], delimiters=",;\t")
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            yield number, cells[:max_columns]
    except csv.Error as error:
        raise TableFileError([RowProblem(0, "unreadable", f"the .csv file is malformed: {error}")]
                             ) from error
