"""Importing people from the template (.xlsx or .csv) through the API, the page and the CLI: all
or nothing, every bad row named with its row number and column; each new user gets a one-time
password shown once, which they must change at first login."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Job, User
from server.people.user_import import HEADERS
from tests.helpers import csrf_token


@pytest.fixture
def admin_headers(make, token_for):
    make.unit("QB", level="province")
    make.unit("STP", level="department")
    return token_for(make.user("admin", username="quantri"))


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(HEADERS))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows([HEADERS, *rows])
    return text.getvalue().encode("utf-8")


def _upload(client, headers, content, name="nguoi-dung.xlsx"):
    return client.post("/api/v1/users/import", headers=headers,
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _usernames():
    return db.session.scalars(select(User.username).order_by(User.username)).all()


PEOPLE = [("hoa", "Trần Thị Hoa", "hoa@quangbinh.gov.vn", "QB", "unit_editor", ""),
          ("lanhdao", "Lê Văn Lãnh", "", "QB", "unit_head", ""),
          ("thamdinh", "Nguyễn Thẩm Định", "", "STP", "reviewer", "1, 4"),
          ("xem", "", "", "", "viewer", "")]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_template_downloads_then_a_filled_file_imports(client, admin_headers, kind):
    template = client.get(f"/api/v1/users/template.{kind}", headers=admin_headers)
    assert template.status_code == 200
    assert f"mau-danh-sach-nguoi-dung.{kind}" in template.headers["Content-Disposition"]
    if kind == "xlsx":
        header = [c.value for c in openpyxl.load_workbook(io.BytesIO(template.data))
                  .worksheets[0][1]]
    else:
        header = next(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
    assert header == list(HEADERS)

    content = _xlsx(PEOPLE) if kind == "xlsx" else _csv(PEOPLE)
    response = _upload(client, admin_headers, content, f"nguoi-dung.{kind}")
    # A job: run at once by the tests' queue, so its creator's answer shows the passwords.
    assert response.status_code == 202, response.json
    assert (response.json["state"], response.json["result"]) == ("done", {"created": 4})
    passwords = {u["username"]: u["one_time_password"] for u in response.json["shown_once"]}
    assert sorted(passwords) == ["hoa", "lanhdao", "thamdinh", "xem"]
    assert len(set(passwords.values())) == 4 and all(len(p) >= 16 for p in passwords.values())

    users = {u.username: u for u in db.session.scalars(select(User))}
    assert all(users[name].must_change_password for name in passwords)
    assert not users["quantri"].must_change_password
    [reviewer] = users["thamdinh"].memberships
    assert (reviewer.role, reviewer.unit.code, reviewer.domains) == ("reviewer", "STP", ["1", "4"])
    [editor] = users["hoa"].memberships
    assert (editor.role, editor.unit.code, editor.domains) == ("unit_editor", "QB", None)
    assert users["hoa"].email == "hoa@quangbinh.gov.vn" and users["lanhdao"].email is None
    # Each one-time password opens the account, which then asks for a new password first.
    signed_in = client.post("/api/v1/tokens", json={"username": "hoa",
                                                    "password": passwords["hoa"]})
    assert signed_in.status_code == 201
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {signed_in.json['token']}"})
    assert me.status_code == 403
    # Audited, and the passwords are in no event.
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ("user.created", "users.imported")))).all()
    assert len(events) == 5
    assert not any(p in str(e.after) for e in events for p in passwords.values())
    # The job shows them no more, and keeps them nowhere.
    again = client.get(response.headers["Location"], headers=admin_headers).json
    assert again["state"] == "done" and "shown_once" not in again
    stored = db.session.get(Job, response.json["id"])
    assert not any(p in str(stored.params) for p in passwords.values())
    # Listing the users never shows a password again.
    assert "one_time_password" not in client.get("/api/v1/users",
                                                 headers=admin_headers).get_data(as_text=True)


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(client, admin_headers):
    rows = [("hoa", "Hoa", "hoa@example.org", "QB", "unit_editor", ""),       # row 2: fine
            ("", "Không tên", "", "", "viewer", ""),                          # 3
            ("hoa", "Hoa lần hai", "", "", "viewer", ""),                     # 4
            ("quantri", "", "", "", "admin", ""),                             # 5
            ("a", "", "", "NOPE", "viewer", ""),                              # 6
            ("b", "", "", "", "boss", ""),                                    # 7
            ("c", "", "", "", "unit_head", ""),                               # 8
            ("d", "", "d@nowhere", "", "viewer", ""),                         # 9
            ("e", "", "", "QB", "unit_editor", "1,2"),                        # 10
            ("f g", "", "", "", "", "")]                                      # 11
    response = _upload(client, admin_headers, _xlsx(rows))
    assert response.status_code == 202
    job = client.get(response.headers["Location"], headers=admin_headers).json
    assert (job["state"], job["attempts"]) == ("failed", 1)  # at once: the file stays wrong
    found = {(e["row"], e["column"], e["kind"]) for e in job["problems"]}
    assert found == {
        (3, "username", "missing_value"),
        (4, "username", "duplicate"),
        (5, "username", "already_exists"),
        (6, "unit_code", "unknown_unit"),
        (7, "role", "unknown_role"),
        (8, "unit_code", "unit_required"),
        (9, "email", "bad_email"),
        (10, "domains", "domains_not_allowed"),
        (11, "username", "bad_username"),
        (11, "role", "missing_value"),
    }
    duplicate = next(e for e in job["problems"] if e["kind"] == "duplicate")
    assert duplicate["row"] == 4 and "2" in duplicate["message"]
    assert "row 4: duplicate" in job["error"]
    assert _usernames() == ["quantri"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.like("user%"))) == 0


def test_unreadable_empty_and_missing_files_are_refused(client, admin_headers):
    refused = _upload(client, admin_headers, b"not a workbook")  # refused before queueing
    assert refused.status_code == 422 and refused.json["errors"][0]["kind"] == "unreadable"
    empty = _upload(client, admin_headers, _csv([]), "x.csv")
    assert empty.json["state"] == "failed" and empty.json["problems"][0]["kind"] == "empty"
    missing = client.post("/api/v1/users/import", headers=admin_headers, data={},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.json["errors"][0]["field"] == "file"
    assert _usernames() == ["quantri"]


@pytest.mark.parametrize("role", ["unit_head", "unit_editor", "reviewer", "viewer"])
def test_only_administrators_import(client, make, token_for, role):
    unit = make.unit("QB", level="province")
    headers = token_for(make.user(role, unit if role.startswith("unit_") else None))
    assert _upload(client, headers, _xlsx(PEOPLE[:1])).status_code == 403
    assert client.get("/api/v1/users/template.xlsx", headers=headers).status_code == 403
    assert client.post("/api/v1/users/import").status_code == 401
    assert client.get("/api/v1/users/template.csv").status_code == 401
    assert len(_usernames()) == 1


def test_the_page_imports_and_shows_the_passwords_once(app, client, make, login):
    make.unit("QB", level="province")
    login(make.user("admin", username="quantri"))
    page = client.get("/admin/users")
    assert "/admin/users/template.xlsx" in page.get_data(as_text=True)
    assert client.get("/admin/users/template.csv").data.decode("utf-8-sig").startswith(
        "Tên đăng nhập,")

    not_a_table = client.post("/admin/users/import", data={
        "csrf_token": csrf_token(page), "file": (io.BytesIO(b"x"), "u.pdf")},
        content_type="multipart/form-data")
    assert not_a_table.status_code == 422  # refused at once, nothing queued
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0

    # Bad rows: the job fails and its page names each.
    refused = client.post("/admin/users/import", data={
        "csrf_token": csrf_token(page),
        "file": (io.BytesIO(_xlsx([("hoa", "", "", "", "unit_editor", "")])), "u.xlsx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert refused.request.path.startswith("/jobs/")
    text = refused.get_data(as_text=True)
    assert "Chưa nhập gì: tệp có 1 lỗi" in text
    assert "Mã đơn vị: vai trò Cán bộ đơn vị cần một đơn vị" in text

    done = client.post("/admin/users/import", data={
        "csrf_token": csrf_token(page),
        "file": (io.BytesIO(_xlsx(PEOPLE[:2])), "u.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert done.status_code == 200 and done.request.path.startswith("/jobs/")
    text = done.get_data(as_text=True)
    assert "chỉ hiện lúc này" in text
    shown = dict(row.split("</td><td><code>") for row in
                 (part.split("</code>")[0] for part in
                  text.split('<tr class="imported-user"><td>')[1:]))
    assert sorted(shown) == ["hoa", "lanhdao"]
    assert "<code>" not in client.get("/admin/users").get_data(as_text=True)
    assert "<code>" not in client.get(done.request.path).get_data(as_text=True)  # once
    other = app.test_client()
    form = other.get("/login")
    assert other.post("/login", data={"username": "lanhdao", "password": shown["lanhdao"],
                                      "csrf_token": csrf_token(form)}).status_code == 302


def test_cli_template_then_import_prints_the_passwords(app, tmp_path):
    runner = app.test_cli_runner()
    template = tmp_path / "mau.csv"
    result = runner.invoke(args=["parindex", "users", "template", str(template)])
    assert result.exit_code == 0, result.output
    assert template.read_bytes().decode("utf-8-sig").splitlines() == [",".join(HEADERS)]
    assert runner.invoke(args=["parindex", "users", "template",
                                  str(tmp_path / "mau.xlsx")]).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "mau.xlsx").worksheets[0]["A1"].value == HEADERS[0]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([("hoa", "", "", "", "unit_editor", "")]))
    refused = runner.invoke(args=["parindex", "users", "import", str(bad)])
    assert refused.exit_code == 1
    assert "row 2: unit_required" in refused.output
    assert _usernames() == []

    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx([("xem", "", "", "", "viewer", ""),
                            ("admin2", "", "", "", "admin", "")]))
    result = runner.invoke(args=["parindex", "users", "import", str(good)])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("\t") for line in result.output.splitlines() if "\t" in line)
    assert sorted(lines) == ["admin2", "xem"]
    xem = db.session.scalar(select(User).where(User.username == "xem"))
    assert xem.must_change_password and xem.check_password(lines["xem"])
