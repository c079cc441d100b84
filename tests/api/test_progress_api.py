"""/api/v1/campaigns/<id>/progress and progress.xlsx: the grid as JSON and as a workbook with
the same rows and filters; refusals as problem+json naming the field."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from server.appraisal import decisions as ap
from server.appraisal.progress import (
    STATE_LABELS,
    ProgressFilters,
    ProgressScope,
    campaign_progress,
)
from server.assessment import self_assessment as sa
from server.config import LOCAL_TIME
from server.extensions import db
from server.models import ReviewerAssignment


@pytest.fixture
def world(make):
    now = datetime.now(UTC)
    campaign = make.campaign(self_assessment_deadline=now + timedelta(days=3),
                             appraisal_deadline=now - timedelta(days=1))
    qb = make.unit("QB", name="UBND tỉnh Quảng Bình", level="province")
    make.unit("HN", name="UBND thành phố Hà Nội", level="province")
    assessment = make.assessment(campaign, qb)
    sa.save_answers(assessment, make.user("unit_editor", qb),
                    {"1.1.1": {"value": "timely"}, "2.2.1": {"value": "timely"}})
    assessment.state = "in_appraisal"
    db.session.commit()
    admin = make.user("admin")
    ap.appraise(assessment, admin, "1.1.1", "adjust", value="late", reason="Muộn")
    return {"campaign": campaign, "admin": admin, "assessment": assessment,
            "url": f"/api/v1/campaigns/{campaign.id}/progress"}


def test_admin_reads_every_unit_with_totals(client, world, token_for):
    headers = token_for(world["admin"])
    response = client.get(world["url"], query_string={"points": "1"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["totals"]["in_appraisal"] == 1 and body["totals"]["not_started"] == 1
    assert body["overdue"] == 1  # QB: the appraisal deadline passed
    hn, qb = body["rows"]
    assert (hn["unit"]["code"], hn["state"], hn["assessment_id"]) == ("HN", "not_started", None)
    assert qb["unit"]["code"] == "QB" and qb["assessment_id"] == world["assessment"].id
    assert qb["self_assessment"]["answered"] == 2
    assert qb["appraisal"]["adjusted"] == 1 and qb["appraisal"]["accepted"] == 0
    assert (qb["overdue"], qb["overdue_reason"]) == (True, "appraisal")
    assert qb["points"]["appraised"] is not None
    assert float(qb["points"]["appraised"]) < float(qb["points"]["self"])
    assert hn["points"] == {"self": None, "appraised": None}
    unscored = client.get(world["url"], headers=headers).get_json()["rows"]
    assert "points" not in unscored[1] and unscored[1]["appraisal"] == qb["appraisal"]


def test_filters(client, world, token_for):
    headers = token_for(world["admin"])
    body = client.get(world["url"], query_string={"state": "not_started"},
                      headers=headers).get_json()
    assert [r["unit"]["code"] for r in body["rows"]] == ["HN"]
    assert body["filters"] == {"state": "not_started"}
    body = client.get(world["url"], query_string={"overdue": "1", "q": "quảng"},
                      headers=headers).get_json()
    assert [r["unit"]["code"] for r in body["rows"]] == ["QB"]


@pytest.mark.parametrize("query, fields", [
    ({"state": "lost"}, ["state"]),
    ({"group": "planet", "overdue": "maybe"}, ["group", "overdue"]),
])
def test_bad_filters_answer_422_naming_the_field(client, world, token_for, query, fields):
    for url in (world["url"], world["url"] + ".xlsx"):
        response = client.get(url, query_string=query, headers=token_for(world["admin"]))
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert [e["field"] for e in response.get_json()["errors"]] == fields


def test_refusals(client, world, make, token_for):
    assert client.get(world["url"]).status_code == 401
    assert client.get(world["url"] + ".xlsx").status_code == 401
    assert client.get("/api/v1/campaigns/999/progress",
                      headers=token_for(world["admin"])).status_code == 404
    for user in (make.user("viewer"), make.user("reviewer"),
                 make.user("unit_head", world["assessment"].unit)):
        headers = token_for(user)
        for url in (world["url"], world["url"] + ".xlsx"):
            response = client.get(url, headers=headers)
            assert response.status_code == 403
            assert response.mimetype == "application/problem+json"


def test_an_assigned_reviewer_sees_their_domains(client, world, make, token_for):
    reviewer = make.user("reviewer")
    db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id,
                                      reviewer_id=reviewer.id, domains=["2"]))
    db.session.commit()
    body = client.get(world["url"], headers=token_for(reviewer)).get_json()
    qb = body["rows"][1]
    assert qb["self_assessment"]["answered"] == 1  # 2.2.1 only
    assert qb["appraisal"]["adjusted"] == 0  # the adjustment is in domain 1


def test_workbook_has_the_same_rows_as_the_engine(client, world, token_for):
    auth = token_for(world["admin"])
    response = client.get(world["url"] + ".xlsx", query_string={"group": "province",
                                                                "points": "1"}, headers=auth)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "tien-do-2021.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tiến độ", "Tổng hợp"]
    sheet = book["Tiến độ"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:P3"
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Mã đơn vị", "Đơn vị", "Nhóm đơn vị", "Trạng thái"]
    got = {row[0]: dict(zip(headers, row, strict=True))
           for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = campaign_progress(world["campaign"], ProgressScope(None),
                                 ProgressFilters(points=True)).rows
    assert list(got) == [row.unit_code for row in expected]
    for row in expected:
        line = got[row.unit_code]
        assert line["Trạng thái"] == str(STATE_LABELS[row.state])
        assert (line["TCTP đã tự đánh giá"], line["Tổng số TCTP tự đánh giá"]) == (
            row.answered, row.items)
        assert (line["Chưa thẩm định"], line["Chấp nhận"], line["Điều chỉnh"],
                line["Yêu cầu giải trình"], line["Đơn vị sửa sau khi thẩm định"]) == (
            row.pending, row.accepted, row.adjusted, row.asked, row.changed_since_appraisal)
        for header, value in (("Điểm tự đánh giá", row.self_points),
                              ("Điểm thẩm định", row.appraised_points)):
            assert line[header] == (None if value is None else float(value))
        assert line["Quá hạn"] == ("Có" if row.overdue else "Không")
        assert line["Hạn (giờ Việt Nam)"] == (
            row.deadline.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")
            if row.deadline else None)
    assert got["QB"]["Lý do quá hạn"] == "Quá thời hạn thẩm định"
    totals = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert totals["Đang thẩm định"] == 1 and totals["Chưa bắt đầu"] == 1
    assert totals["Quá hạn"] == 1 and totals["Nhóm đơn vị"] == "UBND cấp tỉnh"
    assert totals["Kèm điểm"] == "Có"
    response = client.get(world["url"] + ".xlsx", headers=auth)
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Tiến độ"]
    assert "Điểm thẩm định" not in [c.value for c in sheet[1]]
    assert sheet.auto_filter.ref == "A1:N3"


def test_the_openapi_document_lists_the_grid_and_its_filters(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/campaigns/{campaign_id}/progress",
                 "/api/v1/campaigns/{campaign_id}/progress.xlsx"):
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"group", "state", "overdue", "q", "points"} <= names
