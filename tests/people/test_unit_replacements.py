"""A unit names the units it replaces (mergers): through the API, the import file, the CLI and the
admin page; unknown codes, the unit itself and cycles are refused, naming the field or row."""

import io

import openpyxl
import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Unit
from server.people.units import HEADERS
from tests.helpers import csrf_token
from tests.people.test_units import _imported, _job, _xlsx

OLD = [("XA", "Xã A", "commune", "commune", "", ""),
       ("XB", "Xã B", "commune", "commune", "", ""),
       ("XC", "Xã C", "commune", "commune", "", "")]


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _predecessors(code):
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    return [other.code for other in unit.predecessors]


def test_api_sets_replaces_and_refuses_bad_codes(client, admin_headers):
    assert _imported(client, admin_headers, _xlsx(OLD))["created"] == len(OLD)
    body = {"code": "XM", "name": "Xã Mới", "level": "commune", "group": "commune",
            "replaces": ["XC", "XA", "XB"]}
    response = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert response.status_code == 201, response.json
    assert response.json["replaces"] == ["XA", "XB", "XC"]
    assert _predecessors("XM") == ["XA", "XB", "XC"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.created")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["replaces"] == ["XA", "XB", "XC"]
    for replaces, message in ((["XA", "NOPE"], "không có đơn vị 'NOPE'"),
                              (["XM"], "đơn vị không thể thay thế chính nó")):
        response = client.patch("/api/v1/units/XM", json={"replaces": replaces},
                                headers=admin_headers)
        assert response.status_code == 422
        assert response.json["errors"] == [{"field": "replaces", "message": message}]
    response = client.patch("/api/v1/units/XM", json={"replaces": []}, headers=admin_headers)
    assert response.status_code == 200 and response.json["replaces"] == []
    client.patch("/api/v1/units/XM", json={"replaces": ["XA"]}, headers=admin_headers)
    # XA replacing XM would make a cycle.
    response = client.patch("/api/v1/units/XA", json={"replaces": ["XM"]},
                            headers=admin_headers)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "replaces", "message": "XM đã thay thế XA "
                                        "(trực tiếp hoặc qua đơn vị khác)"}]
    assert _predecessors("XA") == [] and _predecessors("XM") == ["XA"]
    # Other fields leave the replacements as they are.
    client.patch("/api/v1/units/XM", json={"name": "Xã Mới Đổi"}, headers=admin_headers)
    assert _predecessors("XM") == ["XA"]


def test_import_reads_the_replaces_column_and_reports_bad_rows(client, admin_headers):
    rows = [*OLD, ("XM", "Xã Mới", "commune", "commune", "", "XA, XB; XC")]
    _imported(client, admin_headers, _xlsx(rows))
    assert _predecessors("XM") == ["XA", "XB", "XC"]
    bad = [("XM", "Xã Mới", "commune", "commune", "", "XA; XZ"),
           ("XN", "Xã N", "commune", "commune", "", "XN"),
           ("XP", "Xã P", "commune", "commune", "", "XQ"),
           ("XQ", "Xã Q", "commune", "commune", "", "XP")]
    job = _job(client, admin_headers, _xlsx(bad))  # fails at once, naming every row
    assert job["state"] == "failed"
    assert [(e["row"], e["kind"]) for e in job["problems"]] == [
        (2, "unknown_unit"), (3, "replaces_itself"), (4, "replacement_cycle"),
        (5, "replacement_cycle")]
    assert all(e["message"].startswith(f"{HEADERS[5]}: ") for e in job["problems"])
    assert _predecessors("XM") == ["XA", "XB", "XC"]
    export = client.get("/api/v1/units.xlsx", headers=admin_headers)
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).worksheets[0]
    assert [c.value for c in sheet[1]][5] == "Thay thế các đơn vị"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["XM"][5] == "XA; XB; XC"
    # The export imports back unchanged.
    _imported(client, admin_headers, export.data)
    assert _predecessors("XM") == ["XA", "XB", "XC"]


def test_a_csv_with_semicolons_keeps_the_codes_in_quotes(client, admin_headers):
    content = ("Mã đơn vị;Tên đơn vị;Cấp;Nhóm xếp hạng;Mã đơn vị cấp trên;Thay thế các đơn vị\n"
               "XA;Xã A;commune;commune;;\nXB;Xã B;commune;commune;;\n"
               'XM;Xã Mới;commune;commune;;"XA;XB"\n').encode()
    _imported(client, admin_headers, content, "don-vi.csv")
    assert _predecessors("XM") == ["XA", "XB"]


def test_cli_sets_and_lists_replacements(app, make):
    for code, name, *_rest in OLD:
        make.unit(code, name=name, level="commune")
    make.unit("XM", name="Xã Mới", level="commune")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["parindex", "units", "replaces", "XM", "XA,XB;XC"])
    assert result.exit_code == 0, result.output
    assert "XM replaces XA, XB, XC" in result.output
    assert "Xã Mới  (replaces XA, XB, XC)" in runner.invoke(
        args=["parindex", "units", "list"]).output
    result = runner.invoke(args=["parindex", "units", "replaces", "XA", "XM"])
    assert result.exit_code == 1 and "replaces:" in result.output
    result = runner.invoke(args=["parindex", "units", "replaces", "XM"])
    assert result.exit_code == 0 and "XM replaces no unit" in result.output


def test_the_admin_page_edits_replacements(client, make, login):
    for code, name, *_rest in OLD:
        make.unit(code, name=name, level="commune")
    make.unit("XM", name="Xã Mới", level="commune")
    login(make.user("admin"))
    page = client.get("/admin/units?edit=XM")
    form = {"editing": "XM", "code": "XM", "name": "Xã Mới", "level": "commune",
            "group": "commune", "parent_code": "", "csrf_token": csrf_token(page)}
    response = client.post("/admin/units", data={**form, "replaces": "XA; XZ"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'value="XA; XZ"' in text and "XZ" in text.split('id="replaces-help"')[1]
    response = client.post("/admin/units", data={**form, "replaces": "XA, XB, XC"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert _predecessors("XM") == ["XA", "XB", "XC"]
    text = client.get("/admin/units?edit=XM").get_data(as_text=True)
    assert 'value="XA; XB; XC"' in text
    assert '<td class="replaces">XA, XB, XC</td>' in text
