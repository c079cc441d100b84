"""Unit administration through the API and the CLI: create, edit, deactivate, import and export
the unit list, with every refusal naming its field or row, and nothing half-written."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Unit
from server.people.units import HEADERS
from tests.helpers import count_statements


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, headers, content, name="don-vi.xlsx"):
    return client.post("/api/v1/units/import", headers=headers,
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _job(client, headers, content, name="don-vi.xlsx"):
    """The import's job as its state route gives it (the tests' queue runs it at once)."""
    response = _upload(client, headers, content, name)
    assert response.status_code == 202, response.json
    assert response.headers["Location"] == f"/api/v1/jobs/{response.json['id']}"
    job = client.get(response.headers["Location"], headers=headers).json
    assert job["kind"] == "unit-import" and job["state"] in ("done", "failed"), job
    return job


def _imported(client, headers, content, name="don-vi.xlsx"):
    job = _job(client, headers, content, name)
    assert job["state"] == "done" and job["result_link"] == "/admin/units", job
    return job["result"]


def _codes():
    return db.session.scalars(select(Unit.code).order_by(Unit.code)).all()


PROVINCE = [("QB", "UBND tỉnh Quảng Bình", "province", "province", ""),
            ("SNV", "Sở Nội vụ", "department", "department", "QB"),
            ("STP", "Sở Tư pháp", "department", "department", "QB"),
            ("XA1", "UBND xã Đồng Hới", "commune", "commune", "QB")]


def test_the_template_downloads_then_a_filled_file_imports(client, admin_headers):
    template = client.get("/api/v1/units.xlsx?template=1", headers=admin_headers)
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == 1

    # Children before their parent in the file: the order does not matter.
    assert _imported(client, admin_headers, _xlsx(list(reversed(PROVINCE)))) == \
        {"created": 4, "updated": 0}
    assert _codes() == ["QB", "SNV", "STP", "XA1"]
    snv = db.session.scalar(select(Unit).where(Unit.code == "SNV"))
    assert snv.parent.code == "QB" and snv.group == "department"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "unit.created")) == 4

    exported = client.get("/api/v1/units.xlsx", headers=admin_headers)
    rows = list(openpyxl.load_workbook(io.BytesIO(exported.data)).worksheets[0]
                .iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [tuple(c or "" for c in r[:5]) for r in rows[1:]] == sorted(PROVINCE)


def test_importing_again_updates_by_code(client, admin_headers):
    _imported(client, admin_headers, _xlsx(PROVINCE))
    renamed = [("SNV", "Sở Nội vụ tỉnh Quảng Bình", "department", "department", "QB")]
    assert _imported(client, admin_headers, _xlsx(renamed)) == {"created": 0, "updated": 1}
    assert db.session.scalar(select(Unit.name).where(Unit.code == "SNV")) == \
        "Sở Nội vụ tỉnh Quảng Bình"


def test_a_csv_with_semicolons_imports(client, admin_headers):
    text = ";".join(HEADERS) + "\n" + "\n".join(";".join(row) for row in PROVINCE[:2])
    assert _imported(client, admin_headers, text.encode("utf-8-sig"), "don-vi.csv") == \
        {"created": 2, "updated": 0}
    assert _codes() == ["QB", "SNV"]


def test_every_bad_row_is_reported_and_nothing_is_written(client, admin_headers, make):
    make.unit("OLD", level="province", group="province")
    bad = [
        ("QB", "UBND tỉnh", "province", "province", ""),            # row 2: fine
        ("QB", "Trùng mã", "province", "province", ""),             # row 3: duplicate
        ("SNV", "", "department", "department", "QB"),              # row 4: empty name
        ("STC", "Sở Tài chính", "department", "ban-nganh", "QB"),   # row 5: unknown group
        ("XA1", "UBND xã", "commune", "commune", "HUYEN9"),         # row 6: unknown parent
        ("A", "A", "commune", "commune", "B"),                      # row 7: cycle
        ("B", "B", "commune", "commune", "A"),                      # row 8: cycle
        ("C D", "Mã có dấu cách", "commune", "commune", ""),        # row 9: space in code
        ("X", "Xã X", "xa", "commune", ""),                         # row 10: unknown level
    ]
    # The job fails at once (no retry can mend the file), naming every bad row.
    job = _job(client, admin_headers, _xlsx(bad))
    assert (job["state"], job["attempts"]) == ("failed", 1)
    problems = job["problems"]
    found = [(e["row"], e["kind"]) for e in problems]
    assert found == [(3, "duplicate"), (4, "missing_value"), (5, "unknown_group"),
                     (6, "unknown_parent"), (7, "parent_cycle"), (8, "parent_cycle"),
                     (9, "bad_code"), (10, "unknown_level")]
    assert all(f"row {row}:" in job["error"] for row, _kind in found)
    assert "Tên đơn vị" in problems[1]["message"]
    # The choices are named as people know them, with the code to type.
    assert "Sở, ban, ngành (department)" in problems[2]["message"]
    assert "UBND cấp xã (commune)" in problems[-1]["message"]
    assert _codes() == ["OLD"]


def test_unreadable_and_empty_files_are_refused(client, admin_headers):
    refused = _upload(client, admin_headers, b"not a workbook")  # refused before queueing
    assert refused.status_code == 422 and refused.json["errors"][0]["kind"] == "unreadable"
    assert _job(client, admin_headers, _xlsx([]))["problems"][0]["kind"] == "empty"
    response = client.post("/api/v1/units/import", headers=admin_headers, data={},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "file"
    assert _codes() == []


def test_create_edit_and_refusals_name_the_field(client, admin_headers, make):
    province = make.unit("QB", level="province", group="province")
    body = {"code": "SNV", "name": "Sở Nội vụ", "level": "department", "group": "department",
            "parent_code": "QB"}
    created = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert created.status_code == 201 and created.json["parent_code"] == "QB"

    again = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert again.status_code == 422
    assert again.json["errors"] == [{"field": "code", "message": "mã 'SNV' đã có"}]
    unknown = client.post("/api/v1/units", json={**body, "code": "STP", "group": "x",
                                                   "parent_code": "NOPE"},
                          headers=admin_headers)
    assert {e["field"] for e in unknown.json["errors"]} == {"group", "parent_code"}
    missing = client.post("/api/v1/units", json={"code": "STP"}, headers=admin_headers)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json["errors"]} == {"name", "level", "group"}

    edited = client.patch("/api/v1/units/SNV", json={"name": "Sở Nội vụ tỉnh"},
                          headers=admin_headers)
    assert edited.status_code == 200 and edited.json["name"] == "Sở Nội vụ tỉnh"
    cycle = client.patch("/api/v1/units/QB", json={"parent_code": "SNV"},
                         headers=admin_headers)
    assert cycle.status_code == 422 and cycle.json["errors"][0]["field"] == "parent_code"
    db.session.refresh(province)
    assert province.parent is None
    assert client.patch("/api/v1/units/NOPE", json={"name": "x"},
                        headers=admin_headers).status_code == 404


def test_a_unit_with_dossiers_is_deactivated_never_deleted(client, admin_headers, make):
    unit = make.unit("QB", level="province", group="province")
    make.assessment(make.campaign(), unit)
    refused = client.delete("/api/v1/units/QB", headers=admin_headers)
    assert refused.status_code == 409
    assert "hãy cho ngừng hoạt động" in refused.json["errors"][0]["message"]
    off = client.patch("/api/v1/units/QB", json={"active": False}, headers=admin_headers)
    assert off.status_code == 200 and off.json["active"] is False
    listed = client.get("/api/v1/units?active=1", headers=admin_headers).json["units"]
    assert listed == []
    assert client.get("/api/v1/units", headers=admin_headers).json["units"][0]["code"] == "QB"

    make.unit("NEW")
    assert client.delete("/api/v1/units/NEW", headers=admin_headers).status_code == 204
    db.session.expire_all()
    assert _codes() == ["QB"]


@pytest.mark.parametrize("role", ["unit_head", "unit_editor", "viewer", "reviewer"])
def test_only_administrators_change_units(client, make, token_for, role):
    unit = make.unit("QB", level="province", group="province")
    headers = token_for(make.user(role, unit if role.startswith("unit") else None))
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    body = {"code": "X", "name": "X", "level": "commune", "group": "commune"}
    assert client.post("/api/v1/units", json=body, headers=headers).status_code == 403
    assert client.patch("/api/v1/units/QB", json={"name": "x"},
                        headers=headers).status_code == 403
    assert client.delete("/api/v1/units/QB", headers=headers).status_code == 403
    assert _upload(client, headers, _xlsx(PROVINCE)).status_code == 403
    assert client.get("/api/v1/units.xlsx", headers=headers).status_code == 403
    assert _codes() == ["QB"]


def test_no_token_is_401(client):
    assert client.get("/api/v1/units").status_code == 401


def test_the_list_is_read_in_a_fixed_number_of_statements(client, admin_headers, make):
    def listing():
        assert client.get("/api/v1/units", headers=admin_headers).status_code == 200

    parent = make.unit("QB", level="province", group="province")
    make.unit("A", parent=parent)
    listing()  # the token's first use records it (once a minute at most): not part of the list
    few = count_statements(listing)
    for n in range(15):
        make.unit(f"B{n}", parent=parent)
    assert count_statements(listing) == few


def test_cli_template_import_export(app, tmp_path):
    runner = app.test_cli_runner()
    template = tmp_path / "mau.xlsx"
    assert runner.invoke(args=["parindex", "units", "template", str(template)]).exit_code == 0
    filled = tmp_path / "don-vi.xlsx"
    filled.write_bytes(_xlsx(PROVINCE))
    result = runner.invoke(args=["parindex", "units", "import", str(filled)])
    assert result.exit_code == 0, result.output
    assert "4 unit(s) created" in result.output
    listed = runner.invoke(args=["parindex", "units", "list"]).output
    assert "SNV\tdepartment\tQB\tSở Nội vụ" in listed

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([("XA2", "", "commune", "commune", "QB")]))
    refused = runner.invoke(args=["parindex", "units", "import", str(bad)])
    assert refused.exit_code == 1
    assert "row 2: missing_value: Tên đơn vị: không được để trống" in refused.output
    out = tmp_path / "export.xlsx"
    assert runner.invoke(args=["parindex", "units", "export", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out).worksheets[0].max_row == 5
