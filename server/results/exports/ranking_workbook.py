"""The ranking workbook (xlsxwriter): summary, a sub-index sheet per domain, the sub-criterion
matrix, a long table for pivots, and an "about" sheet naming the set, the tie rule and the bands.

Columns come from the criteria set; every number is the engine's (points unrounded, indices as
the engine rounded them once). Sheets are written row by row in `constant_memory` mode, so a
national workbook (10,600 units x 102 sub-criteria) does not hold its cells in memory.
"""

from datetime import UTC, datetime
from decimal import Decimal

import xlsxwriter

from server.engine.decimals import vn_number
from server.engine.model import COMPONENT_SELF, COMPONENT_SURVEY
from server.labels import vn_day

EXCEL_MAX_ROWS = 1_048_576
SUMMARY = "Tổng hợp"
MATRIX = "Ma trận TCTP"
ABOUT = "Thông tin"

TIE_COMPARE = {"unrounded": "so sánh tổng điểm chưa làm tròn",
               "rounded": "so sánh chỉ số đã làm tròn 2 chữ số"}
TIE_RANKS = {"shared": "bằng nhau thì đồng hạng (1, 1, 3)",
             "distinct": "bằng nhau thì xếp hạng riêng theo mã đơn vị (1, 2, 3)"}
COMPONENT_NAMES = {COMPONENT_SELF: "phần thẩm định", COMPONENT_SURVEY: "phần điều tra XHH"}


def domain_sheet_name(code: str) -> str:
    return f"LV {code}"


def _number(value: Decimal | None):
    return None if value is None else float(value)


def tie_rule_text(tie_rule) -> str:
    return f"{TIE_COMPARE[tie_rule.compare]}; {TIE_RANKS[tie_rule.ranks]}"


def band_text(band, components=()) -> str:
    """The band as the "about" sheet writes it; `components` are the set's named components,
    whose labels name their minimums."""
    names = COMPONENT_NAMES | {component.key: component.label for component in components}
    text = f"{band.label}: chỉ số từ {vn_number(band.min)}%"
    for component, minimum in band.min_components:
        name = names.get(component, f"lĩnh vực {component}")
        text += f"; {name} từ {vn_number(minimum)}%"
    return text


class TableSheet:
    """A worksheet written row by row, with the shared header, panes, filter and print setup."""

    def __init__(self, book, formats, name, headers, widths, frozen_columns):
        self.sheet = book.add_worksheet(name)
        self.formats = formats
        self.headers = headers
        self.row = 0
        self.sheet.write_row(0, 0, headers, formats["header"])
        self.sheet.set_row(0, 45)
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)
        self.sheet.freeze_panes(1, frozen_columns)
        self.sheet.set_landscape()
        self.sheet.set_paper(9)  # A4
        self.sheet.repeat_rows(0)
        self.sheet.fit_to_pages(1, 0)

    def write(self, values, kinds):
        self.row += 1
        for column, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None:
                self.sheet.write_blank(self.row, column, None, self.formats[kind])
            elif isinstance(value, str):
                self.sheet.write_string(self.row, column, value, self.formats[kind])
            else:
                self.sheet.write_number(self.row, column, value, self.formats[kind])

    def close(self):
        self.sheet.autofilter(0, 0, max(self.row, 1), len(self.headers) - 1)


def report_workbook(target) -> tuple:
    """(workbook, formats) for a report written row by row: `target` a path or a binary file;
    the TableSheet formats and `wrap` for long text."""
    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    formats = workbook_formats(book)
    formats["wrap"] = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    return book, formats


def cell_number(value: Decimal | None) -> float | None:
    """A figure as a spreadsheet number cell (None: an empty cell)."""
    return None if value is None else float(value)


def workbook_formats(book) -> dict:
    """The cell formats TableSheet rows are written in: header, text, int, num (2 decimals)."""
    return {
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                                   "align": "center", "border": 1, "bg_color": "#DDEBF7"}),
        "text": book.add_format({"border": 1}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "num": book.add_format({"border": 1, "num_format": "0.00"}),
    }


