"""The plan's task table: imported all or nothing with every bad row named (row, column,
problem), exported in the same layout, and an export imported again gives the same tasks."""

import io
from datetime import date, datetime

import openpyxl
import pytest

from server.extensions import db
from server.records.task_table import (
    TaskImportError,
    import_tasks,
    parse_deadline,
    write_task_table,
)
from tests.records.par_plan_data import build_world, issued_plan, task

HEADER = ("STT", "Nhiệm vụ", "Kết quả/Sản phẩm", "Lĩnh vực", "Cơ quan chủ trì",
          "Cơ quan phối hợp", "Thời hạn hoàn thành")


@pytest.fixture
def world(make):
    return build_world(make)


def xlsx(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fields(tasks) -> list[tuple]:
    return [(t.number, t.title, t.expected_result, t.domain,
             t.lead_unit.code if t.lead_unit else "", t.cooperating, t.deadline) for t in tasks]


def test_a_table_as_plans_write_it_is_imported(world):
    plan = issued_plan(world, "province")
    content = xlsx(
        (1, "Rà soát, đánh giá TTHC", "Báo cáo kết quả rà soát", "3", "STP", "STC; QB",
         datetime(2026, 6, 30)),
        (2, "Tuyên truyền CCHC", "Kế hoạch tuyên truyền", "1", "QB", "", "Quý II/2026"),
        (3, "Kiểm tra CCHC", "", "", "STC", "", "Tháng 9/2026"),
        (4, "Duy trì ISO", "", "", "", "", "Thường xuyên"),
    )
    tasks = import_tasks(plan, "ke-hoach.xlsx", content, world["province_editor"])
    db.session.commit()
    assert _fields(tasks) == [
        ("1", "Rà soát, đánh giá TTHC", "Báo cáo kết quả rà soát", "3", "STP", ["STC", "QB"],
         date(2026, 6, 30)),
        ("2", "Tuyên truyền CCHC", "Kế hoạch tuyên truyền", "1", "QB", [], date(2026, 6, 30)),
        ("3", "Kiểm tra CCHC", "", "", "STC", [], date(2026, 9, 30)),
        ("4", "Duy trì ISO", "", "", "", [], date(2026, 12, 31)),
    ]


def test_every_bad_row_is_named_with_its_column_and_nothing_is_added(world):
    plan = issued_plan(world, "province")
    content = xlsx(
        (1, "Đúng", "", "3", "STP", "", "30/06/2026"),
        (2, "", "", "3", "STP", "", "30/06/2026"),
        (3, "Sai lĩnh vực", "", "99", "STP", "", "30/06/2026"),
        (4, "Sai đơn vị", "", "3", "XYZ", "STC; ABC", "30/06/2026"),
        (5, "Sai ngày", "", "3", "STP", "", "cuối năm nào đó"),
    )
    with pytest.raises(TaskImportError) as refused:
        import_tasks(plan, "ke-hoach.xlsx", content, world["admin"])
    found = sorted((p.row, p.column) for p in refused.value.problems)
    assert found == [(3, "Nhiệm vụ"), (4, "Lĩnh vực"), (5, "Cơ quan chủ trì"),
                     (5, "Cơ quan phối hợp"), (6, "Thời hạn hoàn thành")]
    assert all(p.to_dict()["column"] for p in refused.value.problems)
    db.session.rollback()
    db.session.refresh(plan)
    assert plan.tasks == []


def test_a_table_without_the_task_column_is_refused(world):
    plan = issued_plan(world, "province")
    with pytest.raises(TaskImportError) as refused:
        import_tasks(plan, "x.xlsx", xlsx(("a", "b"), header=("STT", "Ghi chú")),
                     world["admin"])
    assert refused.value.problems[0].kind == "missing_column"


def test_an_exported_table_imports_again_as_it_was(world, tmp_path):
    plan = issued_plan(world, "province")
    task(plan, world, "Rà soát TTHC", lead="STP", deadline=date(2026, 6, 30), domain="3")
    original = plan.tasks[0]
    original.cooperating = ["STC", "QB"]
    original.expected_result = "Báo cáo"
    original.number = "1"
    task(plan, world, "Không thời hạn")
    db.session.commit()
    path = tmp_path / "nhiem-vu.xlsx"
    write_task_table(plan, str(path))
    copy = issued_plan(world, "justice")  # another plan: department domains are free text
    imported = import_tasks(copy, "nhiem-vu.xlsx", path.read_bytes(), world["admin"])
    assert _fields(imported) == _fields(plan.tasks)


@pytest.mark.parametrize(("text", "day"), [
    ("30/06/2026", date(2026, 6, 30)), ("2026-06-30", date(2026, 6, 30)),
    ("Tháng 2", date(2026, 2, 28)), ("tháng 12/2026", date(2026, 12, 31)),
    ("Quý I", date(2026, 3, 31)), ("Quý IV/2026", date(2026, 12, 31)),
    ("Năm 2026", date(2026, 12, 31)), ("6 tháng đầu năm", date(2026, 6, 30)),
    ("", None),
])
def test_deadlines_as_plans_write_them(text, day):
    assert parse_deadline(text, 2026) == day
