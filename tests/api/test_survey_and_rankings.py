"""Survey import and rankings over the API: administrators only, problem+json refusals."""

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from server.engine.decimals import round_half_up
from server.extensions import db
from server.models import Answer, Job
from server.results.exports.ranking_workbook import SUMMARY
from server.results.ranking import rank_group
from server.table_files import MAX_INFLATED_BYTES
from tests.ranking_data import full_answers, write_answers


@pytest.fixture
def campaign(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    for code, drop in (("P01", 0), ("P02", 12)):
        unit = make.unit(code, level="province", group="province")
        values = {c: v for c, v in full_answers(criteria_set, drop).items()
                  if criteria_set.leaf(c).source == "self"}
        write_answers(make.assessment(campaign, unit), criteria_set, values)
    campaign.survey_leaf = next(leaf for leaf in criteria_set.leaves()
                                if leaf.source == "survey")
    return campaign


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _upload(client, campaign_id, headers, content, name="ket-qua.csv"):
    return client.post(f"/api/v1/campaigns/{campaign_id}/survey-import", headers=headers,
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_admin_imports_then_ranking_reflects_it(client, campaign, admin_headers):
    code = campaign.survey_leaf.code
    content = f"Mã đơn vị;Mã tiêu chí;Điểm\nP02;{code};0,25\n".encode()
    response = _upload(client, campaign.id, admin_headers, content)
    # A job imports it (run at once in the tests; tests/jobs runs a real worker).
    assert response.status_code == 202, response.get_json()
    job = client.get(response.headers["Location"], headers=admin_headers).get_json()
    assert (job["state"], job["progress"]["done"]) == ("done", 1)
    body = client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=province",
                      headers=admin_headers).get_json()
    expected = rank_group(campaign, "province").rows
    assert [(r["unit_code"], r["rank"], r["index"], r["survey_points"]) for r in body["rows"]] \
        == [(r.unit_code, r.rank, format(r.index, "f"),
            format(round_half_up(r.result.survey_points), "f"))
            for r in expected]
    assert body["rows"][1]["survey_points"] == "0.25"
    # Points, totals and indices in one form: two decimals, whatever the value.
    figures = [row[key] for row in body["rows"] for key in (
        "total", "self_points", "survey_points", "max_points", "index")]
    figures += [d[key] for row in body["rows"] for d in row["domains"]
                for key in ("points", "max_points", "sub_index")]
    assert all(re.fullmatch(r"-?\d+\.\d\d", figure) for figure in figures if figure), figures
    assert body["tie_rule"] == {"compare": "unrounded", "ranks": "shared"}


def test_bad_rows_fail_the_job_listing_each(client, campaign, admin_headers):
    code = campaign.survey_leaf.code
    content = f"a;b;c\nP01;{code};x\nNOPE;{code};0\n".encode()
    response = _upload(client, campaign.id, admin_headers, content)
    assert response.status_code == 202
    job = client.get(response.headers["Location"], headers=admin_headers).get_json()
    assert (job["state"], job["attempts"]) == ("failed", 1)  # a retry would not help
    assert job["error"].splitlines()[1:] == [
        "row 2: not_a_number: 'x' is not a number", "row 3: unknown_unit: unknown unit 'NOPE'"]
    assert db.session.scalars(select(Answer).where(Answer.source == "survey")).all() == []


def test_a_file_too_large_or_of_another_kind_is_refused_before_it_is_queued(
        client, campaign, admin_headers):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_INFLATED_BYTES + 1))
    response = _upload(client, campaign.id, admin_headers, bomb.getvalue(), name="bomb.xlsx")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["kind"] == "too_large"
    response = _upload(client, campaign.id, admin_headers, b"x", name="ket-qua.ods")
    assert response.status_code == 422
    assert db.session.scalars(select(Job)).all() == []


def test_missing_file_and_missing_group(client, campaign, admin_headers):
    response = client.post(f"/api/v1/campaigns/{campaign.id}/survey-import",
                           headers=admin_headers)
    assert response.status_code == 422
    response = client.get(f"/api/v1/campaigns/{campaign.id}/ranking", headers=admin_headers)
    assert response.status_code == 422
    response = client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=nope",
                          headers=admin_headers)
    assert response.status_code == 404
    response = client.get("/api/v1/campaigns/999/ranking?group=province", headers=admin_headers)
    assert response.status_code == 404


def test_workbook_download(client, campaign, admin_headers):
    response = client.get(f"/api/v1/campaigns/{campaign.id}/ranking.xlsx?group=province",
                          headers=admin_headers)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(book[SUMMARY].iter_rows(min_row=2, values_only=True))
    expected = rank_group(campaign, "province").rows
    assert [(r[0], r[1]) for r in rows] == [(r.rank, r.unit_code) for r in expected]
    template = client.get(f"/api/v1/campaigns/{campaign.id}/survey-template.xlsx",
                          headers=admin_headers)
    assert template.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0]["A2"].value == "P01"


@pytest.mark.parametrize("role", ["unit_editor", "unit_head", "reviewer", "viewer"])
def test_others_are_refused(client, make, token_for, campaign, role):
    unit = make.unit(level="province", group="province") if role.startswith("unit_") else None
    headers = token_for(make.user(role, unit=unit))
    code = campaign.survey_leaf.code
    response = _upload(client, campaign.id, headers, f"a;b;c\nP01;{code};0\n".encode())
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    for path in ("ranking?group=province", "ranking.xlsx?group=province",
                 "survey-template.xlsx"):
        assert client.get(f"/api/v1/campaigns/{campaign.id}/{path}",
                          headers=headers).status_code == 403


def test_no_token_is_401(client, campaign):
    assert client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=province"
                      ).status_code == 401
    assert _upload(client, campaign.id, {}, b"a;b;c\n").status_code == 401
