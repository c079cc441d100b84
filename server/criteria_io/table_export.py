"""Any criteria set as the official self-assessment table (.xlsx), ready to print and fill in.

Columns: STT | Lĩnh vực / Tiêu chí / Tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá |
Điểm thẩm định | Điểm ĐTXHH | Điểm đạt được | Chỉ số (%) | Tài liệu kiểm chứng | Ghi chú.
Each scored item is followed by its scoring lines (rows without STT, in the official wording of
`rule_lines`), so the table imports back (`table_import`) to the same tree.
"""

import io
from decimal import Decimal

import xlsxwriter

from server.criteria_io.rule_lines import lines_for_rule
from server.engine import CriteriaSet, Criterion, Domain, Leaf
from server.labels import vn_day

HEADER = ["STT", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần", "Điểm tối đa",
          "Điểm tự đánh giá", "Điểm thẩm định", "Điểm ĐTXHH", "Điểm đạt được", "Chỉ số (%)",
          "Tài liệu kiểm chứng", "Ghi chú"]
WIDTHS = [8, 60, 10, 11, 11, 10, 10, 9, 30, 20]
SELF, APPRAISED, SURVEY, ACHIEVED, INDEX = 3, 4, 5, 6, 7


def export_xlsx(criteria_set: CriteriaSet) -> bytes:
    """The workbook bytes of `criteria_set`'s self-assessment table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    tie = criteria_set.tie_rule
    compare = "chưa làm tròn" if tie.compare == "unrounded" else "đã làm tròn"
    ranks = "đồng hạng" if tie.ranks == "shared" else "xếp riêng theo mã đơn vị"
    sheet, fmt, row = table_sheet(book, [
        criteria_set.title.upper(), f"({set_reference(criteria_set)})",
        f"Khi bằng điểm: so sánh điểm {compare}, {ranks}"])
    domain_rows = []
    for domain in criteria_set.domains:
        domain_rows.append(row)
        row = _write_group(sheet, fmt, row, domain)
    # The total: sums of the domain rows, so the filled-in table adds up by itself.
    sheet.write(row, 1, "Tổng cộng", fmt["domain"])
    sheet.write_number(row, 2, float(criteria_set.max_points), fmt["domain_num"])
    for col in (SELF, APPRAISED, SURVEY, ACHIEVED):
        letter = xlsxwriter.utility.xl_col_to_name(col)
        cells = ",".join(f"{letter}{r + 1}" for r in domain_rows)
        sheet.write_formula(row, col, f"=SUM({cells})", fmt["domain_num"])
    sheet.write_formula(row, INDEX, f"=IF(C{row + 1}>0,ROUND(G{row + 1}/C{row + 1}*100,2),\"\")",
                        fmt["domain_num"])
    book.close()
    return buffer.getvalue()


def set_reference(criteria_set: CriteriaSet) -> str:
    basis = criteria_set.legal_basis
    return (f"Bộ tiêu chí {criteria_set.id}@{criteria_set.version}; căn cứ {basis.number} "
            f"ngày {vn_day(basis.date)}")


def table_sheet(book, title_lines: list[str]):
    """(sheet, formats, first data row) of a new sheet with the official columns: the title
    lines, then the header repeated on every printed page; A4 landscape, fit to the page width."""
    sheet = book.add_worksheet("Tự đánh giá")
    fmt = _formats(book)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    for number, line in enumerate(title_lines):
        sheet.merge_range(number, 0, number, len(HEADER) - 1, line,
                          fmt["title" if number == 0 else "subtitle"])
    header_row = len(title_lines) + 1
    sheet.write_row(header_row, 0, HEADER, fmt["header"])
    sheet.repeat_rows(header_row)
    sheet.freeze_panes(header_row + 1, 2)
    return sheet, fmt, header_row + 1


def _formats(book) -> dict:
    base = {"border": 1, "valign": "top", "text_wrap": True, "font_name": "Times New Roman",
            "font_size": 11}
    return {
        "title": book.add_format({**base, "border": 0, "bold": True, "align": "center",
                                  "font_size": 13}),
        "subtitle": book.add_format({**base, "border": 0, "italic": True, "align": "center"}),
        "header": book.add_format({**base, "bold": True, "align": "center", "valign": "vcenter",
                                   "bg_color": "#DDEBF7"}),
        "domain": book.add_format({**base, "bold": True, "bg_color": "#F2F2F2"}),
        "domain_num": book.add_format({**base, "bold": True, "bg_color": "#F2F2F2",
                                       "num_format": "0.##"}),
        "criterion": book.add_format({**base, "bold": True}),
        "criterion_num": book.add_format({**base, "bold": True, "num_format": "0.##"}),
        "leaf": book.add_format(base),
        "leaf_num": book.add_format({**base, "num_format": "0.##"}),
        "input": book.add_format({**base, "num_format": "0.##", "bg_color": "#FFF2CC"}),
        "line": book.add_format({**base, "italic": True, "indent": 1}),
    }


def _write_group(sheet, fmt, row: int, node: Domain | Criterion) -> int:
    """Write `node`'s row and everything below it; return the next free row."""
    if isinstance(node, Criterion) and node.leaf:
        return _write_leaf(sheet, fmt, row, node.leaf)
    style = "domain" if isinstance(node, Domain) else "criterion"
    first = row
    sheet.write_string(row, 0, node.code, fmt[style])
    sheet.write_string(row, 1, node.title, fmt[style])
    sheet.write_number(row, 2, float(node.max_points), fmt[f"{style}_num"])
    children = node.criteria if isinstance(node, Domain) else node.sub_criteria
    row += 1
    child_rows = []
    for child in children:
        child_rows.append(row)
        row = (_write_group(sheet, fmt, row, child) if isinstance(child, Criterion)
               else _write_leaf(sheet, fmt, row, child))
    for col in (SELF, APPRAISED, SURVEY, ACHIEVED):
        letter = xlsxwriter.utility.xl_col_to_name(col)
        cells = ",".join(f"{letter}{r + 1}" for r in child_rows)
        sheet.write_formula(first, col, f"=SUM({cells})", fmt[f"{style}_num"])
    sheet.write_formula(first, INDEX, f"=IF(C{first + 1}>0,ROUND(G{first + 1}/C{first + 1}*100,2),"
                        "\"\")", fmt[f"{style}_num"])
    for col in (8, 9):
        sheet.write_blank(first, col, None, fmt[style])
    return row


