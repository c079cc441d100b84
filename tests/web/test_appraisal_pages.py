"""The reviewer's queue and appraisal screen: decisions per sub-criterion, Vietnamese messages
beside the field with the input kept, stale versions, the explicit accept-all, the steps, and
every refusal."""

import re

from sqlalchemy import select

from server.appraisal import decisions as ap
from server.appraisal import explanations
from server.extensions import db
from server.models import Answer, Assessment, AuditEvent
from tests.appraisal_round import appraisal_round, questioned
from tests.helpers import csrf_token


def _page(client, round_):
    return client.get(f"/assessments/{round_.assessment.id}/appraisal")


def _decide(client, round_, code, **data):
    token = csrf_token(_page(client, round_))
    return client.post(f"/assessments/{round_.assessment.id}/appraisal/items/{code}",
                       data={"csrf_token": token, **data}, follow_redirects=True)


def _row(round_, code):
    db.session.expire_all()
    return db.session.execute(select(Answer).filter_by(
        assessment_id=round_.assessment.id, code=code, source="appraisal")).scalar_one_or_none()


def _leaf_html(text, code):
    match = re.search(rf'<tr class="leaf[^"]*" id="leaf-{re.escape(code)}".*?</tr>', text, re.S)
    assert match, code
    return match.group(0)


def test_queue_lists_the_reviewers_domains_with_counts(client, make, login):
    round_ = questioned(appraisal_round(make))
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Báo cáo 45")
    login(round_.reviewer)
    text = client.get("/").get_data(as_text=True)
    assert 'href="/appraisal"' in text and ">Hồ sơ cần thẩm định<" in text
    text = client.get("/appraisal").get_data(as_text=True)
    assert "Hồ sơ cần thẩm định" in text and "UBND tỉnh Quảng Bình" in text
    row = re.search(r'<tr class="queue-entry"[^>]*data-domain="1".*?</tr>', text, re.S).group(0)
    assert '<td class="num done">1</td>' in row and '<td class="num asked">1 (1)</td>' in row
    assert f"/assessments/{round_.assessment.id}/appraisal#domain-1" in row
    assert text.count('class="queue-entry"') == 1  # domain 1 only
    later = make.campaign(2022)
    text = client.get(f"/appraisal?campaign={later.id}").get_data(as_text=True)
    assert "Không có hồ sơ nào chờ bạn thẩm định." in text


def test_queue_is_for_reviewers_and_administrators(client, make, login):
    round_ = appraisal_round(make)
    for user in (round_.editor, round_.viewer):
        login(user)
        assert client.get("/appraisal").status_code == 403
        assert 'href="/appraisal"' not in client.get("/").get_data(as_text=True)


def test_the_screen_shows_self_input_explanation_evidence_and_totals(client, make, login):
    round_ = appraisal_round(make)
    ap.appraise(round_.assessment, round_.reviewer, "1.1.1", "adjust", value="late",
                reason="Kế hoạch ban hành muộn")
    login(round_.reviewer)
    text = _page(client, round_).get_data(as_text=True)
    assert "Thẩm định: UBND tỉnh Quảng Bình" in text
    row = _leaf_html(text, "1.1.1")
    assert "Ban hành kịp thời" in row and "Điều chỉnh" in row and "Ban hành không kịp thời" in row
    assert "Kế hoạch ban hành muộn" in row and 'class="appraised-points">0,5<' in row
    assert 'id="leaf-2.2.1"' not in text  # domain 2 is not this reviewer's
    assert re.search(r'id="self-total">[^<]+<', text)
    assert 'id="appraised-total">' in text
    assert "Chấp nhận tất cả tiêu chí chưa thẩm định của lĩnh vực 1" in text
    assert 'value="start_appraisal"' not in text  # already in appraisal


