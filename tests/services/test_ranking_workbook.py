"""The ranking workbook, read back with openpyxl: every number matches the engine's."""

from datetime import UTC, datetime

import openpyxl
import pytest

from server.results.exports.ranking_workbook import (
    ABOUT,
    MATRIX,
    SUMMARY,
    domain_sheet_name,
    write_ranking_workbook,
)
from server.results.ranking import rank_group
from tests.ranking_data import full_answers, write_answers


def _num(value):
    return None if value is None else float(value)


@pytest.fixture
def ranking(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    earlier = make.campaign(2020)
    campaign = make.campaign(2021)
    na_leaf = next(leaf for leaf in criteria_set.leaves() if leaf.not_applicable_allowed)
    for code, drop in (("P03", 7), ("P01", 0), ("P02", 7), ("P04", 41)):
        unit = make.unit(code, name=f"Tỉnh {code}", level="province", group="province")
        values = full_answers(criteria_set, drop)
        na = (na_leaf.code,) if code == "P04" else ()
        if na:
            values.pop(na_leaf.code)
        write_answers(make.assessment(campaign, unit), criteria_set, values, not_applicable=na)
        if code != "P04":
            write_answers(make.assessment(earlier, unit), criteria_set,
                          full_answers(criteria_set, 20))
    return rank_group(campaign, "province", detail=True)


@pytest.fixture
def book(ranking, tmp_path):
    path = tmp_path / "xep-hang.xlsx"
    write_ranking_workbook(ranking, str(path), publication_id="PUB-1",
                           generated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    return openpyxl.load_workbook(path)


def _rows(sheet):
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_sheets_and_layout(book, ranking):
    domains = [domain_sheet_name(d.code) for d in ranking.criteria_set.domains]
    assert book.sheetnames == [SUMMARY, *domains, MATRIX, ABOUT]  # the long table is a CSV
    summary = book[SUMMARY]
    assert summary.freeze_panes == "D2"
    assert summary.auto_filter.ref == f"A1:{summary.cell(1, summary.max_column).column_letter}5"
    assert summary.page_setup.orientation == "landscape"
    assert summary.page_setup.paperSize in (9, "9")
    assert summary.print_title_rows in ("1:1", "$1:$1")
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    assert summary.cell(2, 4).number_format == "0.00"
    assert summary.cell(1, 1).value == "Hạng"


def test_summary_matches_engine(book, ranking):
    domains = ranking.criteria_set.domains
    rows = _rows(book[SUMMARY])
    assert len(rows) == len(ranking.rows)
    for got, row in zip(rows, ranking.rows, strict=True):
        result = row.result
        previous = ranking.previous.get(row.unit_code)
        change = _num(result.index - previous) if previous is not None else None
        expected = (row.rank, row.unit_code, row.unit_name,
                    *(_num(result.nodes[d.code].points) for d in domains),
                    _num(result.self_points), _num(result.survey_points), _num(result.total),
                    _num(result.index), row.classification, _num(previous), change)
        assert got == expected
    assert [r[0] for r in rows] == [1, 2, 2, 4]
    assert rows[0][-1] > 0  # better than last year


def test_domain_sheets_match_engine(book, ranking):
    for domain in ranking.criteria_set.domains:
        rows = _rows(book[domain_sheet_name(domain.code)])
        for got, row in zip(rows, ranking.rows, strict=True):
            nodes = row.result.nodes
            assert got == (row.rank, row.unit_code, row.unit_name,
                           *(_num(nodes[c.code].sub_index) for c in domain.criteria),
                           _num(nodes[domain.code].points), _num(nodes[domain.code].max_points),
                           _num(nodes[domain.code].sub_index))


def test_matrix_matches_engine(book, ranking):
    leaves = ranking.criteria_set.leaves()
    header = next(book[MATRIX].iter_rows(max_row=1, values_only=True))
    assert len(header) == 3 + len(leaves) == 105
    matrix = _rows(book[MATRIX])
    for got, row in zip(matrix, ranking.rows, strict=True):
        assert got[:3] == (row.rank, row.unit_code, row.unit_name)
        for cell, line in zip(got[3:], row.result.trace, strict=True):
            assert cell == (None if line.not_applicable else float(line.points))


def test_about_sheet(book, ranking):
    about = dict(_rows(book[ABOUT]))
    assert about["Bộ tiêu chí"] == "province-2020"
    assert about["Phiên bản"] == "1.0.0"
    assert about["Căn cứ pháp lý"].startswith("1149/QĐ-BNV")
    assert "chưa làm tròn" in about["Quy tắc xếp hạng khi bằng điểm"]
    assert "đồng hạng" in about["Quy tắc xếp hạng khi bằng điểm"]
    assert about["Mã công bố"] == "PUB-1"
    assert about["Thời điểm lập (UTC)"] == "02/01/2026 03:04:05"
    bands = [value for key, value in _rows(book[ABOUT]) if key == "Xếp loại"]
    assert bands[0] == "A: chỉ số từ 90%"


def test_in_memory_target(ranking):
    import io

    buffer = io.BytesIO()
    write_ranking_workbook(ranking, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book[ABOUT]["B" + str(book[ABOUT].max_row - 1)].value.startswith("chưa công bố")
