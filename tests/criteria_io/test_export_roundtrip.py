"""Every installed set exports to the official self-assessment table and imports back the same."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from server.campaigns.criteria_registry import build_registry
from server.criteria_io.table_export import HEADER, export_xlsx, table_view
from server.criteria_io.table_import import import_table
from server.engine import parse_criteria_set
from server.plugins import build_plugin_manager

REGISTRY = build_registry(build_plugin_manager())
BUILTIN = ["province-2017", "province-2020", "ministry-2022", "department", "district", "commune"]


def _meta(cset):
    return {"id": cset.id, "version": cset.version, "title": cset.title, "level": cset.level,
            "legal_basis": {"number": cset.legal_basis.number, "date": cset.legal_basis.date},
            "years": list(cset.years),
            "bands": [{"label": b.label, "min": b.min} for b in cset.bands],
            "tie_rule": {"compare": cset.tie_rule.compare, "ranks": cset.tie_rule.ranks}}


def test_every_builtin_set_is_installed():
    assert set(BUILTIN) <= {s.id for s in REGISTRY.all()}


@pytest.mark.parametrize("set_id", BUILTIN)
def test_export_then_import_gives_back_the_same_tree(tmp_path, set_id):
    cset = REGISTRY.get(set_id)
    path = tmp_path / f"{set_id}.xlsx"
    path.write_bytes(export_xlsx(cset))
    back = parse_criteria_set(import_table(path, _meta(cset)), str(path))
    assert table_view(back) == table_view(cset)
    assert [leaf.rule.name for leaf in back.leaves()] == [leaf.rule.name
                                                          for leaf in cset.leaves()]
    assert back.max_points == cset.max_points


def test_the_table_is_ready_to_print_and_fill_in(tmp_path):
    cset = REGISTRY.get("province-2017")
    path = tmp_path / "t.xlsx"
    path.write_bytes(export_xlsx(cset))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert list(rows[header_at]) == HEADER
    assert "2948/QĐ-BNV" in rows[1][0]
    assert "đồng hạng" in rows[2][0]  # the tie rule is written on the export
    codes = [row[0] for row in rows[header_at + 1:] if row[0]]
    assert codes == [node.code for node in cset.nodes()]
    total = rows[-1]
    assert total[1] == "Tổng cộng" and Decimal(str(total[2])) == Decimal(100)
    assert str(total[3]).startswith("=SUM(")  # the self scores add up in the sheet
    assert sheet.print_title_rows == f"${header_at + 1}:${header_at + 1}"
    assert sheet.page_setup.orientation == "landscape"
