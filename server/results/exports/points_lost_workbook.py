"""The points-lost workbooks (điểm bị trừ), one unit's and one unit group's, in the conventions of
the ranking workbook: Vietnamese headers, frozen panes, autofilter, 2-decimal numbers, A4
landscape fitted to the width with the header repeated, and an "about" sheet. Every number is
the report's (`server.results.points_lost`), which takes it from the engine.
"""

from datetime import UTC, datetime

from server.engine.losses import IMPROVED, NEW, REPEATED
from server.results.exports.ranking_workbook import (
    TableSheet,
    cell_number,
    report_workbook,
    write_about_sheet,
)

UNIT_SHEET = "Điểm bị trừ"
ITEMS_SHEET = "Theo TCTP"
DOMAINS_SHEET = "Theo lĩnh vực"
LAST_YEAR_SHEET = "So với năm trước"
AGENCIES_SHEET = "Theo cơ quan"
STATUS_TEXT = {NEW: "bị trừ điểm mới", REPEATED: "tiếp tục bị trừ điểm",
               IMPROVED: "đã cải thiện", None: ""}
SOURCE_TEXT = {"self": "thẩm định", "survey": "điều tra XHH"}
NO_AGENCY = "(chưa xác định)"


def _previous_text(previous) -> str:
    if previous is None:
        return "không có số liệu năm trước"
    text = f"năm {previous.year} (đợt {previous.campaign_id}, bộ tiêu chí {previous.criteria_set})"
    if previous.imported_source is not None:
        return (f"{text}: nhập từ kết quả đã công bố ({previous.imported_source}), chỉ so sánh "
                "được theo lĩnh vực")
    if not previous.comparable:
        text += ": không so sánh được (bảng chuyển mã không nối hai bộ tiêu chí)"
    return text