def test_adjust_without_reason_keeps_the_input_and_says_why_in_vietnamese(client, make, login):
    round_ = appraisal_round(make)
    login(round_.reviewer)
    response = _decide(client, round_, "1.1.2", action="adjust", **{"v-1.1.2": "80"})
    assert response.status_code == 422
    row = _leaf_html(response.get_data(as_text=True), "1.1.2")
    assert "Nêu lý do điều chỉnh." in row and 'value="80"' in row
    response = _decide(client, round_, "1.1.2", action="adjust", reason="Theo báo cáo",
                       **{"v-1.1.2": "tám mươi"})
    assert response.status_code == 422 and 'value="tám mươi"' in response.get_data(as_text=True)
    assert _row(round_, "1.1.2") is None
    response = _decide(client, round_, "1.1.2", action="adjust", reason="Theo báo cáo 45",
                       **{"v-1.1.2": "80"})
    assert response.status_code == 200 and "Đã lưu: 1.1.2." in response.get_data(as_text=True)
    row = _row(round_, "1.1.2")
    assert (row.value, row.reason, row.author_id) == ("80", "Theo báo cáo 45", round_.reviewer.id)


def test_accept_and_ask(client, make, login):
    round_ = appraisal_round(make)
    login(round_.reviewer)
    assert _decide(client, round_, "1.1.1", action="accept").status_code == 200
    assert _row(round_, "1.1.1").value == "timely"
    response = _decide(client, round_, "1.1.2", action="request_explanation")
    assert response.status_code == 422 and "Nhập câu hỏi." in response.get_data(as_text=True)
    _decide(client, round_, "1.1.2", action="request_explanation", reason="Nguồn số liệu?")
    assert ap.kind_of(_row(round_, "1.1.2")) == "question"
    row = _leaf_html(_page(client, round_).get_data(as_text=True), "1.1.2")
    assert "Đề nghị giải trình" in row and "Nguồn số liệu?" in row


def test_a_stale_decision_shows_the_newer_one(client, make, login):
    round_ = appraisal_round(make)
    ap.appraise(round_.assessment, round_.admin, "1.1.1", "adjust", value="none",
                reason="Không có kế hoạch")
    login(round_.reviewer)
    token = csrf_token(_page(client, round_))
    response = client.post(f"/assessments/{round_.assessment.id}/appraisal/items/1.1.1",
                           data={"csrf_token": token, "action": "adjust", "version": "",
                                 "reason": "Muộn", "v-1.1.1": "late"})
    assert response.status_code == 409
    row = _leaf_html(response.get_data(as_text=True), "1.1.1")
    assert "Người khác vừa thẩm định" in response.get_data(as_text=True)
    assert "Không ban hành" in row and "Không có kế hoạch" in row and ">Muộn</textarea>" in row
    assert _row(round_, "1.1.1").value == "none"


def test_accept_all_needs_the_confirmation(client, make, login):
    round_ = appraisal_round(make)
    login(round_.reviewer)
    token = csrf_token(_page(client, round_))
    url = f"/assessments/{round_.assessment.id}/appraisal/accept-untouched"
    response = client.post(url, data={"csrf_token": token, "domain": "1"})
    assert response.status_code == 422
    assert "Hãy đánh dấu xác nhận" in response.get_data(as_text=True)
    assert _row(round_, "1.1.1") is None
    response = client.post(url, data={"csrf_token": token, "domain": "1", "confirm": "1"},
                           follow_redirects=True)
    assert "Đã chấp nhận kết quả tự đánh giá của đơn vị cho 2 tiêu chí" in \
        response.get_data(as_text=True)
    assert _row(round_, "1.1.1").value == "timely" and _row(round_, "2.2.1") is None
    assert client.post(url, data={"csrf_token": token, "domain": "2", "confirm": "1"}
                       ).status_code == 403


def test_refusals(client, make, login):
    round_ = appraisal_round(make)
    # A reviewer of another domain, a unit member, a viewer: 403; another unit's editor: 404.
    login(round_.reviewer)
    assert _decide(client, round_, "2.2.1", action="accept").status_code == 403
    for user, status in ((round_.editor, 403), (round_.viewer, 403),
                         (make.user("unit_editor", make.unit("SNV")), 404)):
        login(user)
        assert _page(client, round_).status_code == status
        token = csrf_token(client.get("/"))
        assert client.post(f"/assessments/{round_.assessment.id}/appraisal/items/1.1.1",
                           data={"csrf_token": token, "action": "accept"}
                           ).status_code == status
    assert client.get("/assessments/999999/appraisal").status_code == 404
    # Without a CSRF token nothing is written.
    login(round_.reviewer)
    assert client.post(f"/assessments/{round_.assessment.id}/appraisal/items/1.1.1",
                       data={"action": "accept"}).status_code == 400
    assert _row(round_, "1.1.1") is None
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action.startswith("appraisal."))) == 0


