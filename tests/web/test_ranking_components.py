"""Named components (province-2020 1.1.0: SIPAS, leaders' survey, impact) in the ranking: the
stored read equals the engine, and the page, the public page, the API, the workbook and the long
table show them; a band minimum on a component holds a unit down in the ranking too."""

import csv
import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from server.engine import Band
from server.extensions import db
from server.results.exports.ranking_workbook import ABOUT, SUMMARY
from server.results.publications import publish
from server.results.ranking import rank_group, score_group
from server.results.ranking_data import ranking_dict
from tests.helpers import api_token
from tests.ranking_data import accept_all, full_answers, write_answers
from tests.web.ranking_pages import number, table_rows

KEYS = ["sipas", "leaders", "impact"]


@pytest.fixture
def set_11(app):
    return app.extensions["parindex"].criteria.get("province-2020", "1.1.0")


def _group(make, criteria_set, pin=("province-2020", "1.1.0")):
    """Three finalised provinces: P01 full marks, P02 with SIPAS item 8.1.1 at 0, P03 losing
    its first 12 items."""
    campaign = make.campaign(pins=(("province", *pin),))
    for code, drop, sipas in (("P01", 0, 2), ("P02", 0, 0), ("P03", 12, 2)):
        unit = make.unit(code, level="province", group="province", name=f"Tỉnh {code}")
        assessment = make.assessment(campaign, unit)
        values = full_answers(criteria_set, drop) | {"8.1.1": sipas}
        write_answers(assessment, criteria_set, values)
        accept_all(assessment)
        assessment.state = "finalised"
    db.session.commit()
    return campaign


def test_stored_components_equal_the_engine(make, set_11):
    campaign = _group(make, set_11)
    stored = rank_group(campaign, "province")
    detailed = rank_group(campaign, "province", detail=True)
    engine = {code: result for (code, _n, _r), result in score_group(campaign, "province").scored}
    for row in stored.rows:
        assert list(row.result.components) == KEYS
        assert row.result.components == engine[row.unit_code].components
    assert [row.result.components for row in detailed.rows] == [
        row.result.components for row in stored.rows]
    p02 = next(row for row in stored.rows if row.unit_code == "P02")
    sipas = p02.result.components["sipas"]
    assert (sipas.points, sipas.max_points, sipas.sub_index) == (
        Decimal(8), Decimal(10), Decimal("80.00"))


def test_the_api_ranking_gives_components_as_two_decimal_strings(client, make, set_11):
    campaign = _group(make, set_11)
    admin = make.user("admin")
    response = client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=province",
                          headers=api_token(client, admin, make.password))
    assert response.status_code == 200
    data = response.get_json()
    assert [(c["key"], c["max_points"], c["verified"]) for c in data["components"]] == [
        ("sipas", "10.00", True), ("leaders", "23.50", True), ("impact", "12.50", False)]
    assert data["components"][0]["label"] == "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"
    p02 = next(row for row in data["rows"] if row["unit_code"] == "P02")
    assert p02["components"] == [
        {"key": "sipas", "points": "8.00", "max_points": "10.00", "sub_index": "80.00"},
        {"key": "leaders", "points": "23.50", "max_points": "23.50", "sub_index": "100.00"},
        {"key": "impact", "points": "12.50", "max_points": "12.50", "sub_index": "100.00"}]


def test_the_pages_show_a_column_per_component(client, login, make, set_11):
    campaign = _group(make, set_11)
    admin = make.user("admin")
    expected = ranking_dict(rank_group(campaign, "province"))
    login(admin)
    html = client.get(f"/rankings/{campaign.id}/province").get_data(as_text=True)
    assert "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)" in html
    assert "Khảo sát lãnh đạo, quản lý" in html
    rows = table_rows(html)
    for row in expected["rows"]:
        assert [number(text) for text in rows[row["unit_code"]]["component-points"]] == [
            Decimal(c["points"]) for c in row["components"]]
    # The public page reads the publication's snapshot: the same columns.
    publish(campaign, "province", admin)
    public = client.get(f"/public/{campaign.id}/province").get_data(as_text=True)
    rows = table_rows(public)
    assert [number(text) for text in rows["P02"]["component-points"]] == [
        Decimal(8), Decimal("23.5"), Decimal("12.5")]
    assert public.count('data-component="impact"') == 1  # its column header


def test_a_set_without_components_shows_no_component_column(client, login, make, app):
    set_10 = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = _group(make, set_10, pin=("province-2020", "1.0.0"))
    login(make.user("admin"))
    html = client.get(f"/rankings/{campaign.id}/province").get_data(as_text=True)
    assert "component-points" not in html and "data-component" not in html
    assert ranking_dict(rank_group(campaign, "province"))["components"] == []


