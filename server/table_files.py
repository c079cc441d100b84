"""Tables people upload (.xlsx or .csv): their rows with the numbers a spreadsheet shows, and
the problems found in them, each naming its row. Every import is all or nothing: a file with any
problem writes nothing."""

import contextlib
import csv
import io
from dataclasses import dataclass

import openpyxl


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


def read_rows(filename: str, content: bytes) -> list[tuple[int, list]]:
    """(row number, [cells]) of every non-empty row after the header, from .xlsx or .csv."""
    return read_table(filename, content)[1]


def read_table(filename: str, content: bytes) -> tuple[list, list[tuple[int, list]]]:
    """(the header's cells, `read_rows`), for imports whose columns are named by the header."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
            raise TableFileError([RowProblem(0, "unreadable",
                                                f"the file is not a readable .xlsx: {error}")]
                                    ) from error
        sheet = book.worksheets[0]
        rows = [(number, list(values)) for number, values in
                enumerate(sheet.iter_rows(values_only=True), 1)]
        book.close()
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableFileError([RowProblem(0, "unreadable",
                                                "the .csv file must be UTF-8")]) from None
        dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        rows = list(enumerate(csv.reader(io.StringIO(text), dialect), 1))
    else:
        raise TableFileError([RowProblem(0, "unreadable",
                                            "the file must be .xlsx or .csv")])
    header = list(rows[0][1]) if rows else []
    return header, [(number, cells) for number, cells in rows[1:]
                    if any(cell not in (None, "") and str(cell).strip() for cell in cells)]
