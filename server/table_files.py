"""Tables people upload (.xlsx or .csv): their rows with the numbers a spreadsheet shows, and
the problems found in them, each naming its row. Every import is all or nothing: a file with any
problem writes nothing."""

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl

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


def read_rows(filename: str, content: bytes, *, max_rows: int = MAX_ROWS,
              max_columns: int = MAX_COLUMNS) -> list[tuple[int, list]]:
    """(row number, [cells]) of every non-empty row after the header, from .xlsx or .csv."""
    return read_table(filename, content, max_rows=max_rows, max_columns=max_columns)[1]


def read_table(filename: str, content: bytes, *, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> tuple[list, list[tuple[int, list]]]:
    """(the header's cells, the rows as `read_rows` gives them), for imports whose columns are
    named by the header.

    Bounded, since any signed-in editor may upload one: an .xlsx whose parts inflate beyond
    MAX_INFLATED_BYTES is refused before it is parsed, only the first `max_columns` columns are
    read whatever size the sheet declares, empty rows are never kept, and a table with more than
    `max_rows` rows after the header is refused without reading the rest.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content, max_rows, max_columns)
    elif name.endswith(".csv"):
        rows = _csv_rows(content, max_columns)
    else:
        raise TableFileError([RowProblem(0, "unreadable",
                                         "the file must be .xlsx or .csv")])
    header, kept = [], []
    for number, cells in rows:
        if number > 2 * max_rows + 1:  # a sheet of mostly empty rows (a file of newlines)
            raise _too_many(number, max_rows)
        if number == 1:
            header = list(cells)
            continue
        if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
            continue
        if len(kept) == max_rows:
            raise _too_many(number, max_rows)
        kept.append((number, cells))
    return header, kept


def _too_many(number: int, max_rows: int) -> TableFileError:
    return TableFileError([RowProblem(number, "too_many_rows", (
        f"the table has more than {max_rows} rows; split it or check that the sheet holds "
        "only the table"))])


def _xlsx_rows(content: bytes, max_rows: int, max_columns: int) -> Iterator[tuple[int, list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _unreadable(error) from error
    if inflated > MAX_INFLATED_BYTES:
        raise TableFileError([RowProblem(0, "too_large", (
            f"the .xlsx file unpacks to {inflated // 2**20} MB, more than the "
            f"{MAX_INFLATED_BYTES // 2**20} MB a table may have"))])
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise _unreadable(error) from error
    try:
        sheet = book.worksheets[0]
        # Explicit bounds: read-only sheets otherwise pad every row to the declared dimension
        # (A1:XFD1048576 is 17 billion cells). Empty rows are passed over without being kept.
        # One row past the limit (plus the header) is enough to tell that there are too many.
        for number, values in enumerate(sheet.iter_rows(
                max_row=2 * max_rows + 2, max_col=max_columns, values_only=True), 1):
            cells = list(values)
            while cells and cells[-1] is None:  # the padding up to max_columns
                cells.pop()
            yield number, cells
    finally:
        book.close()


def _unreadable(error: Exception) -> TableFileError:
    return TableFileError([RowProblem(0, "unreadable",
                                      f"the file is not a readable .xlsx: {error}")])


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
