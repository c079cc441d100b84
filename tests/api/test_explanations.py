"""/api/v1/assessments/<id>/explanation: the unit reads the council's questions, writes replies
and links evidence to the questioned sub-criteria; refusals as problem+json naming the field."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.assessment import evidence
from server.extensions import db
from server.models import EvidenceLink, ExplanationReply
from tests.appraisal_round import appraisal_round, questioned

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def round_(make):
    return questioned(appraisal_round(make))


@pytest.fixture
def url(round_):
    return f"/api/v1/assessments/{round_.assessment.id}/explanation"


def _document(round_):
    document, = evidence.upload(round_.assessment.campaign_id, round_.unit.id, round_.editor,
                                [("bc.pdf", io.BytesIO(PDF))], {"title": "Báo cáo"})
    return document


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def test_read_reply_and_link(client, round_, url, token_for):
    headers = token_for(round_.editor)
    body = client.get(url, headers=headers).get_json()
    assert body["state"] == "explanation_requested" and body["may_answer"] is True
    assert [(q["code"], q["question"], q["reply"]) for q in body["questions"]] == [
        ("1.1.2", "Số liệu 95% lấy từ báo cáo nào?", None)]
    assert body["questions"][0]["self"] == {"value": "95", "not_applicable": False,
                                            "explanation": ""}
    saved = client.put(f"{url}/1.1.2", json={"reply": "Báo cáo 45"}, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    assert (saved.get_json()["reply"], saved.get_json()["version"]) == ("Báo cáo 45", 1)
    again = client.put(f"{url}/1.1.2", json={"reply": "Báo cáo 45, 46", "version": 1},
                       headers=headers)
    assert again.get_json()["version"] == 2
    document = _document(round_)
    linked = client.post(f"{url}/1.1.2/evidence", json={"document_id": document.id},
                         headers=headers)
    assert linked.status_code == 201 and linked.get_json()["code"] == "1.1.2"
    body = client.get(url, headers=headers).get_json()
    assert body["questions"][0]["reply"]["reply"] == "Báo cáo 45, 46"
    assert body["questions"][0]["evidence"][0]["document_id"] == document.id
    viewer = client.get(url, headers=token_for(round_.viewer)).get_json()
    assert viewer["may_answer"] is False and len(viewer["questions"]) == 1


@pytest.mark.parametrize("code, body, status, field", [
    ("1.1.1", {"reply": "Đã ban hành"}, 422, "code"),
    ("2.2.1", {"reply": "Đã ban hành"}, 422, "code"),
    ("1.1.2", {"reply": " "}, 422, "reply"),
    ("1.1.2", {"reply": "x", "version": 3}, 409, "reply"),
    ("1.1.2", {"reply": "x", "extra": 1}, 422, "extra"),
    ("1.1.2", {}, 422, "reply"),
])
def test_reply_refusals_name_the_field(client, round_, url, token_for, code, body, status,
                                       field):
    response = client.put(f"{url}/{code}", json=body, headers=token_for(round_.editor))
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.get_json()["errors"]]
    assert _count(ExplanationReply) == 0


def test_evidence_only_for_questioned_codes_and_own_documents(client, round_, url, token_for,
                                                              make):
    headers = token_for(round_.editor)
    document = _document(round_)
    response = client.post(f"{url}/1.1.1/evidence", json={"document_id": document.id},
                           headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["code"]
    other_unit = make.unit("SNV")
    other_editor = make.user("unit_editor", other_unit)
    foreign, = evidence.upload(round_.assessment.campaign_id, other_unit.id, other_editor,
                               [("x.pdf", io.BytesIO(PDF))], {"title": "Khác"})
    response = client.post(f"{url}/1.1.2/evidence", json={"document_id": foreign.id},
                           headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["document_id"]
    assert _count(EvidenceLink) == 0


def test_who_and_when(client, round_, url, token_for, make):
    body = {"reply": "Trả lời"}
    for user in (round_.viewer, round_.reviewer, round_.admin):
        assert client.put(f"{url}/1.1.2", json=body, headers=token_for(user)).status_code == 403
    stranger = token_for(make.user("unit_head", make.unit("SNV")))
    assert client.get(url, headers=stranger).status_code == 404
    assert client.put(f"{url}/1.1.2", json=body, headers=stranger).status_code == 404
    assert client.post(f"{url}/1.1.2/evidence", json={"document_id": 1},
                       headers=stranger).status_code == 404
    assert client.put(f"{url}/1.1.2", json=body).status_code == 401
    headers = token_for(round_.editor)
    round_.assessment.campaign.explanation_deadline = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    late = client.put(f"{url}/1.1.2", json=body, headers=headers)
    assert late.status_code == 409 and "giờ Việt Nam" in late.get_json()["detail"]
    assert client.get(url, headers=headers).get_json()["may_answer"] is False
    round_.assessment.campaign.explanation_deadline = None
    round_.step("explain", round_.head)
    assert client.put(f"{url}/1.1.2", json=body, headers=headers).status_code == 409
    assert _count(ExplanationReply) == 0