def test_the_workbook_and_long_table_carry_the_components(client, login, make, set_11):
    campaign = _group(make, set_11)
    login(make.user("admin"))
    response = client.get(f"/rankings/{campaign.id}/province/workbook.xlsx?live=1")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book[SUMMARY]
    headers = [cell.value for cell in sheet[1]]
    start = headers.index("Điểm điều tra XHH") + 1
    assert headers[start:start + 3] == [
        "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) (điểm, tối đa 10)",
        "Khảo sát lãnh đạo, quản lý (điểm, tối đa 23,5)",
        "Tác động của CCHC đến phát triển kinh tế – xã hội (điểm, tối đa 12,5, chưa đối chiếu)"]
    assert headers[start + 3] == "Tổng điểm"
    values = {row[1]: row[start:start + 3] for row in sheet.iter_rows(min_row=2,
                                                                     values_only=True)}
    assert values["P02"] == (8, 23.5, 12.5)
    about = [row for row in book[ABOUT].iter_rows(min_row=2, values_only=True)]
    assert ("Thành phần: Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
            "tổng các mục 8.1 (tối đa 10 điểm)") in about
    lines = list(csv.reader(io.StringIO(
        client.get(f"/rankings/{campaign.id}/province/long-table.csv?live=1").get_data(
            as_text=True).lstrip("\ufeff"))))
    assert lines[0][-1] == "Thành phần"
    by_item = {line[5]: line[-1] for line in lines[1:] if line[1] == "P01"}
    assert (by_item["8.1.1"], by_item["2.4.1"], by_item["8.3.2"], by_item["1.1.1"]) == (
        "sipas", "leaders", "impact", "")


def test_a_band_minimum_on_a_component_holds_a_unit_down_in_the_ranking(
        app, make, set_11, monkeypatch):
    # A set as a province could issue it: band A also needs SIPAS at 90 % or more.
    strict = replace(set_11, id="province-2020-sipas-band", bands=(
        Band("A", Decimal(90), (("sipas", Decimal(90)),)), Band("B", Decimal(80)),
        Band("C", Decimal(70)), Band("D", Decimal(0))))
    monkeypatch.setitem(app.extensions["parindex"].criteria.sets,
                        ("province-2020-sipas-band", "1.1.0"), strict)
    campaign = _group(make, set_11, pin=("province-2020-sipas-band", "1.1.0"))
    for ranking in (rank_group(campaign, "province"),
                    rank_group(campaign, "province", detail=True)):
        rows = {row.unit_code: row for row in ranking.rows}
        # P02's index (98) is above P03's, but its SIPAS (80 %) misses A's minimum.
        assert rows["P02"].result.index == Decimal("98.00")
        assert (rows["P01"].classification, rows["P02"].classification) == ("A", "B")
        assert rows["P03"].result.index >= Decimal(90)
        assert rows["P03"].classification == "A"


def test_the_campaigns_own_bands_may_ask_a_component_minimum_too(make, set_11):
    campaign = _group(make, set_11)
    campaign.bands = [{"key": "a", "label": "A", "min": "90", "min_components": {"sipas": "90"}},
                      {"key": "b", "label": "B", "min": "0"}]
    db.session.commit()
    rows = {row.unit_code: row for row in rank_group(campaign, "province").rows}
    # P02's SIPAS (80 %) misses the campaign's minimum for A; P01 (100 %) does not.
    assert (rows["P01"].classification, rows["P02"].classification) == ("A", "B")


def test_the_scorecard_shows_each_component(client, login, make, set_11):
    campaign = _group(make, set_11)
    login(make.user("admin"))
    html = client.get(f"/scorecards/{campaign.id}/P02?live=1").get_data(as_text=True)
    assert "<dt>Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)</dt>" in html
    assert '<dd class="component-points" data-component="sipas">8 / 10 (80%)</dd>' in html
    assert 'data-component="impact">12,5 / 12,5 (100%)</dd>' in html


def test_the_criteria_set_page_lists_its_components(client, login, make):
    login(make.user("viewer"))
    text = client.get("/criteria-sets/province-2020/1.1.0").get_data(as_text=True)
    assert "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) (8.1; tối đa 10)" in text
    assert "Tác động của CCHC đến phát triển kinh tế – xã hội (8.2.1, 8.2.2, 8.3, 8.4.1, 8.5, " \
           "8.6; tối đa 12,5; chưa đối chiếu)" in text
    assert 'class="components"' not in client.get(
        "/criteria-sets/province-2020/1.0.0").get_data(as_text=True)


def test_the_about_sheet_names_a_band_minimum_by_the_components_label(set_11):
    from server.results.exports.ranking_workbook import band_text

    band = Band("Tốt", Decimal(80), (("sipas", Decimal(70)), ("self", Decimal(85))))
    assert band_text(band, set_11.components) == (
        "Tốt: chỉ số từ 80%; Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) từ 70%; "
        "phần thẩm định từ 85%")
