"""Importing a past year's published table as a read-only, imported publication."""

from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Campaign, Publication
from server.results.imported import (
    ImportedResultsError,
    find_criteria_set,
    import_results,
    write_template,
)
from server.results.publication_status import drift, write_publication_workbook
from server.results.publications import PublicationError, frozen_scores, publish
from server.results.ranking import previous_indices
from tests.imported_data import HEADER, ROWS, import_request, old_communes, table_csv


@pytest.fixture
def admin(make):
    return make.user("admin", username="snv")


def _problems(error):
    return [(p.row, p.kind, p.message) for p in error.value.problems]


def test_import_creates_a_closed_campaign_and_an_imported_publication(app, make, admin):
    old_communes(make)
    publication = import_results(import_request(), "kq-2024.csv", table_csv(), admin)
    assert publication.imported and publication.number == 1
    campaign = db.session.get(Campaign, publication.campaign_id)
    assert (campaign.year, campaign.state) == (2024, "closed")
    pin = campaign.pin_for("commune")
    assert (pin.criteria_set_id, pin.criteria_set_version) == ("province-2020", "1.0.0")
    assert publication.tie_rule == {"compare": "unrounded", "ranks": "shared"}
    assert publication.results["imported"]["source"] == "Quyết định số 512/QĐ-UBND"
    rows = {row["unit_code"]: row for row in publication.results["ranking"]["rows"]}
    assert [r["unit_code"] for r in publication.results["ranking"]["rows"]] == ["XA", "XB", "XC"]
    assert (rows["XB"]["rank"], rows["XB"]["index"], rows["XB"]["total"],
            rows["XB"]["survey_points"], rows["XB"]["self_points"]) == (2, "85.00", "85.00",
                                                                         "28.00", "57.00")
    assert rows["XB"]["domains"][5] == {"code": "6", "points": "5.50", "max_points": "6.50",
                                        "sub_index": "84.62"}
    # The frozen result holds the table's figures only: domain nodes, no item scores.
    result = frozen_scores(publication, ["XA"])["XA"]
    assert {node.level for node in result.nodes.values()} == {"domain"}
    assert result.trace == () and result.nodes["7"].points == Decimal("8.5")
    assert (result.total, result.index, result.survey_points) == (Decimal(90), Decimal("90.00"),
                                                                  Decimal(30))
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "publication.imported")).one()
    assert event.after["units"] == 3 and event.after["source"] == "Quyết định số 512/QĐ-UBND"
    # The next year's ranking compares with it.
    nxt = make.campaign(2025, pins=(("commune", "province-2020", "1.0.0"),))
    assert previous_indices(nxt, "commune")["XC"] == Decimal("75.00")
    assert drift(publication)["correction_due"] is False


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(
        app, make, admin):
    old_communes(make)
    rows = {
        "XA": (["6,5", "5", "9", "6", "8", "6", "8,5", "11"], "30", "90", "90,00", "1"),
        "NOPE": (["1", "1", "1", "1", "1", "1", "1", "1"], "2", "10", "10", "2"),
        "XB": (["6", "5", "8", "6", "8", "5,5", "8", "abc"], "28", "85", "85,00", "2"),
    }
    content = table_csv(rows).decode() + "XA;again;" + ";".join(["1"] * 8) + ";0;8;8;4\n"
    content += "XC;Xã XC;7,5;4;7;5;7;5;7;10;25;77;75;3\n"
    with pytest.raises(ImportedResultsError) as error:
        import_results(import_request(), "kq.csv", content.encode(), admin)
    problems = _problems(error)
    assert [(row, kind) for row, kind, _m in problems] == [
        (3, "unknown_unit"), (4, "not_a_number"), (5, "duplicate"), (6, "above_max")]
    messages = {(row, kind): message for row, kind, message in problems}
    assert messages[(3, "unknown_unit")].startswith("Mã đơn vị:")
    assert messages[(4, "not_a_number")] == "Lĩnh vực 8: 'abc' không phải là số"
    assert messages[(5, "duplicate")] == "Mã đơn vị: 'XA' đã có ở dòng 2"
    assert messages[(6, "above_max")] == "Lĩnh vực 1: 7,5 vượt điểm tối đa 7"
    assert db.session.scalar(select(Publication.id)) is None
    assert db.session.scalar(select(Campaign.id)) is None