def test_outside_appraisal_the_screen_is_read_only(client, make, login):
    round_ = appraisal_round(make)
    round_.assessment.state = "explanation_requested"
    db.session.commit()
    login(round_.reviewer)
    text = _page(client, round_).get_data(as_text=True)
    assert 'id="not-editable"' in text and 'name="action"' not in text
    response = _decide(client, round_, "1.1.1", action="accept")
    assert response.status_code == 409
    assert "Hồ sơ không ở giai đoạn thẩm định." in response.get_data(as_text=True)
    assert _row(round_, "1.1.1") is None


def test_steps_from_the_screen(client, make, login):
    round_ = appraisal_round(make)
    round_.assessment.state = "submitted"
    db.session.commit()
    login(round_.reviewer)
    text = _page(client, round_).get_data(as_text=True)
    assert 'value="start_appraisal"' in text and 'id="not-editable"' in text

    def step(key, reason=""):
        token = csrf_token(_page(client, round_))
        return client.post(f"/assessments/{round_.assessment.id}/appraisal/steps",
                           data={"csrf_token": token, "transition": key, "reason": reason},
                           follow_redirects=True).get_data(as_text=True)

    assert "Hồ sơ hiện ở trạng thái Đang thẩm định" in step("start_appraisal")
    _decide(client, round_, "1.1.2", action="request_explanation", reason="Nguồn số liệu?")
    step("request_explanation")
    db.session.expire_all()
    assert db.session.get(Assessment, round_.assessment.id).state == "explanation_requested"
    assert "khi hồ sơ đang ở trạng thái «Yêu cầu giải trình»" in step("complete_appraisal")
    token = csrf_token(_page(client, round_))
    assert client.post(f"/assessments/{round_.assessment.id}/appraisal/steps",
                       data={"csrf_token": token, "transition": "finalise"}).status_code == 404


def test_the_unit_reply_is_shown_to_the_reviewer(client, make, login):
    round_ = questioned(appraisal_round(make))
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Báo cáo số 45/BC-UBND")
    round_.step("explain", round_.head)
    login(round_.reviewer)
    row = _leaf_html(_page(client, round_).get_data(as_text=True), "1.1.2")
    assert "Đơn vị giải trình: Báo cáo số 45/BC-UBND" in row and 'value="accept"' in row
    _decide(client, round_, "1.1.2", action="accept", version="1")
    assert _row(round_, "1.1.2").value == "95"


def test_the_screen_is_read_in_a_fixed_number_of_queries(client, make, login):
    import io

    from sqlalchemy import event

    from server.assessment import evidence

    round_ = questioned(appraisal_round(make))
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"

    def link(n, code):
        document, = evidence.upload(round_.assessment.campaign_id, round_.unit.id,
                                    round_.editor, [(f"{n}.pdf", io.BytesIO(pdf + bytes([n])))],
                                    {"title": f"Tài liệu {n}"})
        evidence.add_link(round_.assessment, round_.editor, code, document.id)

    def statements():
        counted = []

        def count(*_args):
            counted.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert _page(client, round_).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    link(0, "1.1.2")
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Báo cáo 45")
    round_.step("explain", round_.head)
    login(round_.reviewer)
    few = statements()
    # More documents, replies and decisions: the same number of statements.
    for n, code in ((1, "1.1.2"), (2, "1.1.2"), (3, "1.2.1")):
        link(n, code)
    ap.appraise(round_.assessment, round_.reviewer, "1.2.1", "request_explanation", reason="?")
    ap.appraise(round_.assessment, round_.reviewer, "1.1.1", "accept", version=1)
    assert statements() == few
