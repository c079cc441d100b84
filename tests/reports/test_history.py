"""A merged commune (XM, from XA, XB and XC) whose three predecessors have results of 2024
imported from the published decision: the points-lost report (service, page, workbook) and the
scorecard set each predecessor's figures by domain beside the unit's own."""

import io
from decimal import Decimal

import openpyxl
import pytest

from server.engine.results import json_ready
from server.extensions import db
from server.models import Answer, Unit
from server.results.exports.points_lost_workbook import LAST_YEAR_SHEET
from server.results.imported import import_results
from server.results.points_lost import group_points_lost, unit_points_lost
from tests.imported_data import import_request, old_communes, table_csv

D = Decimal
SOURCE = "Quyết định số 512/QĐ-UBND"


@pytest.fixture
def merged(app, make, province_set):
    """2024 imported for XA, XB, XC; XM replaces them and is assessed in 2025, losing the
    first sub-criterion of domain 1 and the first survey item."""
    admin = make.user("admin", username="snv")
    old = old_communes(make)
    import_results(import_request(), "kq-2024.csv", table_csv(), admin)
    merged = make.unit("XM", name="Xã Mới", level="commune")
    merged.predecessors = old
    db.session.commit()
    campaign = make.campaign(2025, pins=(("commune", "province-2020", "1.0.0"),))
    assessment = make.assessment(campaign, merged)
    first_self = next(leaf for leaf in province_set.domains[0].leaves() if leaf.source == "self")
    first_survey = next(leaf for leaf in province_set.leaves() if leaf.source == "survey")
    for leaf in province_set.leaves():
        dropped = leaf.code in (first_self.code, first_survey.code)
        db.session.add(Answer(assessment_id=assessment.id, code=leaf.code, source=leaf.source,
                              value=json_ready(leaf.rule.zero_input() if dropped
                                               else leaf.rule.max_input())))
    db.session.commit()
    return {"admin": admin, "campaign": campaign, "assessment": assessment,
            "lost_self": first_self.max_points, "lost_survey": first_survey.max_points}


def test_points_lost_lists_each_predecessor_by_domain(merged):
    report = unit_points_lost(merged["assessment"])
    assert report.previous.year == 2024 and report.previous.imported_source == SOURCE
    assert not report.previous.comparable
    assert [(u.unit_code, u.replaced, u.imported_source) for u in report.last_year.found] == [
        ("XA", True, SOURCE), ("XB", True, SOURCE), ("XC", True, SOURCE)]
    rows = {row["key"]: row for row in report.by_domain}
    assert list(rows) == ["1", "2", "3", "4", "5", "6", "7", "8", "survey"]
    # Domain 1: appraised maximum 7; XA had 6.5, XB 6, XC 5 (tests/imported_data.py).
    assert (rows["1"]["max_points"], rows["1"]["lost"]) == (D(7), merged["lost_self"])
    assert rows["1"]["previous"] == [D("0.5"), D(1), D(2)]
    assert rows["8"]["previous"] == [D("1.5"), D(2), D("2.5")]
    # The survey: 33.5 at most; XA had 30, XB 28, XC 25.
    assert (rows["survey"]["max_points"], rows["survey"]["lost"]) == (D("33.5"),
                                                                     merged["lost_survey"])
    assert rows["survey"]["previous"] == [D("3.5"), D("5.5"), D("8.5")]
    body = report.to_dict()
    assert [u["unit_code"] for u in body["last_year_units"]] == ["XA", "XB", "XC"]
    assert body["by_domain"][0]["previous_lost"] == ["0.5", "1", "2"]


def test_the_unit_page_and_workbook_show_them_side_by_side(client, login, merged):
    login(merged["admin"])
    assessment_id = merged["assessment"].id
    page = client.get(f"/assessments/{assessment_id}/points-lost")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    section = text.split('id="by-domain-last-year"')[1].split("</section>")[0]
    assert [part.split('"')[0] for part in section.split('data-unit="')[1:]] == [
        "XA", "XB", "XC"]
    assert "Xã XA (XA)" in section and SOURCE in section
    domain_1 = section.split('data-domain="1"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in domain_1.split('<td class="num">')[1:]] == [
        "7", str(merged["lost_self"]).replace(".", ","), "0,5", "1", "2"]
    assert SOURCE in text.split('<dl class="meta">')[1].split("</dl>")[0]
    workbook = client.get(f"/assessments/{assessment_id}/points-lost.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))[LAST_YEAR_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4:] == ("Điểm bị trừ năm 2024: Xã XA (XA) – đơn vị được thay thế",
                           "Điểm bị trừ năm 2024: Xã XB (XB) – đơn vị được thay thế",
                           "Điểm bị trừ năm 2024: Xã XC (XC) – đơn vị được thay thế")
    assert rows[1][0] == "1" and rows[1][2:] == (7, float(merged["lost_self"]), 0.5, 1, 2)
    assert rows[9][0] == "ĐTXHH" and rows[9][4:] == (3.5, 5.5, 8.5)
    assert rows[10][4:] == (90, 85, 75) and rows[11][4:] == (1, 2, 3)