def _about(book, formats, lines, generated_at):
    write_about_sheet(book, formats, [
        *lines,
        ("Tình hình so với năm trước",
         "bị trừ điểm mới: năm trước không bị trừ; tiếp tục bị trừ điểm: năm trước bị trừ và năm "
         "nay bị trừ bằng hoặc nhiều hơn; đã cải thiện: năm nay bị trừ ít hơn năm trước. Tiêu chí "
         "đổi mã được so theo bảng chuyển mã của bộ tiêu chí."),
        ("Thời điểm lập (UTC)", generated_at.astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S")),
    ], "wrap")


def write_unit_points_lost(report, target, *, generated_at: datetime | None = None) -> None:
    """Write a `UnitPointsLost` to `target`, a path or a binary file."""
    book, formats = report_workbook(target)
    headers = ["Lĩnh vực", "Mã TCTP", "Tiêu chí thành phần", "Cơ quan theo dõi lĩnh vực",
               "Nguồn điểm", "Điểm tối đa", "Điểm đạt được", "Điểm bị trừ",
               "Điểm bị trừ năm trước", "Mã TCTP năm trước", "So với năm trước",
               "Giải trình của đơn vị", "Ý kiến thẩm định"]
    kinds = ["text", "text", "wrap", "text", "text", "num", "num", "num", "num", "text", "text",
             "wrap", "wrap"]
    sheet = TableSheet(book, formats, UNIT_SHEET, headers,
                       [8, 10, 50, 22, 12, 9, 9, 9, 11, 12, 16, 40, 40], 2)
    for line in report.lines:
        sheet.write([line.domain, line.code, line.title, line.responsible_agency or NO_AGENCY,
                     SOURCE_TEXT[line.source], cell_number(line.max_points),
                     cell_number(line.points),
                     cell_number(line.lost), cell_number(line.previous_lost),
                     ", ".join(line.previous_codes), STATUS_TEXT[line.status],
                     line.explanation, line.reason], kinds)
    sheet.close()
    units = report.last_year.found if report.last_year else []
    if units:
        _last_year_sheet(book, formats, report, units)
    set_ = report.criteria_set
    _about(book, formats, [
        ("Đơn vị", f"{report.unit_name} (mã {report.unit_code})"),
        ("Năm đánh giá", str(report.year)),
        ("Bộ tiêu chí", f"{set_.id}@{set_.version}: {set_.title}"),
        ("Tổng điểm đạt được", f"{float(report.result.total):.2f} / "
                               f"{float(report.result.max_points):.2f}"),
        ("Tổng điểm bị trừ", f"{float(report.total_lost):.2f}"),
        ("Tổng điểm bị trừ năm trước (các TCTP trên)",
         "" if report.previous_total_lost is None else f"{float(report.previous_total_lost):.2f}"),
        ("So sánh với", _previous_text(report.previous)),
        *((f"Năm {report.last_year.year}: {unit.unit_name} ({unit.unit_code})",
           ("đơn vị được thay thế (sáp nhập)" if unit.replaced else "chính đơn vị")
           + (f"; nhập từ kết quả đã công bố: {unit.imported_source}"
              if unit.imported_source is not None else
              "; kết quả đã công bố" if unit.published else "; tính từ số liệu hiện có"))
          for unit in units),
    ], generated_at or datetime.now(UTC))
    book.close()


def _last_year_sheet(book, formats, report, units):
    """Points lost by domain (appraised part) and on the survey: this year's, then last year's
    of the unit and of each unit it replaces, side by side."""
    year = report.last_year.year
    headers = ["Lĩnh vực", "Tên", f"Điểm tối đa năm {report.year}",
               f"Điểm bị trừ năm {report.year}",
               *(f"Điểm bị trừ năm {year}: {unit.unit_name} ({unit.unit_code})"
                 + (" – đơn vị được thay thế" if unit.replaced else "") for unit in units)]
    sheet = TableSheet(book, formats, LAST_YEAR_SHEET, headers,
                       [10, 44, 11, 11, *([16] * len(units))], 2)
    kinds = ["text", "wrap", "num", "num", *(["num"] * len(units))]
    for row in report.by_domain:
        survey = row["key"] == "survey"
        sheet.write(["ĐTXHH" if survey else row["key"],
                     "Điểm điều tra xã hội học" if survey else row["title"],
                     cell_number(row["max_points"]), cell_number(row["lost"]),
                     *(cell_number(value) for value in row["previous"])], kinds)
    sheet.write(["Chỉ số", "Chỉ số CCHC (%)", None, cell_number(report.result.index),
                 *(cell_number(unit.index) for unit in units)], kinds)
    sheet.write(["Hạng", "Thứ hạng", None, None,
                 *(None if unit.rank is None else float(unit.rank) for unit in units)], kinds)
    sheet.close()


def write_group_points_lost(report, target, *, generated_at: datetime | None = None) -> None:
    """Write a `GroupPointsLost` to `target`, a path or a binary file."""
    book, formats = report_workbook(target)
    headers = ["Lĩnh vực", "Mã TCTP", "Tiêu chí thành phần", "Cơ quan theo dõi lĩnh vực",
               "Điểm tối đa", "Số đơn vị được chấm", "Số đơn vị bị trừ điểm", "Tổng điểm bị trừ",
               "Bình quân điểm bị trừ/đơn vị", "Số đơn vị bị trừ năm trước",
               "Tổng điểm bị trừ năm trước", "Bình quân năm trước", "Mã TCTP năm trước",
               "So với năm trước"]
    kinds = ["text", "text", "wrap", "text", "num", "int", "int", "num", "num", "int", "num",
             "num", "text", "text"]
    sheet = TableSheet(book, formats, ITEMS_SHEET, headers,
                       [8, 10, 50, 22, 9, 10, 10, 10, 11, 11, 11, 11, 12, 16], 2)
    for item in report.items:
        sheet.write([item.domain, item.code, item.title, item.responsible_agency or NO_AGENCY,
                     cell_number(item.max_points), item.units_assessed, item.units_lost,
                     cell_number(item.total_lost), cell_number(item.average_lost),
                     item.previous_units_lost, cell_number(item.previous_total_lost),
                     cell_number(item.previous_average_lost), ", ".join(item.previous_codes),
                     STATUS_TEXT[item.status]], kinds)
    sheet.close()
    for name, first, rows in ((DOMAINS_SHEET, "Lĩnh vực", report.domains),
                              (AGENCIES_SHEET, "Cơ quan theo dõi lĩnh vực", report.agencies)):
        sheet = TableSheet(book, formats, name,
                           [first, "Tên", "Số TCTP bị trừ điểm", "Tổng điểm bị trừ",
                            "Tổng điểm bị trừ năm trước"], [22, 50, 12, 12, 12], 1)
        for row in rows:
            sheet.write([row.key or NO_AGENCY, row.title or NO_AGENCY, row.items_lost,
                         cell_number(row.total_lost), cell_number(row.previous_total_lost)],
                        ["text", "wrap", "int", "num", "num"])
        sheet.close()
    set_ = report.criteria_set
    _about(book, formats, [
        ("Nhóm đơn vị", report.group_label or report.group),
        ("Năm đánh giá", str(report.year)),
        ("Số đơn vị", str(report.units)),
        ("Bộ tiêu chí", f"{set_.id}@{set_.version}: {set_.title}"),
        ("So sánh với", _previous_text(report.previous)),
        ("Bình quân", "tổng điểm bị trừ / số đơn vị được chấm ở tiêu chí đó (không tính đơn vị "
                      "không áp dụng), làm tròn 2 chữ số"),
    ], generated_at or datetime.now(UTC))
    book.close()
