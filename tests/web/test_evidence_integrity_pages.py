"""On the pages: the form's answers and links save in one transaction, a link shows the revision
it points to and moves to a newer one only when the unit asks (in draft), and the explanation
page removes a link of a questioned item."""

import io
import re

import pytest

from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Answer, Assessment, AuditEvent, EvidenceLink, ExplanationReply
from tests.appraisal_round import appraisal_round, questioned
from tests.helpers import csrf_token

PDF_1 = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n2 0 obj << /Revised true >> endobj\n%%EOF\n"


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


def upload(assessment, user, name="ke-hoach.pdf"):
    document, = evidence.upload(assessment.campaign_id, assessment.unit_id, user,
                                [(name, io.BytesIO(PDF_1))],
                                {"title": "Kế hoạch CCHC năm 2021", "number": "12/KH-UBND"})
    return document


def revise(document, user):
    evidence.upload(document.campaign_id, document.unit_id, user,
                    [("ke-hoach-sua.pdf", io.BytesIO(PDF_2))], {}, document=document)
    return document.current


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client.get("/")), **(data or {})})


def test_an_answer_and_a_refused_link_save_nothing(client, login, make, dossier):
    editor = make.user("unit_editor", dossier.unit)
    other = make.assessment(dossier.campaign, make.unit("HN", level="province"))
    foreign = upload(other, make.user("unit_editor", other.unit))
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "late"}})
    login(editor)
    refused = post(client, f"/assessments/{dossier.id}", {
        "ver-1.1.1": "1", "v-1.1.1": "timely", "link-1.1.2": str(foreign.id)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.scalar(db.select(Answer.value).filter_by(code="1.1.1")) == "late"
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="answers.self_saved")) == 1  # the first save only
    html = refused.get_data(as_text=True)
    assert re.search(r'<option value="timely"\s+selected', html)  # the typed answer is kept
    assert 'data-code="1.1.2" data-field="link">Không tìm thấy tài liệu.' in html


def test_the_library_shows_the_linked_revision_and_relinks_in_draft_only(client, login, make,
                                                                        dossier):
    editor = make.user("unit_editor", dossier.unit)
    document = upload(dossier, editor)
    first = document.current
    link = sa.link(dossier, editor, "1.1.1", document.id)
    newer = revise(document, editor)
    login(editor)
    form = client.get(f"/assessments/{dossier.id}").get_data(as_text=True)
    assert f'href="/evidence/revisions/{first.id}/file"' in form
    assert f'/evidence/revisions/{newer.id}/file' not in form
    assert "phiên bản 1" in form and "có phiên bản mới hơn chưa được liên kết" in form
    library = client.get(f"/assessments/{dossier.id}/evidence").get_data(as_text=True)
    relink = f"/assessments/{dossier.id}/links/{link.id}/relink"
    assert relink in library
    assert post(client, relink).status_code == 302
    db.session.expire_all()
    assert db.session.get(EvidenceLink, link.id).revision_id == newer.id

    signed = revise(document, editor)
    sign_off = client.get(f"/assessments/{dossier.id}/submit").get_data(as_text=True)
    assert 'id="signed-evidence"' in sign_off and f"/evidence/revisions/{newer.id}/" in sign_off
    assert f"/evidence/revisions/{signed.id}/" not in sign_off
    db.session.get(Assessment, dossier.id).state = "submitted"
    db.session.commit()
    library = client.get(f"/assessments/{dossier.id}/evidence").get_data(as_text=True)
    assert relink not in library and f"/links/{link.id}/delete" not in library
    assert 'name="files" multiple' in library  # the library still takes documents
    refused = post(client, relink)
    assert refused.status_code == 302
    assert "Đã gửi" in client.get(refused.headers["Location"]).get_data(as_text=True)
    post(client, f"/assessments/{dossier.id}/links/{link.id}/delete")
    db.session.expire_all()
    assert db.session.get(EvidenceLink, link.id).revision_id == newer.id


def test_the_explanation_page_unlinks_a_questioned_item(client, login, make):
    round_ = questioned(appraisal_round(make))
    document = upload(round_.assessment, round_.editor)
    link = evidence.add_link(round_.assessment, round_.editor, "1.1.2", document.id)
    login(round_.editor)
    url = f"/assessments/{round_.assessment.id}/explanation/1.1.2/evidence/{link.id}/delete"
    assert url in client.get(f"/assessments/{round_.assessment.id}/explanation").get_data(
        as_text=True)
    assert post(client, url).status_code == 302
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0


def test_a_reply_and_a_refused_link_save_nothing(client, login, make):
    round_ = questioned(appraisal_round(make))
    other = make.assessment(round_.assessment.campaign, make.unit("HN", level="province"))
    foreign = upload(other, make.user("unit_editor", other.unit))
    login(round_.editor)
    refused = post(client, f"/assessments/{round_.assessment.id}/explanation/1.1.2",
                   {"reply": "Theo báo cáo 45/BC-UBND", "version": "",
                    "document_id": str(foreign.id)})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ExplanationReply.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0
    html = refused.get_data(as_text=True)
    assert ">Theo báo cáo 45/BC-UBND</textarea>" in html
    assert 'data-field="document_id">Không tìm thấy tài liệu.' in html
