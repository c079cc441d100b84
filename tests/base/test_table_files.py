"""The one reader of uploaded tables is bounded: no upload makes a worker inflate, pad or keep
more than a table's worth of data, and each refusal says why."""

import io
import re
import zipfile

import openpyxl
import pytest

from server.table_files import MAX_INFLATED_BYTES, TableFileError, read_rows


def _xlsx(rows, dimension: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's declared size, as a hand-made bomb does.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(),
                              data)
            target.writestr(info, data)
    return out.getvalue()


def test_rows_after_the_header_with_their_numbers():
    content = _xlsx([["code", "name"], ["A", "Một"], [None, None], ["B", 2]])
    assert read_rows("t.xlsx", content) == [(2, ["A", "Một"]), (4, ["B", 2])]
    assert read_rows("t.csv", "code;name\nA;Một\n\nB;2\n".encode()) == [
        (2, ["A", "Một"]), (4, ["B", "2"])]


def test_a_declared_sheet_size_is_not_read_cell_by_cell():
    content = _xlsx([["code", "name"], ["A", "Một"]], dimension="A1:XFD1048576")
    assert read_rows("t.xlsx", content, max_columns=5) == [(2, ["A", "Một"])]


def test_too_many_rows_are_refused_with_the_row_it_stopped_at():
    content = _xlsx([["code"]] + [[f"U{n}"] for n in range(12)])
    with pytest.raises(TableFileError) as refused:
        read_rows("t.xlsx", content, max_rows=10)
    assert [(p.row, p.kind) for p in refused.value.problems] == [(12, "too_many_rows")]
    with pytest.raises(TableFileError) as refused:
        read_rows("t.csv", b"code\n" + b"\n" * 5_000_000, max_rows=10)
    assert refused.value.problems[0].kind == "too_many_rows"


def test_an_xlsx_that_inflates_too_far_is_refused_before_parsing():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (MAX_INFLATED_BYTES + 1))
    assert len(buffer.getvalue()) < 2**20
    with pytest.raises(TableFileError) as refused:
        read_rows("t.xlsx", buffer.getvalue())
    assert refused.value.problems[0].kind == "too_large"


@pytest.mark.parametrize("filename, content", [
    ("t.xlsx", b"not a zip"), ("t.csv", b"\xff\xfe bad"), ("t.ods", b"")])
def test_unreadable_files_name_the_problem(filename, content):
    with pytest.raises(TableFileError) as refused:
        read_rows(filename, content)
    assert refused.value.problems[0].kind == "unreadable"
