"""The unit's explanation page: questions, replies and evidence for the questioned
sub-criteria in the window, the head's sending, and every refusal with the input kept."""

import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.assessment import evidence
from server.extensions import db
from server.models import Assessment, EvidenceLink, ExplanationReply
from tests.appraisal_round import appraisal_round, questioned
from tests.helpers import csrf_token

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"


def _url(round_, rest=""):
    return f"/assessments/{round_.assessment.id}/explanation{rest}"


def _reply(client, round_, code, **data):
    token = csrf_token(client.get("/"))
    return client.post(_url(round_, f"/{code}"), data={"csrf_token": token, **data},
                       follow_redirects=True)


def _document(round_):
    document, = evidence.upload(round_.assessment.campaign_id, round_.unit.id, round_.editor,
                                [("bc.pdf", io.BytesIO(PDF))],
                                {"title": "Báo cáo CCHC quý IV", "number": "45/BC-UBND"})
    return document


def _replies():
    db.session.expire_all()
    return [(r.code, r.reply) for r in db.session.scalars(select(ExplanationReply))]


def test_the_unit_answers_links_evidence_and_the_head_sends(client, make, login):
    round_ = questioned(appraisal_round(make))
    document = _document(round_)
    login(round_.head)
    assert "1 nội dung chưa được giải trình." in client.get(_url(round_)).get_data(as_text=True)
    login(round_.editor)
    text = client.get(_url(round_)).get_data(as_text=True)
    assert "Giải trình với Tổ thẩm định: UBND tỉnh Quảng Bình" in text
    assert "Số liệu 95% lấy từ báo cáo nào?" in text and 'id="question-1.1.1"' not in text
    assert "<strong>Tự đánh giá:</strong> 95" in text
    assert 'id="send-explanation"' not in text  # the editor may not send, and is told who does
    assert 'id="head-sends"' in text
    response = _reply(client, round_, "1.1.2", reply="Theo báo cáo 45/BC-UBND",
                      document_id=str(document.id))
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã lưu: 1.1.2." in text
    assert ">Theo báo cáo 45/BC-UBND</textarea>" in text and ">45/BC-UBND</a>" in text
    assert _replies() == [("1.1.2", "Theo báo cáo 45/BC-UBND")]
    assert db.session.scalar(select(EvidenceLink.code)) == "1.1.2"
    login(round_.head)
    text = client.get(_url(round_)).get_data(as_text=True)
    assert 'id="send-explanation"' in text and 'id="unanswered"' not in text
    assert 'id="head-sends"' not in text
    response = client.post(_url(round_, "/send"), data={"csrf_token": csrf_token(
        client.get("/"))}, follow_redirects=True)
    assert "Đã gửi giải trình đến Tổ thẩm định." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, round_.assessment.id).state == "explained"
    text = client.get(_url(round_)).get_data(as_text=True)
    assert 'id="closed"' in text and "Theo báo cáo 45/BC-UBND" in text and "<textarea" not in text


def test_refusals_keep_the_typed_reply_beside_the_field(client, make, login):
    round_ = questioned(appraisal_round(make))
    document = _document(round_)
    login(round_.editor)
    response = _reply(client, round_, "1.1.1", reply="Kế hoạch đã ban hành đúng hạn")
    assert response.status_code == 422
    assert "Tổ thẩm định không đề nghị giải trình tiêu chí thành phần này" in \
        response.get_data(as_text=True)
    response = _reply(client, round_, "1.1.1", document_id=str(document.id))
    assert response.status_code == 422 and db.session.scalar(
        select(db.func.count(EvidenceLink.id))) == 0
    response = _reply(client, round_, "1.1.2", reply="  ")
    assert response.status_code == 422
    assert 'data-field="reply">Hãy nhập nội dung giải trình.' in response.get_data(as_text=True)
    _reply(client, round_, "1.1.2", reply="Lần đầu")
    response = _reply(client, round_, "1.1.2", reply="Bản của tôi", version="")
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and ">Bản của tôi</textarea>" in text
    assert "Người khác vừa lưu nội dung giải trình" in text and "Lần đầu" in text
    assert _replies() == [("1.1.2", "Lần đầu")]


def test_after_the_deadline_the_page_is_read_only_and_posts_are_refused(client, make, login):
    round_ = questioned(appraisal_round(
        make, explanation_deadline=datetime.now(UTC) - timedelta(hours=1)))
    login(round_.editor)
    text = client.get(_url(round_)).get_data(as_text=True)
    assert 'id="closed"' in text and "<textarea" not in text
    response = _reply(client, round_, "1.1.2", reply="Muộn")
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "Đã quá hạn giải trình" in text
    assert "giờ Việt Nam" in text and _replies() == []


def test_who_may_see_and_answer(client, make, login):
    round_ = questioned(appraisal_round(make))
    for user in (round_.viewer, round_.reviewer):
        login(user)
        assert client.get(_url(round_)).status_code == 200
        assert _reply(client, round_, "1.1.2", reply="x").status_code == 403
    login(make.user("unit_editor", make.unit("SNV")))
    assert client.get(_url(round_)).status_code == 404
    assert _reply(client, round_, "1.1.2", reply="x").status_code == 404
    login(round_.editor)
    assert client.post(_url(round_, "/1.1.2"), data={"reply": "x"}).status_code == 400
    assert _replies() == []


def test_outside_the_round_nothing_can_be_answered(client, make, login):
    round_ = appraisal_round(make)
    round_.ask()
    login(round_.editor)
    text = client.get(_url(round_)).get_data(as_text=True)
    assert 'id="closed"' in text
    response = _reply(client, round_, "1.1.2", reply="Sớm")
    assert response.status_code == 409 and "không có nội dung nào cần trả lời" in \
        response.get_data(as_text=True)