def test_the_scorecard_shows_each_predecessor_last_year(client, login, merged):
    login(merged["admin"])
    page = client.get(f"/scorecards/{merged['campaign'].id}/XM?live=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    section = text.split('id="last-year-units"')[1].split("</section>")[0]
    assert [part.split('"')[0] for part in section.split('data-unit="')[1:]] == [
        "XA", "XB", "XC"]
    domain_7 = section.split('data-domain="7"')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in domain_7.split('<td class="num">')[1:]] == [
        "9 / 9", "8,5 / 9", "8 / 9", "7 / 9"]
    assert "previous-missing-note" not in text


def test_a_unit_without_predecessors_compares_with_its_own_imported_figures(
        client, login, make, merged, province_set):
    xa = db.session.get(Unit, db.session.query(Unit.id).filter_by(code="XA").scalar())
    assessment = make.assessment(merged["campaign"], xa)
    report = unit_points_lost(assessment)
    assert [(u.unit_code, u.replaced) for u in report.last_year.found] == [("XA", False)]
    assert report.by_domain[0]["previous"] == [D("0.5")]
    # The group report cannot compare items with an imported year, and says why.
    group = group_points_lost(merged["campaign"], "commune")
    assert group.previous.imported_source == SOURCE and not group.previous.comparable
    login(merged["admin"])
    text = client.get(f"/points-lost?campaign={merged['campaign'].id}&group=commune"
                      ).get_data(as_text=True)
    assert SOURCE in text


def test_the_ranking_shows_each_replaced_units_index_of_last_year(client, login, merged):
    login(merged["admin"])
    campaign_id = merged["campaign"].id
    text = client.get(f"/rankings/{campaign_id}/commune?live=1").get_data(as_text=True)
    row = text.split('<tr data-unit="XM"')[1].split("</tr>")[0]
    assert '<small class="replaced"' in row and "2024: XA 90; XB 85; XC 75" in row
    workbook = client.get(f"/rankings/{campaign_id}/commune/workbook.xlsx?live=1")
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.data))["Tổng hợp"].iter_rows(
        values_only=True))
    assert rows[0][-1] == "Chỉ số năm trước của các đơn vị được thay thế (%)"
    assert rows[1][1] == "XM" and rows[1][-1] == "XA: 90.00; XB: 85.00; XC: 75.00"


def test_a_predecessor_scored_and_published_here_compares_by_domain_too(
        client, login, make, province_set):
    """XA's 2024 was run in ParIndex (every item), not imported: the same by-domain figures,
    and the 2025 ranking, once published, keeps XA's index beside XM."""
    from server.results.publications import publish
    from tests.ranking_data import accept_all

    admin = make.user("admin", username="snv")
    xa = make.unit("XA", name="Xã A", level="commune")
    dropped = next(leaf for leaf in province_set.domains[1].leaves() if leaf.source == "self")

    def fill(campaign, unit, drop=()):
        assessment = make.assessment(campaign, unit)
        for leaf in province_set.leaves():
            db.session.add(Answer(assessment_id=assessment.id, code=leaf.code,
                                  source=leaf.source, value=json_ready(
                                      leaf.rule.zero_input() if leaf.code in drop
                                      else leaf.rule.max_input())))
        assessment.state = "finalised"
        db.session.commit()
        accept_all(assessment)
        return assessment

    pins = (("commune", "province-2020", "1.0.0"),)
    last_year = make.campaign(2024, pins=pins)
    fill(last_year, xa, [dropped.code])
    publish(last_year, "commune", admin)
    last_year.state = "closed"
    xm = make.unit("XM", name="Xã Mới", level="commune")
    xm.predecessors = [xa]
    db.session.commit()
    this_year = make.campaign(2025, pins=pins)
    report = unit_points_lost(fill(this_year, xm))
    assert [(u.unit_code, u.published, u.imported_source) for u in report.last_year.found] == [
        ("XA", True, None)]
    rows = {row["key"]: row for row in report.by_domain}
    assert rows["2"]["previous"] == [dropped.max_points] and rows["1"]["previous"] == [D(0)]
    assert rows["survey"]["previous"] == [D(0)]
    publish(this_year, "commune", admin)
    login(admin)
    workbook = client.get(f"/rankings/{this_year.id}/commune/workbook.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(workbook.data))["Tổng hợp"].iter_rows(
        values_only=True))
    index = format(D(100) - dropped.max_points, ".2f")
    assert rows[1][1] == "XM" and rows[1][-1] == f"XA: {index}"