def test_totals_and_indices_must_add_up_within_a_hundredth(app, make, admin):
    old_communes(make)
    rows = dict(ROWS)
    rows["XA"] = (ROWS["XA"][0], "30", "90,01", "90,01", "1")  # within 0.01: accepted
    rows["XB"] = (ROWS["XB"][0], "28", "85,02", "85,02", "2")  # 0.02 off the sum
    rows["XC"] = (ROWS["XC"][0], "25", "75", "75,02", "3")  # index 0.02 off
    with pytest.raises(ImportedResultsError) as error:
        import_results(import_request(), "kq.csv", table_csv(rows), admin)
    assert [(row, kind) for row, kind, _m in _problems(error)] == [
        (3, "total_mismatch"), (4, "index_mismatch")]
    assert _problems(error)[0][2] == ("Tổng điểm: 85,02 không bằng tổng điểm các lĩnh vực và "
                                      "điểm ĐTXHH (85)")
    assert _problems(error)[1][2] == ("Chỉ số CCHC (%): 75,02 không bằng tổng điểm / điểm tối "
                                      "đa x 100 (75)")


def test_a_smaller_maximum_for_a_unit_changes_its_index(app, make, admin):
    old_communes(make)
    header = [*HEADER[:-2], "Điểm tối đa", *HEADER[-2:]]
    lines = [";".join(header), "XA;Xã A;" + ";".join(ROWS["XA"][0]) + ";30;90;95;94,74;1"]
    publication = import_results(import_request(), "kq.csv",
                                 ("\n".join(lines) + "\n").encode(), admin)
    row = publication.results["ranking"]["rows"][0]
    assert (row["max_points"], row["index"]) == ("95.00", "94.74")


def test_missing_column_and_wrong_template(app, make, admin):
    old_communes(make)
    with pytest.raises(ImportedResultsError) as error:
        import_results(import_request(criteria_set="department@1.0.0"), "kq.csv", table_csv(),
                       admin)
    # department has 7 domains: column "Lĩnh vực 8" is extra (ignored), the rest must fit
    # department's maxima.
    assert {kind for _row, kind, _m in _problems(error)} <= {"above_max", "total_mismatch"}
    header = [cell for cell in HEADER if cell != "Tổng điểm"]
    with pytest.raises(ImportedResultsError) as error:
        import_results(import_request(), "kq.csv", b";".join(h.encode() for h in header)
                       + b"\nXA\n", admin)
    assert _problems(error) == [(1, "missing_column", "thiếu cột 'Tổng điểm'; hãy dùng mẫu của "
                                 "bộ tiêu chí province-2020@1.0.0")]


def test_distinct_ranks_may_not_repeat(app, make, admin):
    old_communes(make)
    rows = dict(ROWS)
    rows["XB"] = (*ROWS["XB"][:4], "1")
    import_results(import_request(), "kq.csv", table_csv(rows), admin)  # shared: 1, 1, 3 is fine
    with pytest.raises(ImportedResultsError) as error:
        import_results(import_request(year=2023, tie_ranks="distinct"), "kq.csv",
                       table_csv(rows), admin)
    assert [(row, kind) for row, kind, _m in _problems(error)] == [(3, "duplicate_rank")]


@pytest.mark.parametrize(("override", "field", "status"), [
    ({"year": 1800}, "year", 422), ({"group": "nope"}, "group", 422),
    ({"criteria_set": "province-2020"}, "criteria_set", 422),
    ({"criteria_set": "nope@1"}, "criteria_set", 422), ({"source": " "}, "source", 422),
    ({"tie_compare": "x"}, "tie_rule.compare", 422), ({"tie_ranks": "x"}, "tie_rule.ranks", 422),
])
def test_refused_requests_name_the_field(app, make, admin, override, field, status):
    old_communes(make)
    with pytest.raises(PublicationError) as error:
        import_results(import_request(**override), "kq.csv", table_csv(), admin)
    assert (error.value.field, error.value.status) == (field, status)


def test_only_administrators_import(app, make):
    old_communes(make)
    with pytest.raises(PublicationError) as error:
        import_results(import_request(), "kq.csv", table_csv(), make.user("reviewer"))
    assert error.value.status == 403


