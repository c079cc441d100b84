"""Importing official tables (.xlsx, .docx): what is understood, and every row that is not."""

from decimal import Decimal

import pytest

from server.criteria_io.table_import import TableImportError, import_table
from server.engine import parse_criteria_set
from tests.criteria_io.tables import GOOD, HEADER, write_docx, write_xlsx

META = {"id": "imported", "version": "1.0.0", "title": "Bộ tiêu chí nhập", "level": "commune",
        "legal_basis": {"number": "1/QĐ-UBND", "date": "2024-01-02"}, "years": [2024],
        "bands": [{"label": "Tốt", "min": 80}, {"label": "Yếu", "min": 0}],
        "tie_rule": {"compare": "unrounded", "ranks": "shared"}}


def _set(data):
    return parse_criteria_set(data, "imported")


@pytest.mark.parametrize("writer", [write_xlsx, write_docx], ids=["xlsx", "docx"])
def test_an_official_table_is_understood(tmp_path, writer):
    suffix = ".xlsx" if writer is write_xlsx else ".docx"
    merges = ["A1:F1"] if writer is write_xlsx else [(0, 0, 5)]  # a merged title is fine
    path = writer(tmp_path / f"table{suffix}", GOOD, merges)
    cset = _set(import_table(path, META))
    assert [d.code for d in cset.domains] == ["1", "2"]
    assert cset.max_points == Decimal(7)
    assert cset.node("1").title == "Công tác chỉ đạo, điều hành CCHC"
    choice = cset.leaf("1.1.1").rule.to_dict()
    assert choice["type"] == "choice"
    assert [(o["label"], o["points"]) for o in choice["outcomes"]] == [
        ("Ban hành kịp thời", "1"), ("Ban hành không kịp thời", "0.5"), ("Không ban hành", "0")]
    bands = cset.leaf("1.1.2").rule.to_dict()["bands"]
    assert [{k: v for k, v in b.items() if k != "label"} for b in bands] == [
        {"above": "90", "points": "2"}, {"from": "70", "to": "90", "points": "1"},
        {"below": "70", "points": "0"}]
    # A criterion with no sub-criteria is itself the scored item.
    assert cset.leaf("1.2").rule.to_dict() == {"type": "yes_no", "yes": "0.5", "no": "0"}
    assert cset.leaf("1.3").source == "survey"
    bands = cset.leaf("2.1.1").rule.to_dict()["bands"]
    assert [{k: v for k, v in b.items() if k != "label"} for b in bands] == [
        {"at_least": "95", "points": "1.5"}, {"at_least": "80", "below": "95", "points": "0.75"},
        {"below": "80", "points": "0"}]
    assert cset.leaf("2.1.2").rule.to_dict() == {"type": "deduction", "per_failure": "0.25",
                                                 "floor": "0"}
    assert all(not node.verified for node in cset.nodes())


def _problems(tmp_path, rows, merges=(), writer=write_xlsx):
    path = writer(tmp_path / ("bad.xlsx" if writer is write_xlsx else "bad.docx"), rows, merges)
    with pytest.raises(TableImportError) as raised:
        import_table(path, META)
    return raised.value.problems


def _row(rows, stt):
    return next(i for i, row in enumerate(rows, 1) if row[0] == stt)


