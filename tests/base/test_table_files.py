"""The one reader of uploaded tables is bounded: no upload makes a worker inflate, pad or keep
more than a table's worth of data, and each refusal says why."""

import io
import itertools
import re
import zipfile

import docx
import openpyxl
import pytest

from server.table_files import (
    MAX_INFLATED_BYTES,
    MergedArea,
    TableFileError,
    check_table_file,
    read_rows,
    read_sheets,
)

LIMITS = {"max_rows": 10, "max_columns": 5, "max_inflated_bytes": 2**20}


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


def test_the_check_before_queueing_counts_rows_without_parsing_them():
    # What a request checks before it queues a file: 2 × max_rows + 1 rows pass (empty rows
    # are skipped by the reader), one more does not, whichever the kind.
    rows = [["code"]] + [[f"U{n}"] for n in range(20)]
    check_table_file("t.xlsx", _xlsx(rows), max_rows=10)
    check_table_file("t.csv", "\n".join(r[0] for r in rows).encode() + b"\n", max_rows=10)
    for name, content in (("t.xlsx", _xlsx([*rows, ["U99"], ["U100"]])),
                          ("t.csv", "\n".join(["code"] * 30).encode())):
        with pytest.raises(TableFileError) as refused:
            check_table_file(name, content, max_rows=10)
        assert refused.value.problems[0].kind == "too_many_rows", name
    # A sheet of empty rows (their tags alone) counts as rows: it is what a bomb is made of.
    empty = _xlsx([["code"]])
    source, out = zipfile.ZipFile(io.BytesIO(empty)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"".join(
                    f'<row r="{n}"/>'.encode() for n in range(2, 3000)) + b"</sheetData>")
            target.writestr(info, data)
    with pytest.raises(TableFileError):
        check_table_file("t.xlsx", out.getvalue(), max_rows=1000)
    check_table_file("t.xlsx", out.getvalue(), max_rows=1500)
    with pytest.raises(TableFileError):
        check_table_file("t.pdf", b"%PDF")


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


def test_a_csv_larger_than_the_cap_is_refused_unread():
    with pytest.raises(TableFileError) as refused:
        read_rows("t.csv", b"a" * (MAX_INFLATED_BYTES + 1))
    assert refused.value.problems[0].kind == "too_large"


def test_a_sheet_with_titles_above_its_header_and_its_merged_cells():
    book = openpyxl.Workbook()
    for row in [["BẢNG ĐIỂM"], [], ["STT", "Nội dung", "Điểm"], ["1", "Lĩnh vực", 2]]:
        book.active.append(row)
    book.active.merge_cells("A1:C1")
    book.active.merge_cells("C4:C5")
    buffer = io.BytesIO()
    book.save(buffer)
    (sheet,) = read_sheets("t.xlsx", buffer.getvalue(), **LIMITS)
    assert sheet.rows == [(1, ["BẢNG ĐIỂM"]), (3, ["STT", "Nội dung", "Điểm"]),
                          (4, ["1", "Lĩnh vực", 2])]
    assert sheet.merged == [MergedArea("A1:C1", 1, 1), MergedArea("C4:C5", 4, 5)]


def test_more_merged_areas_than_rows_are_refused():
    content = _xlsx([["STT"]])
    content = _rewrite(content, b"</sheetData>", b"</sheetData><mergeCells>" + b"".join(
        f'<mergeCell ref="A{n}:B{n}"/>'.encode() for n in range(1, 12)) + b"</mergeCells>")
    with pytest.raises(TableFileError) as refused:
        list(read_sheets("t.xlsx", content, **LIMITS))
    assert refused.value.problems[0].kind == "too_many_merged"


def _rewrite(content: bytes, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in ("xl/worksheets/sheet1.xml", "word/document.xml"):
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return out.getvalue()


def _docx(*tables) -> bytes:
    """Each table: (rows of texts, merges as ((row, column), (row, column)) corners, 0-based)."""
    document = docx.Document()
    for rows, merges in tables:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        for first, last in merges:
            table.cell(*first).merge(table.cell(*last))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_table_as_a_grid_with_its_merged_cells():
    content = _docx(([["Bảng", "", ""], ["STT", "Nội dung", "Điểm"], ["1", "Lĩnh vực", "2"],
                      ["", "", ""], ["", "Dòng", "1"]], [((0, 0), (0, 2)), ((2, 0), (3, 0))]))
    (sheet,) = read_sheets("t.docx", content, **LIMITS)
    # A merged cell's text stands in every cell it covers, as python-docx reads it.
    assert sheet.rows == [(1, ["Bảng", "Bảng", "Bảng"]), (2, ["STT", "Nội dung", "Điểm"]),
                          (3, ["1", "Lĩnh vực", "2"]), (4, ["1", "", ""]), (5, ["", "Dòng", "1"])]
    assert sheet.merged == [MergedArea("A1:C1", 1, 1), MergedArea("A3:A4", 3, 4)]


def test_a_word_span_is_read_only_up_to_the_columns_read():
    content = _rewrite(_docx(([["Bảng", ""], ["STT", "x"]], [((0, 0), (0, 1))])),
                       b'<w:gridSpan w:val="2"/>', b'<w:gridSpan w:val="2000000000"/>')
    (sheet,) = read_sheets("t.docx", content, **LIMITS)
    assert sheet.rows == [(1, ["Bảng"] * 5), (2, ["STT", "x"])]
    assert sheet.merged == [MergedArea("A1:E1", 1, 1)]


def test_word_tables_are_read_one_at_a_time_and_only_the_first_ones():
    content = _docx(*[([[f"bảng {n}"]], []) for n in range(4)],
                    ([[str(n)] for n in range(11)], []))
    tables = read_sheets("t.docx", content, **LIMITS, max_tables=3)
    assert [sheet.rows for sheet in tables] == [[(1, [f"bảng {n}"])] for n in range(3)]
    tables = read_sheets("t.docx", content, **LIMITS, max_tables=5)
    assert [sheet.rows[0][1] for sheet in itertools.islice(tables, 4)] == [
        [f"bảng {n}"] for n in range(4)]
    with pytest.raises(TableFileError) as refused:
        next(tables)  # the fifth has 11 rows
    assert [(p.row, p.kind) for p in refused.value.problems] == [(11, "too_many_rows")]


def test_a_word_file_that_inflates_too_far_is_refused_before_parsing():
    content = _docx(([["STT"]], []))
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(2**20))
    with pytest.raises(TableFileError) as refused:
        list(read_sheets("t.docx", buffer.getvalue(), **LIMITS))
    assert refused.value.problems[0].kind == "too_large"
    assert "unpacks to" in refused.value.problems[0].message


@pytest.mark.parametrize("filename, content", [
    ("t.docx", b"not a zip"), ("t.docx", _xlsx([["STT"]])), ("t.csv", b"STT")])
def test_unreadable_tables_name_the_problem(filename, content):
    with pytest.raises(TableFileError) as refused:
        list(read_sheets(filename, content, **LIMITS))
    assert refused.value.problems[0].kind == "unreadable"