def test_the_years_closed_campaign_is_reused_and_checked(app, make, admin):
    old_communes(make)
    closed = make.campaign(2024, state="closed", pins=(("province", "province-2020", "1.0.0"),))
    publication = import_results(import_request(), "kq.csv", table_csv(), admin)
    assert publication.campaign_id == closed.id
    assert closed.pin_for("commune").criteria_set_id == "province-2020"
    make.campaign(2022, state="closed", pins=(("commune", "commune", "1.0.0"),))
    with pytest.raises(PublicationError) as error:  # the group is pinned to another set
        import_results(import_request(year=2022), "kq.csv", table_csv(), admin)
    assert (error.value.field, error.value.status) == ("criteria_set", 409)
    make.campaign(2023, state="open", pins=())
    with pytest.raises(PublicationError) as error:
        import_results(import_request(year=2023), "kq.csv", table_csv(), admin)
    assert (error.value.field, error.value.status) == ("year", 409)


def test_a_group_run_in_parindex_is_not_imported_over(app, make, admin):
    units = old_communes(make)
    campaign = make.campaign(2024, state="closed",
                             pins=(("commune", "province-2020", "1.0.0"),))
    make.assessment(campaign, units[0])
    with pytest.raises(PublicationError) as error:
        import_results(import_request(), "kq.csv", table_csv(), admin)
    assert error.value.field == "group"


def test_importing_again_is_the_correction_and_publishing_is_refused(app, make, admin):
    old_communes(make)
    first = import_results(import_request(), "kq.csv", table_csv(), admin)
    with pytest.raises(PublicationError) as error:
        import_results(import_request(), "kq.csv", table_csv(), admin)
    assert (error.value.field, error.value.status) == ("reason", 422)
    with pytest.raises(PublicationError) as error:
        import_results(import_request(reason="Đính chính"), "kq.csv", table_csv(), admin)
    assert error.value.field == "file"
    rows = dict(ROWS)
    rows["XC"] = (["5", "4", "7", "5", "7", "5", "7", "10"], "26", "76", "76,00", "3")
    second = import_results(import_request(reason="Quyết định số 600/QĐ-UBND đính chính"),
                            "kq2.csv", table_csv(rows), admin)
    assert second.number == 2 and second.imported
    assert {(c["unit_code"], c["field"]) for c in second.changes} == {("XC", "total"),
                                                                      ("XC", "index")}
    campaign = db.session.get(Campaign, first.campaign_id)
    with pytest.raises(PublicationError) as error:
        publish(campaign, "commune", admin, "x")
    assert error.value.field == "group" and "nhập lại bảng đã sửa" in str(error.value)


def test_template_and_workbook_name_the_source(app, make, admin, tmp_path):
    old_communes(make)
    path = tmp_path / "mau.xlsx"
    write_template(find_criteria_set("province-2020@1.0.0"), str(path))
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book.worksheets[0][1]] == [*HEADER[:-2], "Điểm tối đa",
                                                        *HEADER[-2:]]
    guide = {row[0].value: row[1].value for row in book["Hướng dẫn"].iter_rows(min_row=2)}
    assert guide["Lĩnh vực 8"].endswith("(tối đa 12,5)")
    publication = import_results(import_request(), "kq.csv", table_csv(), admin)
    out = tmp_path / "kq.xlsx"
    write_publication_workbook(publication, str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Tổng hợp", "Thông tin"]
    about = {row[0].value: row[1].value for row in book["Thông tin"].iter_rows(min_row=2)}
    assert about["Nguồn số liệu"].startswith(
        "Nhập từ kết quả đã công bố: Quyết định số 512/QĐ-UBND")
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert summary[0][3] == "Lĩnh vực 1 (điểm thẩm định, tối đa 7)"
    assert summary[1][:3] == (1, "XA", "Xã XA") and summary[1][13] == 90


def test_a_snapshot_frozen_before_two_decimals_is_not_a_change():
    from server.results.publications import changes_between

    row = {"unit_code": "XA", "rank": 1, "ranked": True, "index": "82.00",
           "classification": "A", "domains": [{"code": "1", "points": "9.5"}]}
    before = {"rows": [{**row, "total": "82", "domains": [{"code": "1", "points": "9.5"}]}]}
    after = {"rows": [{**row, "total": "82.00", "domains": [{"code": "1", "points": "9.50"}]}]}
    assert changes_between(before, after) == []
    after["rows"][0]["total"] = "82.01"
    assert changes_between(before, after) == [
        {"unit_code": "XA", "field": "total", "before": "82", "after": "82.01"}]
