"""A past year's published results through the API, the CLI and the admin page."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Publication
from server.results.publications import latest_publication
from tests.cli.test_commands import run
from tests.helpers import csrf_token
from tests.imported_data import HEADER, ROWS, old_communes, table_csv

FORM = {"year": "2024", "group": "commune", "criteria_set": "province-2020@1.0.0",
        "source": "Quyết định số 512/QĐ-UBND", "tie_compare": "unrounded",
        "tie_ranks": "shared"}


def _upload(client, headers, content=None, **fields):
    data = {**FORM, **fields, "file": (io.BytesIO(content or table_csv()), "kq-2024.csv")}
    return client.post("/api/v1/publications/import", data=data, headers=headers,
                       content_type="multipart/form-data")


def _count():
    return db.session.scalar(select(func.count()).select_from(Publication))


def test_api_imports_and_the_publication_says_so(client, make, token_for):
    old_communes(make)
    admin = token_for(make.user("admin"))
    response = _upload(client, admin)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["imported"] is True and body["source"] == "Quyết định số 512/QĐ-UBND"
    assert body["number"] == 1 and body["engine_version"] == "imported"
    read = client.get(f"/api/v1/publications/{body['id']}",
                      headers=token_for(make.user("viewer"))).get_json()
    assert [row["rank"] for row in read["ranking"]["rows"]] == [1, 2, 3]
    listed = client.get(f"/api/v1/campaigns/{body['campaign_id']}/publications",
                        headers=admin).get_json()["publications"]
    assert [(p["imported"], p["source"]) for p in listed] == [(True, "Quyết định số 512/QĐ-UBND")]
    drift = client.get(f"/api/v1/publications/{body['id']}/drift", headers=admin).get_json()
    assert drift["correction_due"] is False
    # Publishing over it is refused; importing again needs a reason.
    response = client.post(f"/api/v1/campaigns/{body['campaign_id']}/publications",
                           json={"group": "commune", "reason": "x"}, headers=admin)
    assert response.status_code == 409 and response.get_json()["errors"][0]["field"] == "group"
    response = _upload(client, admin)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "reason", "message": response.get_json()[
        "errors"][0]["message"]}]


def test_api_refusals(client, make, token_for):
    old_communes(make)
    assert _upload(client, {}).status_code == 401
    assert _upload(client, token_for(make.user("reviewer"))).status_code == 403
    admin = token_for(make.user("admin"))
    response = _upload(client, admin, year="năm ngoái")
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "year"
    response = _upload(client, admin, criteria_set="province-2020")
    assert response.get_json()["errors"][0]["field"] == "criteria_set"
    bad = dict(ROWS)
    bad["XB"] = (["6", "5", "8", "6", "8", "5,5", "8", "10,5"], "28", "86", "86", "2")
    response = _upload(client, admin, table_csv(bad))
    assert response.status_code == 422
    assert [(e["row"], e["kind"]) for e in response.get_json()["errors"]] == [
        (3, "total_mismatch")]
    assert response.get_json()["errors"][0]["field"] == "row 3"
    response = client.post("/api/v1/publications/import", data=FORM, headers=admin,
                           content_type="multipart/form-data")
    assert response.get_json()["errors"] == [{"field": "file", "message": "missing"}]
    assert _count() == 0


def test_api_template(client, make, token_for):
    url = "/api/v1/publications/import-template.xlsx?criteria_set=province-2020@1.0.0"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=token_for(make.user("viewer"))).status_code == 403
    admin = token_for(make.user("admin"))
    response = client.get(url, headers=admin)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in sheet[1]][:10] == HEADER[:10]
    response = client.get(url.replace("@1.0.0", ""), headers=admin)
    assert response.status_code == 422


@pytest.mark.parametrize("year", ["7³", "２０２４", "20245", ""])
def test_a_year_that_is_not_four_digits_is_refused_naming_it(client, make, token_for, year):
    # "7³" passed str.isdigit() and ended in a 500 (found by the OpenAPI conformance run).
    response = _upload(client, token_for(make.user("admin")), year=year)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "year",
                                              "message": "must be a year such as 2024"}]
    assert _count() == 0


def test_cli_imports_and_lists(app, make, tmp_path):
    old_communes(make)
    make.user("admin", username="snv")
    template = tmp_path / "mau.xlsx"
    result = run(app, "publications", "import-template", str(template),
                 "--criteria-set", "province-2020@1.0.0")
    assert result.exit_code == 0, result.output
    assert template.exists()
    file = tmp_path / "kq.csv"
    file.write_bytes(table_csv())
    args = ["publications", "import", str(file), "--year", "2024", "--group", "commune",
            "--criteria-set", "province-2020@1.0.0", "--source", "Quyết định số 512/QĐ-UBND",
            "--tie-compare", "unrounded", "--tie-ranks", "shared"]
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    assert "imported from Quyết định số 512/QĐ-UBND: 3 units" in result.output
    publication = db.session.scalars(select(Publication)).one()
    result = run(app, "publications", str(publication.campaign_id), "commune")
    assert result.exit_code == 0 and "number 1" in result.output
    assert "imported from the published results (Quyết định số 512/QĐ-UBND)" in result.output
    result = run(app, *args)  # again, without a reason
    assert result.exit_code == 1 and "reason:" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(table_csv().replace(b"XC;", b"XZ;"))
    result = run(app, *[str(bad) if a == str(file) else a for a in args], "--reason", "x")
    assert result.exit_code == 1
    assert "row 4: unknown_unit: Mã đơn vị:" in result.output
    assert latest_publication(publication.campaign_id, "commune").number == 1


def test_the_admin_page_imports_and_marks_it(app, client, make, login):
    old_communes(make)
    login(make.user("admin"))
    page = client.get("/admin/publications")
    assert page.status_code == 200 and 'id="import-results"' in page.get_data(as_text=True)
    template = client.get("/admin/publications/import-template.xlsx"
                          "?criteria_set=province-2020@1.0.0")
    assert template.status_code == 200
    bad = dict(ROWS)
    bad["XA"] = (["6,5", "5", "9", "6", "8", "6", "8,5", "11"], "30", "90", "9O", "1")
    data = {**FORM, "csrf_token": csrf_token(page),
            "file": (io.BytesIO(table_csv(bad)), "kq.csv")}
    response = client.post("/admin/publications/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'class="row-problem"><td>2</td><td>Chỉ số CCHC (%): ' in text
    assert 'value="Quyết định số 512/QĐ-UBND"' in text  # what was typed stays
    data = {**FORM, "source": "", "csrf_token": csrf_token(page),
            "file": (io.BytesIO(table_csv()), "kq.csv")}
    response = client.post("/admin/publications/import", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 422 and _count() == 0
    data = {**FORM, "csrf_token": csrf_token(page),
            "file": (io.BytesIO(table_csv()), "kq.csv")}
    response = client.post("/admin/publications/import", data=data,
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'class="imported-note"' in text and "Quyết định số 512/QĐ-UBND" in text
    assert 'name="confirm"' not in text.split('id="group-commune"')[1].split("</section>")[0]
    publication = db.session.scalars(select(Publication)).one()
    ranking = client.get(f"/rankings/{publication.campaign_id}/commune")
    text = ranking.get_data(as_text=True)
    assert ranking.status_code == 200 and 'class="imported-note"' in text
    assert "Quyết định số 512/QĐ-UBND" in text
    card = client.get(f"/scorecards/{publication.campaign_id}/XB")
    text = card.get_data(as_text=True)
    assert card.status_code == 200 and 'class="imported-note"' in text
    assert '<dd class="rank">' in text and "85" in text.split('<dd class="index">')[1][:10]
    public = client.get(f"/public/{publication.campaign_id}/commune")
    assert "Quyết định số 512/QĐ-UBND" in public.get_data(as_text=True)
    workbook = client.get(f"/rankings/{publication.campaign_id}/commune/workbook.xlsx")
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["Tổng hợp", "Thông tin"]


def test_the_import_page_is_for_administrators(client, make, login):
    login(make.user("reviewer"))
    token = csrf_token(client.get("/rankings"))
    assert client.post("/admin/publications/import",
                       data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/publications/import-template.xlsx"
                      "?criteria_set=province-2020@1.0.0").status_code == 403
