"""The planner's workbooks (kế hoạch đạt mục tiêu): one unit's plan, and a group's units against
one target, in the conventions of the ranking workbook. Every number is the plan's, whose
figures after the plan are the engine's."""

from datetime import UTC, datetime

from server.planning.group_plans import GroupPlans
from server.planning.planner import CURRENT, PUBLISHED, Plan, Standing
from server.results.exports.ranking_workbook import (
    TableSheet,
    cell_number,
    report_workbook,
    write_about_sheet,
)

STEPS_SHEET = "Kế hoạch"
AGENCIES_SHEET = "Theo cơ quan"
GROUP_SHEET = "Các đơn vị"
NO_AGENCY = "(chưa xác định)"
BASIS_TEXT = {PUBLISHED: "kết quả đã công bố", CURRENT: "điểm hiện tại (chưa công bố)",
              None: "không dùng (mục tiêu không có thứ hạng)"}

COMPARE_TEXT = {"rounded": "chỉ số đã làm tròn", "unrounded": "chỉ số chưa làm tròn"}
RANKS_TEXT = {"shared": "đồng hạng", "distinct": "hạng riêng theo mã đơn vị"}


def _standing_text(standing: Standing) -> str:
    text = f"chỉ số {float(standing.index):.2f}, xếp loại {standing.classification or '–'}"
    return text + (f", xếp hạng {standing.rank}" if standing.rank else "")


def _about_lines(plan: Plan) -> list[tuple[str, str]]:
    return [
        ("Mục tiêu", plan.target.text()),
        ("Các đơn vị khác giữ ở", BASIS_TEXT[plan.basis]),
        ("Quy tắc xếp hạng khi bằng điểm",
         f"so sánh {COMPARE_TEXT[plan.tie_rule.compare]}, {RANKS_TEXT[plan.tie_rule.ranks]}"),
        ("Hiện nay", _standing_text(plan.now)),
        ("Sau kế hoạch", _standing_text(plan.after)),
        ("Đạt mục tiêu", "có" if plan.reached else
         f"không: thiếu {float(plan.shortfall or 0):.2f} điểm chỉ số dù mọi TCTP đạt tối đa"),
        ("Tổng công sức / số bước", f"{plan.effort} / {plan.step_count}"),
    ]


def write_unit_plan(plan: Plan, target, *, generated_at: datetime | None = None) -> None:
    """Write one unit's plan to `target`, a path or a binary file."""
    book, formats = report_workbook(target)
    headers = ["Lĩnh vực", "Cơ quan theo dõi lĩnh vực", "Mã TCTP", "Tiêu chí thành phần",
               "Hiện nay", "Điểm hiện nay", "Cần đạt", "Điểm sau", "Điểm tăng", "Số bước",
               "Công sức", "Chỉ số sau bước này"]
    kinds = ["text", "text", "text", "wrap", "wrap", "num", "wrap", "num", "num", "int", "int",
             "num"]
    sheet = TableSheet(book, formats, STEPS_SHEET, headers,
                       [8, 22, 10, 50, 20, 9, 20, 9, 9, 8, 8, 10], 3)
    for step in plan.steps:
        sheet.write([step.domain_code, step.agency or NO_AGENCY, step.code, step.title,
                     step.from_label or "chưa chấm", cell_number(step.from_points), step.to_label,
                     cell_number(step.to_points), cell_number(step.gain), step.steps, step.effort,
                     cell_number(step.index_after)], kinds)
    sheet.close()
    agencies = TableSheet(book, formats, AGENCIES_SHEET,
                          ["Cơ quan theo dõi lĩnh vực", "Số TCTP", "Điểm tăng", "Công sức"],
                          [40, 9, 9, 9], 1)
    for agency, steps in plan.grouped("agency"):
        agencies.write([agency or NO_AGENCY, len(steps), cell_number(sum(s.gain for s in steps)),
                        sum(s.effort for s in steps)], ["text", "int", "num", "int"])
    agencies.close()
    write_about_sheet(book, formats, [
        ("Đơn vị", f"{plan.unit_name} (mã {plan.unit_code})"),
        *_about_lines(plan),
        ("Thời điểm lập (UTC)",
         (generated_at or datetime.now(UTC)).astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S")),
    ], "wrap")
    book.close()


def write_group_plans(plans: GroupPlans, target, *, generated_at: datetime | None = None
                      ) -> None:
    """Write a group's plans (one row a unit, the farthest first) to `target`."""
    book, formats = report_workbook(target)
    headers = ["Mã đơn vị", "Đơn vị", "Chỉ số hiện nay", "Xếp loại hiện nay", "Hạng hiện nay",
               "Chỉ số cần đạt", "Đạt mục tiêu", "Thiếu (điểm chỉ số)", "Số TCTP", "Công sức",
               "Chỉ số sau", "Xếp loại sau", "Hạng sau"]
    kinds = ["text", "text", "num", "text", "int", "num", "text", "num", "int", "int", "num",
             "text", "int"]
    sheet = TableSheet(book, formats, GROUP_SHEET, headers,
                       [10, 30, 9, 9, 7, 9, 8, 9, 8, 8, 9, 9, 7], 2)
    for plan in plans.plans:
        sheet.write([plan.unit_code, plan.unit_name, cell_number(plan.now.index),
                     plan.now.classification, plan.now.rank, cell_number(plan.needed_index),
                     "có" if plan.reached else "không", cell_number(plan.shortfall),
                     len(plan.steps), plan.effort, cell_number(plan.after.index),
                     plan.after.classification, plan.after.rank], kinds)
    for code, name, reason in plans.refused:
        sheet.write([code, name, None, reason, None, None, "không", None, None, None, None,
                     None, None], kinds)
    sheet.close()
    write_about_sheet(book, formats, [
        ("Nhóm đơn vị", plans.group), ("Mục tiêu chung", plans.target.text()),
        ("Thứ tự", "đơn vị không đạt được mục tiêu trước, rồi đơn vị còn xa mục tiêu nhất"),
        ("Thời điểm lập (UTC)",
         (generated_at or datetime.now(UTC)).astimezone(UTC).strftime("%d/%m/%Y %H:%M:%S")),
    ], "wrap")
    book.close()
