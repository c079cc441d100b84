"""The progress grid as a workbook (xlsxwriter): the rows the page shows, with the same filters,
under Vietnamese headers, and a second sheet with the totals per state and the filters used.

Headers and labels are Vietnamese whatever the request's language: the workbook is sent on as an
official document.
"""

from flask_babel import force_locale
from xlsxwriter import Workbook

from server.appraisal.progress import OVERDUE_REASONS, STATE_LABELS, ProgressReport
from server.config import LOCAL_TIME
from server.people.groups import group_labels

GRID = "Tiến độ"
TOTALS = "Tổng hợp"

HEADERS = [
    ("Mã đơn vị", 12, "text"), ("Đơn vị", 40, "text"), ("Nhóm đơn vị", 12, "text"),
    ("Trạng thái", 18, "text"), ("TCTP đã tự đánh giá", 11, "int"),
    ("Tổng số TCTP tự đánh giá", 11, "int"), ("Chưa thẩm định", 11, "int"),
    ("Chấp nhận", 11, "int"), ("Điều chỉnh", 11, "int"), ("Yêu cầu giải trình", 11, "int"),
    ("Đơn vị sửa sau khi thẩm định", 12, "int"), ("Quá hạn", 8, "text"),
    ("Lý do quá hạn", 28, "text"), ("Hạn (giờ Việt Nam)", 17, "text"),
]
POINTS = [("Điểm tự đánh giá", 11, "num"), ("Điểm thẩm định", 11, "num")]


def _local(moment) -> str | None:
    return None if moment is None else moment.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


def write_progress_workbook(report: ProgressReport, target) -> None:
    """Write the grid of `report` to `target`, a path or a binary file."""
    book = Workbook(target, {"in_memory": not isinstance(target, str)})
    formats = {
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "vcenter",
                                   "align": "center", "border": 1, "bg_color": "#DDEBF7"}),
        "text": book.add_format({"border": 1}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "num": book.add_format({"border": 1, "num_format": "0.00"}),
        "overdue": book.add_format({"border": 1, "bg_color": "#FCE4D6"}),
        "bold": book.add_format({"bold": True}),
    }
    with force_locale("vi"):
        _grid(book, formats, report)
        _totals(book, formats, report)
    book.close()


def _grid(book, formats, report):
    points = report.filters.points
    headers = HEADERS + POINTS if points else HEADERS
    sheet = book.add_worksheet(GRID)
    sheet.write_row(0, 0, [h for h, _w, _k in headers], formats["header"])
    sheet.set_row(0, 45)
    for column, (_h, width, _k) in enumerate(headers):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.fit_to_pages(1, 0)
    for number, row in enumerate(report.rows, start=1):
        values = [row.unit_code, row.unit_name, row.group_label or row.group,
                  str(STATE_LABELS[row.state]), row.answered, row.items, row.pending,
                  row.accepted, row.adjusted, row.asked, row.changed_since_appraisal,
                  "Có" if row.overdue else "Không",
                  None if row.overdue is None else str(OVERDUE_REASONS[row.overdue]),
                  _local(row.deadline)]
        if points:
            values += [row.self_points, row.appraised_points]
        for column, (value, (_h, _w, kind)) in enumerate(zip(values, headers, strict=True)):
            style = formats["overdue" if row.overdue and kind == "text" else kind]
            if value is None:
                sheet.write_blank(number, column, None, style)
            elif kind == "text":
                sheet.write_string(number, column, value, style)
            else:
                sheet.write_number(number, column, float(value), style)
    sheet.autofilter(0, 0, max(len(report.rows), 1), len(headers) - 1)


def _totals(book, formats, report):
    sheet = book.add_worksheet(TOTALS)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 40)
    sheet.write_string(0, 0, "Đợt đánh giá", formats["bold"])
    sheet.write_string(0, 1, report.campaign.title)
    filters = report.filters
    given = [("Nhóm đơn vị", filters.group and group_labels().get(filters.group, filters.group)),
             ("Trạng thái", filters.state and str(STATE_LABELS[filters.state])),
             ("Chỉ đơn vị quá hạn", "Có" if filters.overdue else None),
             ("Kèm điểm", "Có" if filters.points else None),
             ("Tìm theo mã hoặc tên", filters.search or None)]
    line = 1
    for name, value in given:
        sheet.write_string(line, 0, name, formats["bold"])
        sheet.write_string(line, 1, value or "(tất cả)")
        line += 1
    sheet.write_string(line, 0, "Lập lúc (giờ Việt Nam)", formats["bold"])
    sheet.write_string(line, 1, _local(report.generated_at))
    line += 2
    sheet.write_row(line, 0, ["Trạng thái", "Số đơn vị"], formats["header"])
    for key, count in report.totals.items():
        line += 1
        sheet.write_string(line, 0, str(STATE_LABELS[key]), formats["text"])
        sheet.write_number(line, 1, count, formats["int"])
    line += 1
    sheet.write_string(line, 0, "Quá hạn", formats["text"])
    sheet.write_number(line, 1, report.overdue_total, formats["int"])
