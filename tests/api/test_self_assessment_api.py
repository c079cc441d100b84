"""Self-assessment and evidence through the API: same checks as the web, problem+json errors,
and authorization (another unit's editor and a viewer can neither read nor change)."""

import io

import pytest

from server.extensions import db
from server.models import Answer, Assessment, EvidenceDocument, EvidenceLink

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


def upload(client, dossier, headers, name="Quyết định.pdf", data=PDF, **form):
    form.setdefault("title", "Quyết định ban hành kế hoạch")
    return client.post(f"/api/v1/assessments/{dossier.id}/evidence", headers=headers,
                       data={**form, "files": [(io.BytesIO(data), name)]},
                       content_type="multipart/form-data")


def test_save_read_stale_and_invalid(client, make, token_for, dossier):
    headers = token_for(make.user("unit_editor", dossier.unit))
    url = f"/api/v1/assessments/{dossier.id}/answers"
    saved = client.put(url, headers=headers, json={"answers": {"1.1.1": {"value": "timely"}}})
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["answers"]["1.1.1"]["version"] == 1 and body["totals"]["total"] == "1.00"
    client.put(url, headers=headers, json={"answers": {"1.1.1": {"value": "late",
                                                                 "version": 1}}})
    stale = client.put(url, headers=headers, json={"answers": {"1.1.1": {"value": "none",
                                                                         "version": 1}}})
    assert stale.status_code == 409 and stale.mimetype == "application/problem+json"
    assert stale.get_json()["current"]["1.1.1"]["value"] == "late"
    invalid = client.put(url, headers=headers, json={"answers": {"1.1.2": {"value": "abc"}}})
    assert invalid.status_code == 422 and invalid.mimetype == "application/problem+json"
    assert invalid.get_json()["errors"][0]["field"] == "answers.1.1.2.value"


def test_upload_link_sign_off_submit_withdraw(client, make, token_for, dossier):
    editor = token_for(make.user("unit_editor", dossier.unit))
    head = token_for(make.user("unit_head", dossier.unit))
    created = upload(client, dossier, editor, number="05/QĐ-UBND", issued_on="2021-01-05")
    assert created.status_code == 201, created.get_json()
    document = created.get_json()[0]
    assert len(document["revisions"][0]["sha256"]) == 64
    base = f"/api/v1/assessments/{dossier.id}"
    client.put(f"{base}/answers", headers=editor,
               json={"answers": {"1.1.1": {"value": "timely"}, "1.1.2": {"value": 95}}})
    blocked = client.get(f"{base}/sign-off", headers=head).get_json()
    assert {p["sub_criterion"] for p in blocked["problems"]} == {"1.1.1", "1.1.2"}
    refused = client.post(f"{base}/submission", headers=head, json={})
    assert refused.status_code == 422
    assert {e["sub_criterion"] for e in refused.get_json()["errors"]} == {"1.1.1", "1.1.2"}
    for code in ("1.1.1", "1.1.2"):
        linked = client.post(f"{base}/links", headers=editor,
                             json={"code": code, "document_id": document["id"]})
        assert linked.status_code == 201
    checked = client.get(f"{base}/sign-off", headers=head).get_json()
    assert checked["problems"] == []
    assert client.post(f"{base}/submission", headers=editor, json={}).status_code == 403
    submitted = client.post(f"{base}/submission", headers=head,
                            json={"digest": checked["digest"], "confirm_unanswered": True})
    assert submitted.status_code == 201 and submitted.get_json()["totals"] == checked["totals"]
    locked = client.put(f"{base}/answers", headers=editor,
                        json={"answers": {"1.1.1": {"value": "late", "version": 1}}})
    assert locked.status_code == 409
    withdrawn = client.delete(f"{base}/submission", headers=head, json={})
    assert withdrawn.get_json() == {"state": "draft"}
    served = client.get(f"/api/v1/evidence/revisions/{document['revisions'][0]['id']}/file"
                        "?download=1", headers=editor)
    assert served.data == PDF and served.headers["Content-Disposition"].startswith("attachment")


def test_upload_limits_answer_413_and_415(app, client, make, token_for, dossier):
    headers = token_for(make.user("unit_editor", dossier.unit))
    wrong = upload(client, dossier, headers, name="virus.pdf", data=b"MZ\x90\x00 binary")
    assert wrong.status_code == 415 and wrong.mimetype == "application/problem+json"
    app.config["EVIDENCE_MAX_MB"] = 1
    try:
        big = upload(client, dossier, headers, data=PDF + b"0" * (1024 * 1024 + 1))
    finally:
        app.config["EVIDENCE_MAX_MB"] = 50
    assert big.status_code == 413
    empty = upload(client, dossier, headers, data=b"")
    assert empty.status_code == 422


def test_extension_by_the_administrator(client, make, token_for, dossier):
    url = f"/api/v1/assessments/{dossier.id}/extension"
    body = {"until": "2031-01-31T17:00:00+07:00", "reason": "Bão lũ"}
    assert client.put(url, headers=token_for(make.user("unit_head", dossier.unit)),
                      json=body).status_code == 403
    granted = client.put(url, headers=token_for(make.user("admin")), json=body)
    assert granted.status_code == 200 and granted.get_json()["reason"] == "Bão lũ"


@pytest.mark.parametrize("who", ["other_editor", "viewer"])
def test_other_unit_editor_and_viewer_cannot_change_and_stranger_cannot_read(
        client, make, token_for, dossier, who):
    owner = token_for(make.user("unit_editor", dossier.unit))
    document = upload(client, dossier, owner).get_json()[0]
    user = make.user("viewer") if who == "viewer" else make.user("unit_editor", make.unit("HN"))
    headers = token_for(user)
    base = f"/api/v1/assessments/{dossier.id}"
    read = client.get(base, headers=headers)
    assert read.status_code == (200 if who == "viewer" else 404)
    listing = client.get(f"{base}/evidence", headers=headers)
    assert listing.status_code == (200 if who == "viewer" else 404)
    revision = document["revisions"][0]["id"]
    served = client.get(f"/api/v1/evidence/revisions/{revision}/file", headers=headers)
    assert served.status_code == (200 if who == "viewer" else 404)
    checked = client.get(f"{base}/sign-off", headers=headers)
    assert checked.status_code == (200 if who == "viewer" else 404)
    link = client.post(f"{base}/links", headers=owner,
                       json={"code": "1.1.1", "document_id": document["id"]}).get_json()
    attempts = [
        client.put(f"{base}/answers", headers=headers,
                   json={"answers": {"1.1.1": {"value": "timely"}}}),
        upload(client, dossier, headers),
        client.post(f"/api/v1/evidence/{document['id']}/revisions", headers=headers,
                    data={"files": [(io.BytesIO(PDF + b"2"), "v2.pdf")]},
                    content_type="multipart/form-data"),
        client.post(f"{base}/links", headers=headers,
                    json={"code": "1.1.1", "document_id": document["id"]}),
        client.post(f"{base}/submission", headers=headers, json={}),
        client.delete(f"{base}/links/{link['id']}", headers=headers),
    ]
    assert all(r.status_code in (403, 404) for r in attempts), [r.status_code for r in attempts]
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EvidenceDocument.id))) == 1
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 1
    db.session.get(Assessment, dossier.id).state = "submitted"
    db.session.commit()
    withdrawn = client.delete(f"{base}/submission", headers=headers, json={})
    assert withdrawn.status_code == (403 if who == "viewer" else 404), withdrawn.get_json()
    db.session.expire_all()
    assert db.session.get(Assessment, dossier.id).state == "submitted"