def _write_leaf(sheet, fmt, row: int, leaf: Leaf) -> int:
    sheet.write_string(row, 0, leaf.code, fmt["leaf"])
    sheet.write_string(row, 1, leaf.title, fmt["leaf"])
    sheet.write_number(row, 2, float(leaf.max_points), fmt["leaf_num"])
    if leaf.source == "survey":
        sheet.write_blank(row, SELF, None, fmt["leaf_num"])
        sheet.write_blank(row, APPRAISED, None, fmt["leaf_num"])
        sheet.write_blank(row, SURVEY, None, fmt["input"])
        sheet.write_formula(row, ACHIEVED, f"=F{row + 1}", fmt["leaf_num"])
    else:
        sheet.write_blank(row, SELF, None, fmt["input"])
        sheet.write_blank(row, APPRAISED, None, fmt["input"])
        sheet.write_blank(row, SURVEY, None, fmt["leaf_num"])
        # The appraised score replaces the self score once there is one.
        sheet.write_formula(row, ACHIEVED, f"=IF(E{row + 1}<>\"\",E{row + 1},D{row + 1})",
                            fmt["leaf_num"])
    sheet.write_formula(row, INDEX, f"=ROUND(G{row + 1}/C{row + 1}*100,2)", fmt["leaf_num"])
    for col in (8, 9):
        sheet.write_blank(row, col, None, fmt["input"])
    return write_rule_lines(sheet, fmt, row + 1, leaf)


def write_rule_lines(sheet, fmt, row: int, leaf: Leaf) -> int:
    """The leaf's scoring lines below its row (no STT); return the next free row."""
    for line in lines_for_rule(leaf.rule.to_dict()):
        sheet.write_blank(row, 0, None, fmt["line"])
        sheet.write_string(row, 1, f"- {line}", fmt["line"])
        for col in range(2, len(HEADER)):
            sheet.write_blank(row, col, None, fmt["line"])
        row += 1
    return row


def table_view(criteria_set: CriteriaSet) -> list[tuple]:
    """What the official table carries of each node: code, title, max points, source and the
    rule as its scoring lines read it (outcome keys and band labels are not in the table)."""
    view = []
    for node in criteria_set.nodes():
        leaf = node.leaf if isinstance(node, Criterion) else node
        if isinstance(leaf, Leaf):
            view.append((leaf.code, leaf.title, Decimal(leaf.max_points), leaf.source,
                         tuple(lines_for_rule(leaf.rule.to_dict()))))
        else:
            view.append((node.code, node.title, Decimal(node.max_points)))
    return view
