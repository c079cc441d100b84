"""A periodic report's roll-up as a workbook (xlsxwriter): one line per expected unit with its
report's date, standing and appendix figures, the totals line, and an "about" sheet with the
period, its cut-off window and how the totals are made (server.records.rollup)."""

from datetime import UTC, datetime

from server.labels import vn_day
from server.records.rollup import SUMMED, Rollup
from server.results.exports.ranking_workbook import TableSheet, cell_number, report_workbook

SHEET = "Tổng hợp"
ABOUT = "Thông tin"
STANDING_TEXT = {"on_time": "đúng hạn", "late": "chậm", "missing": "chưa gửi",
                 "pending": "chưa đến hạn"}
TYPE_TEXT = {"number": "số", "integer": "số nguyên", "percent": "tỷ lệ %", "text": "chữ"}
TOTAL = "Tổng cộng"


def write_rollup_workbook(rollup: Rollup, target, *, generated_at: datetime | None = None
                          ) -> None:
    """Write `rollup` to `target` (a path or a binary file)."""
    book, formats = report_workbook(target)
    headers = ["STT", "Mã đơn vị", "Đơn vị", "Lĩnh vực", "Ngày văn bản", "Tình trạng",
               "Nhận ngoài ParIndex"] + [f["label"] for f in rollup.fields]
    kinds = ["int", "text", "text", "text", "text", "text", "text"] + [
        "int" if f["type"] == "integer" else "text" if f["type"] == "text" else "num"
        for f in rollup.fields]
    sheet = TableSheet(book, formats, SHEET, headers,
                       [6, 12, 36, 9, 13, 13, 12] + [16] * len(rollup.fields), 3)
    for number, row in enumerate(rollup.rows, start=1):
        figures = rollup.figures(row)
        day = row.document_date
        values = [number, row.unit.code, row.unit.name, row.domain, vn_day(day) if day else None,
                  STANDING_TEXT[row.standing],
                  "có" if row.submission is not None and row.submission.received_outside
                  else None]
        for f in rollup.fields:
            value = figures[f["key"]]
            values.append(value if f["type"] == "text" or value is None
                          else cell_number(value))
        sheet.write(values, kinds)
    totals = [None, None, TOTAL, None, None, None, None]
    for f in rollup.fields:
        totals.append(cell_number(rollup.totals.get(f["key"])) if f["type"] in SUMMED else None)
    sheet.write(totals, kinds)
    sheet.close()
    about = book.add_worksheet(ABOUT)
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 90)
    period = rollup.period
    lines = [
        ("Báo cáo", period.label),
        ("Thời gian chốt số liệu", f"từ {vn_day(period.covers_from)} đến "
                                   f"{vn_day(period.covers_to)}"),
        ("Thời hạn gửi báo cáo", vn_day(period.due_on)),
        ("Phụ lục", period.template.name if period.template is not None else "(không có)"),
        ("Phạm vi", f"các đơn vị trực thuộc {rollup.scope}" if rollup.scope
         else "tất cả đơn vị phải gửi báo cáo"),
        ("Cách tổng hợp", "Cột số và số nguyên: cộng các báo cáo đã gửi. Cột tỷ lệ % không "
                          "cộng và không lấy bình quân (mỗi đơn vị tính trên cơ sở riêng); "
                          "cột chữ chỉ liệt kê."),
        ("Đúng hạn", "Tính theo ngày của văn bản báo cáo (không theo thời điểm tải lên); báo "
                     "cáo nhận ngoài ParIndex tính theo ngày quản trị viên ghi nhận."),
        ("Lập lúc", (generated_at or datetime.now(UTC)).strftime("%d/%m/%Y %H:%M UTC")),
    ]
    lines += [(f["label"], TYPE_TEXT[f["type"]] + (", bắt buộc" if f["required"] else ""))
              for f in rollup.fields]
    for index, (name, text) in enumerate(lines):
        about.write_string(index, 0, name, formats["header"])
        about.write_string(index, 1, text, formats["wrap"])
    book.close()