def write_ranking_workbook(ranking, target, *, publication_id: str | None = None,
                           generated_at: datetime | None = None) -> None:
    """Write `ranking` (a server.results.ranking.GroupRanking) to `target`, a path or a binary file.

    The summary, one sheet per domain, the matrix of sub-criteria and the "about" sheet. The
    long table (one line per unit and sub-criterion, over a million nationally: more than a
    sheet holds) is a CSV beside it: server.results.exports.long_table.
    """
    in_memory = not isinstance(target, str)
    book = xlsxwriter.Workbook(target, {"constant_memory": not in_memory,
                                        "in_memory": in_memory})
    formats = workbook_formats(book)
    generated_at = generated_at or datetime.now(UTC)
    criteria_set = ranking.criteria_set
    _summary(book, formats, ranking)
    # An imported table gives domain points and totals only: no sub-index or item sheets.
    if ranking.imported_source is None:
        for domain in criteria_set.domains:
            _domain_sheet(book, formats, ranking, domain)
        _matrix(book, formats, ranking)
    _about(book, formats, ranking, publication_id, generated_at)
    book.close()


def _rank(row):
    return None if row.rank is None else row.rank


def _summary(book, formats, ranking):
    domains = ranking.criteria_set.domains
    if ranking.imported_source is None:
        domain_headers = [f"Lĩnh vực {d.code} (điểm, tối đa {vn_number(d.max_points)})"
                          for d in domains]
    else:  # the published table's domain columns hold the appraised points only
        nodes = ranking.rows[0].result.nodes if ranking.rows else {}
        domain_headers = [f"Lĩnh vực {d.code} (điểm thẩm định"
                          + (f", tối đa {vn_number(nodes[d.code].max_points)})" if nodes else ")")
                          for d in domains]
    components = ranking.criteria_set.components
    component_headers = [f"{c.label} (điểm, tối đa {vn_number(c.max_points)}"
                         + (", chưa đối chiếu)" if not c.verified else ")") for c in components]
    headers = (["Hạng", "Mã đơn vị", "Đơn vị", *domain_headers, "Điểm thẩm định",
                "Điểm điều tra XHH", *component_headers, "Tổng điểm", "Chỉ số CCHC (%)",
                "Xếp loại", "Chỉ số năm trước (%)", "Tăng/giảm so với năm trước (%)"])
    kinds = (["int", "text", "text"] + ["num"] * len(domains) + ["num", "num"]
             + ["num"] * len(components) + ["num", "num", "text", "num", "num"])
    widths = ([7, 12, 36] + [12] * len(domains) + [12, 12] + [14] * len(components)
              + [12, 12, 10, 12, 14])
    if ranking.replaced:  # mergers: each replaced unit's index of the year before
        headers, kinds = [*headers, "Chỉ số năm trước của các đơn vị được thay thế (%)"], \
            [*kinds, "text"]
        widths.append(30)
    sheet = TableSheet(book, formats, SUMMARY, headers, widths, 3)
    for row in ranking.rows:
        result = row.result
        previous = ranking.previous.get(row.unit_code)
        change = (result.index - previous
                  if previous is not None and result.index is not None else None)
        values = ([_rank(row), row.unit_code, row.unit_name]
                  + [_number(result.nodes[d.code].points) for d in domains]
                  + [_number(result.self_points), _number(result.survey_points)]
                  + [_component_points(result, c.key) for c in components]
                  + [_number(result.total), _number(result.index), row.classification,
                     _number(previous), _number(change)])
        if ranking.replaced:
            values.append("; ".join(
                f"{code}: {'–' if index is None else format(index, 'f')}"
                for code, index in ranking.replaced.get(row.unit_code, [])))
        sheet.write(values, kinds)
    sheet.close()


def _component_points(result, key: str):
    # An imported table's result has no components: the cell stays blank.
    node = result.components.get(key)
    return None if node is None else _number(node.points)


