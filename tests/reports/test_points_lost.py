"""The points-lost report of a unit and of a group, against last year through the carry-over map
(the 2024 set renumbered domain 1), read with a fixed number of statements."""

from decimal import Decimal

import pytest

from server.engine.losses import IMPROVED, NEW, REPEATED
from server.extensions import db
from server.results.points_lost import group_points_lost, unit_points_lost
from server.results.ranking import RankingError
from tests.helpers import count_statements
from tests.reports.sets import (  # noqa: F401  (report_sets is a fixture)
    ANSWERS_2024,
    build_scenario,
    report_sets,
    write_answers,
)

D = Decimal


@pytest.fixture
def scenario(make, report_sets):  # noqa: F811
    return build_scenario(make, report_sets)


def test_unit_lines_with_last_year_through_the_carry_over_map(scenario):
    report = unit_points_lost(scenario["assessments"]["X1"])
    assert report.previous.year == 2023
    assert report.previous.campaign_id == scenario["last_year"].id  # the latest of 2023
    assert report.previous.comparable
    lines = {line.code: line for line in report.lines}
    assert [(c, lines[c].lost, lines[c].previous_lost, lines[c].status) for c in lines] == [
        ("1.1.1", D("0.5"), D(0), NEW),        # the appraisal lowered it; full last year
        ("1.1.2", D(1), D("0.5"), REPEATED),   # old 1.1.3 (0.5) + old 1.1.4 (0) carried here
        ("1.1.3", D(0), D(1), IMPROVED),       # old 1.1.2 lost 1; full now
        ("1.1.5", D(1), None, NEW),            # a new item
        ("2.1.2", D("0.5"), None, NEW),        # not applicable last year
        ("2.2", D(0), D(1), IMPROVED),         # a survey item
    ]
    assert lines["1.1.2"].previous_codes == ("1.1.3", "1.1.4")
    assert lines["1.1.1"].appraised and lines["1.1.1"].points == D("0.5")
    assert lines["1.1.1"].reason == "Ban hành kế hoạch chậm"
    assert lines["1.1.5"].explanation == "Chưa có sáng kiến"
    assert lines["1.1.1"].responsible_agency == "Phòng Nội vụ"
    assert lines["2.2"].responsible_agency == "Phòng Tư pháp"
    assert lines["2.2"].source == "survey"
    # 2.1.1 only has a question: the self score (full) still counts, so nothing is lost there.
    assert "2.1.1" not in lines
    assert report.total_lost == D("3") == report.result.max_points - report.result.total
    assert report.previous_total_lost == D("2.5")


def test_a_unit_new_this_year_has_no_comparison(scenario):
    report = unit_points_lost(scenario["assessments"]["X3"])
    assert report.previous is None
    assert {line.code: (line.lost, line.status) for line in report.lines} == {
        "1.1.1": (D(1), None), "2.2": (D(3), None)}
    assert report.to_dict()["lines"][1] == {
        "code": "2.2", "title": "Người dân đánh giá", "domain": "2",
        "responsible_agency": "Phòng Tư pháp", "source": "survey", "max_points": "3",
        "points": "0", "lost": "3", "appraised": False, "explanation": "", "reason": "",
        "previous_lost": None, "previous_codes": [], "status": None}


def test_group_items_domains_and_agencies_against_last_year(scenario):
    report = group_points_lost(scenario["this_year"], "commune")
    assert (report.units, report.previous_units) == (3, 2)
    got = {i.code: (i.units_assessed, i.units_lost, i.total_lost, i.average_lost,
                    i.previous_units_lost, i.previous_total_lost, i.previous_average_lost,
                    i.status) for i in report.items}
    assert got == {
        "1.1.1": (3, 2, D("1.5"), D("0.50"), 0, D(0), D("0.00"), NEW),
        "1.1.2": (3, 1, D(1), D("0.33"), 1, D("0.5"), D("0.25"), REPEATED),
        "1.1.3": (3, 0, D(0), D("0.00"), 1, D(1), D("0.50"), IMPROVED),
        "1.1.5": (3, 1, D(1), D("0.33"), None, None, None, NEW),
        "2.1.1": (3, 1, D(1), D("0.33"), 0, D(0), D("0.00"), NEW),
        "2.1.2": (2, 1, D("0.5"), D("0.25"), 0, D(0), D("0.00"), NEW),  # X3 not applicable
        "2.2": (3, 1, D(3), D("1.00"), 1, D(1), D("0.50"), REPEATED),
    }
    assert [(d.key, d.items_lost, d.total_lost, d.previous_total_lost)
            for d in report.domains] == [("1", 3, D("3.5"), D("1.5")),
                                         ("2", 3, D("4.5"), D(1))]
    assert [(a.key, a.total_lost) for a in report.agencies] == [
        ("Phòng Nội vụ", D("3.5")), ("Phòng Tư pháp", D("4.5"))]
    body = report.to_dict()
    assert body["previous"]["criteria_set"] == "xa-bao-cao@1.0.0"
    assert body["items"][1]["previous_codes"] == ["1.1.3", "1.1.4"]


def test_no_previous_year_and_an_unknown_group(scenario):
    report = group_points_lost(scenario["last_year"], "commune")
    assert report.previous is None and report.previous_units is None
    assert all(item.status in (NEW, None) for item in report.items)
    with pytest.raises(RankingError):
        group_points_lost(scenario["this_year"], "district")


def test_statement_count_does_not_grow_with_units(scenario, make, report_sets):  # noqa: F811
    campaign = scenario["this_year"]
    db.session.expire_all()
    few = count_statements(lambda: group_points_lost(campaign, "commune"))
    for n in range(4, 12):
        unit = make.unit(f"X{n}", level="commune")
        assessment = make.assessment(campaign, unit)
        write_answers(assessment, report_sets["2.0.0"], ANSWERS_2024["X2"])
    db.session.expire_all()
    many = count_statements(lambda: group_points_lost(campaign, "commune"))
    assert group_points_lost(campaign, "commune").units == 11
    assert many == few <= 10  # each year's exclusions: one statement a year
    db.session.expire_all()
    # The dossier with its campaign and unit, its answers and exclusions, last year's campaign,
    # dossier, answers and exclusions, and the units it replaces (none here).
    assert count_statements(lambda: unit_points_lost(scenario["assessments"]["X1"])) <= 11