def test_every_bad_row_is_reported_with_its_number_and_text(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[_row(rows, "1.1.2") - 1][2] = None                  # missing points
    rows[_row(rows, "1.2") - 1][0] = "1.2a"                  # not a code
    rows.insert(_row(rows, "2.1.2"), ["2.1.1", "Trùng mã", 1, None, None, None])   # duplicate
    rows.insert(_row(rows, "2.1.2"), [None, "Hoàn thành tốt", None, None, None, None])
    rows.insert(_row(rows, "2") - 1, ["3.1.1", "Không có tiêu chí cha", 1, None, None, None])
    problems = _problems(tmp_path, rows)
    by_row = {p.row: p for p in problems}
    missing = by_row[_row(rows, "1.1.2")]
    assert "1.1.2 is scored but has no max points" in missing.message
    assert "Mức độ thực hiện" in missing.text
    assert "'1.2a' is not a code" in by_row[_row(rows, "1.2a")].message
    assert "1.2a" in by_row[_row(rows, "1.2a")].text
    duplicate = [p for p in problems if "already used" in p.message]
    assert duplicate and "Trùng mã" in duplicate[0].text
    assert f"row {_row(rows, '2.1.1')}" in duplicate[0].message
    unreadable = [p for p in problems if p.text == "Hoàn thành tốt"]
    assert unreadable and "condition: points" in unreadable[0].message
    orphan = by_row[_row(rows, "3.1.1")]
    assert "3.1.1 has no parent 3.1" in orphan.message
    assert all(p.row for p in problems)
    assert str(missing).startswith(f"row {_row(rows, '1.1.2')}: ")


@pytest.mark.parametrize("writer", [write_xlsx, write_docx], ids=["xlsx", "docx"])
def test_merged_cells_below_the_header_are_refused(tmp_path, writer):
    row = _row(GOOD, "1.1.1")
    merges = [f"B{row}:C{row}"] if writer is write_xlsx else [(row - 1, 1, 2)]
    problems = _problems(tmp_path, GOOD, merges, writer)
    assert [p.row for p in problems] == [row]
    assert "merged cells" in problems[0].message


def test_sums_that_do_not_add_up_name_the_row(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[_row(rows, "I") - 1][2] = "5"          # the leaves give 4.5
    problems = _problems(tmp_path, rows)
    assert [p.row for p in problems] == [_row(rows, "I")]
    assert "4.5" in problems[0].message and "5" in problems[0].message


def test_a_total_row_that_does_not_add_up_is_refused(tmp_path):
    rows = [list(r) for r in GOOD]
    rows[-1][2] = 8
    (problem,) = _problems(tmp_path, rows)
    assert problem.row == len(rows)
    assert "says 8 points but the items add up to 7" in problem.message


def test_a_sheet_without_the_header_or_without_items_is_refused(tmp_path):
    (problem,) = _problems(tmp_path, [["Bảng điểm"], ["1", "x", 1]])
    assert "no header row starting with 'STT'" in problem.message
    (problem,) = _problems(tmp_path, [HEADER])
    assert "no domain row" in problem.message


def test_mixed_or_conflicting_scoring_lines_are_refused(tmp_path):
    rows = [HEADER, ["1", "Lĩnh vực", 2, None], ["1.1", "Tiêu chí", 2, None],
            [None, "Trên 90%: 2", None], [None, "Không thực hiện: 0", None],
            [None, "Điểm ĐTXHH", None]]
    problems = _problems(tmp_path, rows)
    assert {p.row for p in problems} == {3, 6}
    assert any("some conditions are percentages" in p.message for p in problems)


def test_not_a_table_file(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(TableImportError, match=r"cannot read table\.xlsx"):
        import_table(path, META)
    with pytest.raises(TableImportError, match=r"only \.xlsx and \.docx"):
        import_table(tmp_path / "table.csv", META)


def test_a_two_row_header_and_a_column_numbering_row_are_part_of_the_header(tmp_path):
    rows = [list(r) for r in GOOD]
    at = rows.index(HEADER)
    rows[at] = ["STT", "Nội dung", "Điểm", None, None, None]
    rows.insert(at + 1, [None, None, "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", None])
    rows.insert(at + 2, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    # STT and content are merged down over the two header rows, "Điểm" across three columns.
    merges = [f"A{at + 1}:A{at + 2}", f"B{at + 1}:B{at + 2}", f"C{at + 1}:E{at + 1}"]
    path = write_xlsx(tmp_path / "two_rows.xlsx", rows, merges)
    cset = _set(import_table(path, META))
    assert cset.max_points == Decimal(7)
    # Below the header, a merged cell is still refused.
    first = at + 4
    path = write_xlsx(tmp_path / "merged.xlsx", rows, [*merges, f"B{first}:C{first}"])
    with pytest.raises(TableImportError) as raised:
        import_table(path, META)
    assert [p.row for p in raised.value.problems] == [first]


def test_a_document_without_the_table_is_refused(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Không có bảng")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "Ghi chú"
    document.save(tmp_path / "no_table.docx")
    with pytest.raises(TableImportError, match="no table with a header row"):
        import_table(tmp_path / "no_table.docx", META)


def test_a_line_before_the_first_domain_and_an_item_with_lines_and_children(tmp_path):
    rows = [HEADER, [None, "Ghi chú: chấm theo hướng dẫn", None],
            ["1", "Lĩnh vực\nĐạt: 1", 1], ["1.1", "Tiêu chí", 1], [None, "Đạt: 1", None],
            [None, "Không đạt: 0", None]]
    problems = _problems(tmp_path, rows)
    assert [p.row for p in problems] == [2, 3]
    assert "before the first domain" in problems[0].message
    assert "cannot carry scoring lines" in problems[1].message


def test_a_word_table_with_a_two_row_header_and_cells_merged_down_below_it(tmp_path):
    rows = [list(r) for r in GOOD]
    at = rows.index(HEADER)
    rows[at] = ["STT", "Nội dung", "Điểm", None, None, None]
    rows.insert(at + 1, [None, None, "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", None])
    # STT and content merged down over the two header rows, "Điểm" across three columns.
    header = dict(merges=[(at, 2, 4)], vertical=[(at, at + 1, 0), (at, at + 1, 1)])
    path = write_docx(tmp_path / "two_rows.docx", rows, **header)
    assert _set(import_table(path, META)).max_points == Decimal(7)
    # Below the header, an STT merged down over the scoring lines of its item is refused.
    first = _row(rows, "1.1.2")
    path = write_docx(tmp_path / "merged.docx", rows, header["merges"],
                      [*header["vertical"], (first - 1, first, 0)])
    with pytest.raises(TableImportError) as raised:
        import_table(path, META)
    message = (f"merged cells (A{first}:A{first + 1}): unmerge them so every value sits in its "
               "own cell")
    assert [(p.row, p.message) for p in raised.value.problems] == [(first, message),
                                                                   (first + 1, message)]
