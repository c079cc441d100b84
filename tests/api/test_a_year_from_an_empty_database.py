"""A province's whole year through the API alone, from an empty database: the first
administrator from the CLI, units and people imported from the templates the API hands out
(one-time passwords changed at first use), a campaign pinning province-2020 and district,
reviewers from two units (nobody appraises their own), opening, self-assessment with evidence,
submission, appraisal, finalisation, publication and the ranking workbook. No model is touched
by the test: only what an administrator can do."""

import io

import openpyxl
from sqlalchemy import func, select

from server.extensions import db
from server.models import Unit
from server.people.units import HEADERS as UNIT_HEADERS
from server.people.user_import import HEADERS as USER_HEADERS

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
ADMIN_PASSWORD = "mat-khau-quan-tri"
ALL_DOMAINS = [str(n) for n in range(1, 9)]


def _filled(client, headers, url, rows) -> tuple[list, bytes]:
    """The template the API hands out at `url`, with `rows` under its header."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return header, buffer.getvalue()


def _upload(client, headers, url, content):
    return client.post(url, headers=headers, data={"file": (io.BytesIO(content), "tep.xlsx")},
                       content_type="multipart/form-data")


def _token(client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def _first_login(client, username, one_time_password):
    """A token for a new user, who first replaces the one-time password (nothing else works)."""
    headers = _token(client, username, one_time_password)
    assert client.get("/api/v1/me", headers=headers).status_code == 403
    changed = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": one_time_password, "new_password": f"{username} chose this"})
    assert changed.status_code == 204, changed.get_json()
    return headers


def test_a_year_from_an_empty_database(app, client):
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    created = app.test_cli_runner().invoke(args=[
        "parindex", "create-user", "admin", "--role", "admin", "--password", ADMIN_PASSWORD])
    assert created.exit_code == 0, created.output
    admin = _token(client, "admin", ADMIN_PASSWORD)

    header, units = _filled(client, admin, "/api/v1/units.xlsx?template=1", [
        ("QB", "UBND tỉnh Quảng Bình", "province", "province", ""),
        ("DH", "UBND thành phố Đồng Hới", "district", "district", "QB"),
        ("BT", "UBND huyện Bố Trạch", "district", "district", "QB")])
    assert header == list(UNIT_HEADERS)
    # Imports are jobs (run at once by the tests' queue): 202, the job done with its result.
    assert _upload(client, admin, "/api/v1/units/import", units).get_json()["result"] == \
        {"created": 3, "updated": 0}

    # People from the users template; reviewers belong to units, and never appraise their own.
    header, users = _filled(client, admin, "/api/v1/users/template.xlsx", [
        ("canbo", "Nguyễn Văn Cán", "canbo@quangbinh.gov.vn", "QB", "unit_editor", ""),
        ("lanhdao", "Trần Thị Lãnh", "", "QB", "unit_head", ""),
        ("thamdinhqb", "Phạm Thẩm Định", "", "QB", "reviewer", ",".join(ALL_DOMAINS)),
        ("thamdinhdh", "Hoàng Văn Định", "", "DH", "reviewer", ",".join(ALL_DOMAINS))])
    assert header == list(USER_HEADERS)
    imported = _upload(client, admin, "/api/v1/users/import", users)
    assert imported.status_code == 202, imported.get_json()
    passwords = {u["username"]: u["one_time_password"]
                 for u in imported.get_json()["shown_once"]}
    assert len(passwords) == 4 and len(set(passwords.values())) == 4
    assert "one_time_password" not in client.get("/api/v1/users/canbo", headers=admin).get_json()
    editor, head, reviewer_qb, reviewer = (
        _first_login(client, name, passwords[name])
        for name in ("canbo", "lanhdao", "thamdinhqb", "thamdinhdh"))

    campaign = client.post("/api/v1/campaigns", headers=admin, json={
        "year": 2025, "title": "Chỉ số CCHC năm 2025",
        "pins": {"province": "province-2020@1.0.0", "district": "district@1.0.0"},
        "deadlines": {"self_assessment_deadline": "2099-11-30"},
        "confirm_unverified": True}).get_json()
    base = f"/api/v1/campaigns/{campaign['id']}"
    # The campaign does not open while some unit's domain has no reviewer.
    refused = client.post(f"{base}/opening", headers=admin)
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["field"] == "reviewers"
    assert "UBND cấp tỉnh / 1: QB" in refused.get_json()["errors"][0]["message"]
    for username in ("thamdinhqb", "thamdinhdh"):
        reviewer_id = client.get(f"/api/v1/users/{username}", headers=admin).get_json()["id"]
        assigned = client.post(f"{base}/reviewer-assignments", headers=admin, json={
            "reviewer_id": reviewer_id, "domains": ALL_DOMAINS})
        assert assigned.status_code == 201, assigned.get_json()
        if username == "thamdinhqb":
            # The province's own reviewer does not cover the province: QB is still uncovered.
            uncovered = client.get(f"{base}/coverage", headers=admin).get_json()["uncovered"]
            assert len(uncovered) == 8 and {tuple(codes) for codes in uncovered.values()} == \
                {("QB",)}
    assert client.get(f"{base}/coverage", headers=admin).get_json() == {"uncovered": {}}
    opened = client.post(f"{base}/opening", headers=admin).get_json()
    assert opened["job"]["state"] == "done" and opened["job"]["progress"]["done"] == 3

    # The unit's people see their own dossier only.
    own = client.get(f"{base}/dossiers", headers=editor).get_json()["dossiers"]
    assert [(d["unit_code"], d["state"]) for d in own] == [("QB", "draft")]
    dossier = f"/api/v1/assessments/{own[0]['id']}"

    document = client.post(f"{dossier}/evidence", headers=editor, data={
        "title": "Kế hoạch CCHC năm 2025", "number": "01/KH-UBND", "issued_on": "2025-01-05",
        "files": [(io.BytesIO(PDF), "ke-hoach.pdf")]}, content_type="multipart/form-data")
    assert document.status_code == 201, document.get_json()
    document_id = document.get_json()[0]["id"]
    saved = client.put(f"{dossier}/answers", headers=editor, json={"answers": {
        "1.1.1": {"value": "timely"}, "1.1.2": {"value": 95}}})
    assert saved.status_code == 200, saved.get_json()
    for code in ("1.1.1", "1.1.2"):
        assert client.post(f"{dossier}/links", headers=editor, json={
            "code": code, "document_id": document_id}).status_code == 201
    sign_off = client.get(f"{dossier}/sign-off", headers=head).get_json()
    assert sign_off["problems"] == []
    # Most items are unanswered: submitting needs the head's explicit confirmation.
    unconfirmed = client.post(f"{dossier}/submission", headers=head,
                              json={"digest": sign_off["digest"]})
    assert unconfirmed.status_code == 422
    assert {e["field"] for e in unconfirmed.get_json()["errors"]} == {"confirm_unanswered"}
    submitted = client.post(f"{dossier}/submission", headers=head,
                            json={"digest": sign_off["digest"], "confirm_unanswered": True})
    assert submitted.status_code == 201, submitted.get_json()

    def step(headers, key, reason="", **confirm):
        response = client.post(f"{dossier}/transitions", headers=headers,
                               json={"transition": key, "reason": reason, **confirm})
        assert response.status_code == 200, (key, response.get_json())

    # The reviewer from the province itself may not appraise it.
    assert client.post(f"{dossier}/transitions", headers=reviewer_qb,
                       json={"transition": "start_appraisal"}).status_code == 403
    step(reviewer, "start_appraisal")
    assert client.post(f"{dossier}/appraisal/1.1.1", headers=reviewer_qb,
                       json={"action": "accept"}).status_code == 403
    adjusted = client.post(f"{dossier}/appraisal/1.1.2", headers=reviewer, json={
        "action": "adjust", "value": "80", "reason": "Báo cáo chỉ ghi nhận 80%"})
    assert adjusted.status_code == 200, adjusted.get_json()
    accepted = client.post(f"{dossier}/appraisal/accept-untouched", headers=reviewer,
                           json={"domain": "1"})
    assert accepted.get_json() == {"accepted": ["1.1.1"]}
    step(reviewer, "complete_appraisal")
    # The unanswered items are gaps: finalising and publishing ask for a confirmed reason.
    gaps = client.post(f"{dossier}/transitions", headers=admin, json={"transition": "finalise"})
    assert gaps.status_code == 422
    assert {e["field"] for e in gaps.get_json()["errors"]} == {"confirm_gaps", "reason"}
    step(admin, "finalise", "Đơn vị không đủ hồ sơ, Hội đồng chốt theo số liệu có",
         confirm_gaps=True)

    # The district group is not finalised: publishing it is refused, naming the units.
    refused = client.post(f"{base}/publications", headers=admin, json={"group": "district"})
    assert refused.status_code == 409
    assert set(refused.get_json()["errors"][0]["units"]) == {"BT", "DH"}

    gaps = client.post(f"{base}/publications", headers=admin, json={"group": "province"})
    assert gaps.status_code == 422 and gaps.get_json()["gaps"][0]["unit_code"] == "QB"
    published = client.post(f"{base}/publications", headers=admin, json={
        "group": "province", "confirm_gaps": True, "reason": "Công bố theo số liệu đã chốt"})
    assert published.status_code == 202, published.get_json()
    job = client.get(published.headers["Location"], headers=admin).get_json()
    assert job["state"] == "done", job
    publication_id = job["result"]["publication_id"]
    publication = client.get(f"/api/v1/publications/{publication_id}", headers=head).get_json()
    row = publication["ranking"]["rows"][0]
    assert (row["unit_code"], row["rank"]) == ("QB", 1)
    workbook = client.get(f"/api/v1/publications/{publication_id}/ranking.xlsx", headers=head)
    assert workbook.status_code == 200
    summary = openpyxl.load_workbook(io.BytesIO(workbook.data)).worksheets[0]
    cells = [str(c) for r in summary.iter_rows(values_only=True) for c in r if c is not None]
    assert "UBND tỉnh Quảng Bình" in cells
    assert client.get(f"{base}/dossiers", headers=head).get_json()["dossiers"][0]["state"] == \
        "published"