def _domain_sheet(book, formats, ranking, domain):
    criteria = domain.criteria
    headers = (["Hạng", "Mã đơn vị", "Đơn vị"]
               + [f"TC {c.code} (%)" for c in criteria]
               + [f"Điểm lĩnh vực {domain.code}", "Điểm tối đa áp dụng",
                  f"Chỉ số thành phần lĩnh vực {domain.code} (%)"])
    kinds = ["int", "text", "text"] + ["num"] * (len(criteria) + 3)
    sheet = TableSheet(book, formats, domain_sheet_name(domain.code), headers,
                   [7, 12, 36] + [10] * len(criteria) + [12, 12, 14], 3)
    # Sub-indices repeat: points fall on a few values for each maximum. Each pair is worked
    # out once for the sheet (a national group asks for 10,600 x its criteria).
    sub_indices = {}

    def sub_index(node):
        key = (node.points, node.max_points, node[4])  # [4]: the sub-index as given, or PENDING
        if key not in sub_indices:
            sub_indices[key] = _number(node.sub_index)
        return sub_indices[key]

    for row in ranking.rows:
        nodes = row.result.nodes
        node = nodes[domain.code]
        sheet.write([_rank(row), row.unit_code, row.unit_name]
                    + [sub_index(nodes[c.code]) for c in criteria]
                    + [_number(node.points), _number(node.max_points), sub_index(node)],
                    kinds)
    sheet.close()


def _matrix(book, formats, ranking):
    leaves = ranking.criteria_set.leaves()
    headers = (["Hạng", "Mã đơn vị", "Đơn vị"]
               + [f"{leaf.code} (tối đa {vn_number(leaf.max_points)})" for leaf in leaves])
    kinds = ["int", "text", "text"] + ["num"] * len(leaves)
    sheet = TableSheet(book, formats, MATRIX, headers, [7, 12, 36] + [9] * len(leaves), 3)
    for row in ranking.rows:
        trace = row.result.trace
        # A leaf not applicable to the unit stays blank: it earns nothing and owes nothing.
        sheet.write([_rank(row), row.unit_code, row.unit_name]
                    + [None if line.not_applicable else float(line.points) for line in trace],
                    kinds)
    sheet.close()


def _about(book, formats, ranking, publication_id, generated_at):
    criteria_set = ranking.criteria_set
    basis = criteria_set.legal_basis
    lines = [
        ("Bộ tiêu chí", criteria_set.id),
        ("Phiên bản", criteria_set.version),
        ("Tên bộ tiêu chí", criteria_set.title),
        ("Căn cứ pháp lý", f"{basis.number} ngày {vn_day(basis.date)}"
                           + (f" — {basis.title}" if basis.title else "")),
        ("Năm đánh giá", str(ranking.year)),
        ("Nhóm đơn vị", ranking.group_label or ranking.group),
        ("Quy tắc xếp hạng khi bằng điểm", tie_rule_text(ranking.tie_rule)),
        ("Làm tròn", "chỉ số làm tròn 2 chữ số (nửa lên) một lần, từ tổng điểm chưa làm tròn"),
    ]
    lines += [("Xếp loại", band_text(band, criteria_set.components))
              for band in criteria_set.bands]
    lines += [(f"Thành phần: {c.label}",
               f"tổng các mục {', '.join(c.codes)} (tối đa {vn_number(c.max_points)} điểm)"
               + ("" if c.verified else "; chưa đối chiếu với văn bản chính thức"))
              for c in criteria_set.components]
    lines += [(f"Lĩnh vực {d.code}", f"{d.title} (tối đa {vn_number(d.max_points)} điểm)")
              for d in criteria_set.domains]
    if ranking.imported_source is not None:
        lines.append(("Nguồn số liệu", f"Nhập từ kết quả đã công bố: {ranking.imported_source}"
                                       " (điểm thẩm định theo lĩnh vực, điểm ĐTXHH, tổng điểm, "
                                       "chỉ số và thứ hạng như bảng đã công bố)"))
    lines += [
        ("Mã công bố", publication_id or "chưa công bố (số liệu tạm)"),
        ("Thời điểm lập (UTC)", generated_at.astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S")),
    ]
    write_about_sheet(book, formats, lines)


def write_about_sheet(book, formats, lines, value_format: str = "text"):
    """The "about" sheet: one (label, text) pair a row under the header "Mục | Nội dung"."""
    sheet = book.add_worksheet(ABOUT)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 90)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.write_row(0, 0, ["Mục", "Nội dung"], formats["header"])
    for number, (label, value) in enumerate(lines, 1):
        sheet.write_string(number, 0, label, formats["text"])
        sheet.write_string(number, 1, value, formats[value_format])
    sheet.freeze_panes(1, 0)
