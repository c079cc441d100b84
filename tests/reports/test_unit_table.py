"""The unit's official self-assessment table, read back with openpyxl: every number matches the
engine, evidence is cited as the official forms cite it, and the sheet prints on A4."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from server.engine import score
from server.extensions import db
from server.models import EvidenceDocument, EvidenceLink
from server.results.exports.unit_table import read_unit_table, write_unit_table
from tests.reports.sets import ANSWERS_2024, build_scenario, report_sets  # noqa: F401

HEADER_ROW = 5  # three title lines, a blank row, then the header (as Excel numbers rows)


@pytest.fixture
def scenario(make, report_sets):  # noqa: F811
    return build_scenario(make, report_sets)


def _rows(assessment):
    buffer = io.BytesIO()
    write_unit_table(read_unit_table(assessment), buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    rows = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[1] == "Tổng cộng":
            rows["total"] = row
            break
        if row[0]:
            rows[row[0]] = row
    return sheet, rows


def _engine(answers, criteria_set):
    return score(criteria_set, {code: {"value": value, "not_applicable": value is None}
                                for code, value in answers.items()})


def test_every_number_matches_the_engine(scenario, report_sets):  # noqa: F811
    criteria_set = report_sets["2.0.0"]
    answers = ANSWERS_2024["X1"]
    own = _engine({c: v for c, v in answers.items() if c != "2.2"}, criteria_set)
    survey = _engine({"2.2": answers["2.2"]}, criteria_set)
    appraised = _engine({"1.1.1": "0.5"}, criteria_set)
    effective = _engine({**answers, "1.1.1": "0.5"}, criteria_set)
    sheet, rows = _rows(scenario["assessments"]["X1"])
    assert [c.value for c in sheet[HEADER_ROW]] == [
        "STT", "Lĩnh vực / Tiêu chí / Tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
        "Điểm thẩm định", "Điểm ĐTXHH", "Điểm đạt được", "Chỉ số (%)", "Tài liệu kiểm chứng",
        "Ghi chú"]
    assert list(rows) == [node.code for node in criteria_set.nodes()] + ["total"]

    def number(value):
        return None if value is None else Decimal(str(value))

    for node in criteria_set.nodes():
        row = rows[node.code]
        codes = {leaf.code for leaf in node.leaves()}
        assert row[1] == node.title
        assert number(row[2]) == node.max_points
        assert number(row[3]) == (own.nodes[node.code].points if codes - {"2.2"} else None)
        assert number(row[4]) == (appraised.nodes[node.code].points if "1.1.1" in codes
                                  else None), node.code
        assert number(row[5]) == (survey.nodes[node.code].points if "2.2" in codes else None)
        assert number(row[6]) == effective.nodes[node.code].points
        assert number(row[7]) == effective.nodes[node.code].sub_index
    total = rows["total"]
    assert [number(v) for v in total[2:8]] == [
        criteria_set.max_points, own.total, appraised.total, survey.total, effective.total,
        effective.index]
    assert (effective.total, effective.max_points) == (Decimal(9), Decimal(12))


def test_evidence_and_notes(scenario):
    assessment = scenario["assessments"]["X1"]
    document = EvidenceDocument(campaign_id=assessment.campaign_id, unit_id=assessment.unit_id,
                                number="24/KH-UBND", issued_on=date(2024, 1, 27),
                                issuer="UBND xã X1", title="Kế hoạch CCHC năm 2024")
    bare = EvidenceDocument(campaign_id=assessment.campaign_id, unit_id=assessment.unit_id,
                            title="Báo cáo CCHC quý I")
    db.session.add_all([document, bare])
    db.session.flush()
    db.session.add_all([EvidenceLink(assessment_id=assessment.id, code="1.1.1",
                                     document_id=document.id),
                        EvidenceLink(assessment_id=assessment.id, code="1.1.1",
                                     document_id=bare.id)])
    db.session.commit()
    sheet, rows = _rows(assessment)
    assert rows["1.1.1"][8] == ("Số 24/KH-UBND ngày 27/01/2024 của UBND xã X1: Kế hoạch CCHC "
                                "năm 2024\nBáo cáo CCHC quý I")
    assert rows["1.1.1"][9] == "Ý kiến thẩm định: Ban hành kế hoạch chậm"
    assert rows["1.1.5"][9] == "Giải trình: Chưa có sáng kiến"
    assert rows["2.1.1"][9] == "Câu hỏi thẩm định: Đề nghị bổ sung văn bản"
    assert "UBND xã X1" in sheet["A2"].value


def test_a_not_applicable_item_and_print_setup(scenario):
    sheet, rows = _rows(scenario["assessments"]["X3"])
    assert rows["2.1.2"][9] == "Không áp dụng"
    assert rows["2.1.2"][6] == 0 and rows["2.1.2"][7] is None
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (1 is the default xlsxwriter leaves out), as many pages tall as needed.
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
