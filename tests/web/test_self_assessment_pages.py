"""The self-assessment form, sign-off and evidence pages through the real web UI."""

import re

import pytest

from server.extensions import db
from server.models import Answer, Assessment, EvidenceLink
from tests.helpers import csrf_token

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


def test_form_shows_domains_inputs_and_totals(client, login, make, dossier):
    login(make.user("unit_editor", dossier.unit))
    page = client.get(f"/assessments/{dossier.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="domain-1"' in html and 'name="v-1.1.1"' in html and 'name="ex-1.1.1"' in html
    assert "Ban hành kịp thời" in html


def save(client, dossier, data, domain=None):
    page = client.get(f"/assessments/{dossier.id}")
    form = {"csrf_token": csrf_token(page), **data}
    return client.post(f"/assessments/{dossier.id}", data=form)


def test_save_then_invalid_keeps_typed_values_with_vietnamese_messages(client, login, make,
                                                                       dossier):
    login(make.user("unit_editor", dossier.unit))
    saved = save(client, dossier, {"ver-1.1.1": "", "v-1.1.1": "timely",
                                   "ex-1.1.1": "Kế hoạch số 12"})
    assert saved.status_code == 302
    page = client.get(f"/assessments/{dossier.id}").get_data(as_text=True)
    assert 'id="total">1<' in page
    refused = save(client, dossier, {"ver-1.1.1": "1", "v-1.1.1": "late",
                                     "ver-1.1.2": "", "v-1.1.2": "chín mươi",
                                     "ex-1.1.2": "Giải trình đang gõ"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="chín mươi"' in html and "Giải trình đang gõ" in html
    assert 'data-code="1.1.2" data-field="value">Hãy nhập một số.' in html
    assert re.search(r'<option value="late"\s+selected', html)
    assert db.session.scalar(db.select(Answer.value).filter_by(code="1.1.1")) == "timely"


def test_stale_save_answers_409_keeps_input_and_shows_newer(client, login, make, dossier):
    from server.assessment import self_assessment as sa

    editor = make.user("unit_editor", dossier.unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}})
    sa.save_answers(dossier, make.user("unit_editor", dossier.unit),
                    {"1.1.1": {"value": "none", "version": 1}})
    login(editor)
    refused = save(client, dossier, {"ver-1.1.1": "1", "v-1.1.1": "late", "ex-1.1.1": "Của tôi"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Của tôi" in html and re.search(r'<option value="late"\s+selected', html)
    assert "Saved meanwhile" in html or "Đã được người khác lưu" in html
    assert db.session.scalar(db.select(Answer.value).filter_by(code="1.1.1")) == "none"


def test_upload_link_sign_off_submit_and_withdraw(client, login, make, dossier):
    editor = make.user("unit_editor", dossier.unit)
    login(editor)
    library = client.get(f"/assessments/{dossier.id}/evidence")
    uploaded = client.post(f"/assessments/{dossier.id}/evidence", data={
        "csrf_token": csrf_token(library), "number": "12/KH-UBND", "issued_on": "15/01/2021",
        "issuer": "UBND tỉnh", "title": "Kế hoạch CCHC năm 2021",
        "files": [(__import__("io").BytesIO(PDF), "Kế hoạch.pdf")]},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    document_id = int(re.search(r'id="document-(\d+)"', client.get(
        f"/assessments/{dossier.id}/evidence").get_data(as_text=True)).group(1))
    assert save(client, dossier, {"ver-1.1.1": "", "v-1.1.1": "timely",
                                  "link-1.1.1": str(document_id)}).status_code == 302
    assert db.session.scalar(db.select(EvidenceLink.code)) == "1.1.1"
    file_link = re.search(r'href="(/evidence/revisions/\d+/file)"', client.get(
        f"/assessments/{dossier.id}").get_data(as_text=True)).group(1)
    served = client.get(file_link)
    assert served.data == PDF and served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf" in served.headers[
        "Content-Disposition"]

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    head = make.user("unit_head", dossier.unit)
    login(head)
    sign_off = client.get(f"/assessments/{dossier.id}/submit")
    assert 'id="submit-total">1<' in sign_off.get_data(as_text=True)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"',
                       sign_off.get_data(as_text=True)).group(1)
    submitted = client.post(f"/assessments/{dossier.id}/submit",
                            data={"csrf_token": csrf_token(sign_off), "digest": digest,
                                  "confirm_unanswered": "1"})
    assert submitted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, dossier.id).state == "submitted"
    page = client.get(f"/assessments/{dossier.id}")
    assert 'id="save"' not in page.get_data(as_text=True)
    client.post(f"/assessments/{dossier.id}/withdraw", data={"csrf_token": csrf_token(page)})
    db.session.expire_all()
    assert db.session.get(Assessment, dossier.id).state == "draft"


def test_submit_lists_every_sub_criterion_breaking_the_evidence_rule(client, login, make,
                                                                     dossier):
    from server.assessment import self_assessment as sa

    sa.save_answers(dossier, make.user("unit_editor", dossier.unit),
                    {"1.1.1": {"value": "timely"}, "1.1.2": {"value": "95"}})
    login(make.user("unit_head", dossier.unit))
    page = client.get(f"/assessments/{dossier.id}/submit")
    refused = client.post(f"/assessments/{dossier.id}/submit",
                          data={"csrf_token": csrf_token(page)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "#leaf-1.1.1" in html and "#leaf-1.1.2" in html


@pytest.mark.parametrize("role", ["viewer", "other_editor"])
def test_other_unit_and_viewer_cannot_change_anything_on_the_web(client, login, make, dossier,
                                                                  role):
    user = make.user("viewer") if role == "viewer" else make.user("unit_editor",
                                                                  make.unit("HN"))
    login(user)
    page = client.get("/")
    token = csrf_token(page)
    if role == "other_editor":
        assert client.get(f"/assessments/{dossier.id}").status_code == 404
        assert client.get(f"/assessments/{dossier.id}/evidence").status_code == 404
    posted = client.post(f"/assessments/{dossier.id}", data={
        "csrf_token": token, "ver-1.1.1": "", "v-1.1.1": "timely"})
    assert posted.status_code in (403, 404)
    uploaded = client.post(f"/assessments/{dossier.id}/evidence", data={
        "csrf_token": token, "title": "x", "files": [(__import__("io").BytesIO(PDF), "a.pdf")]},
        content_type="multipart/form-data")
    assert uploaded.status_code in (403, 404)
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_after_the_deadline_saving_is_refused_in_vietnamese_and_input_kept(client, login, make,
                                                                            dossier):
    from datetime import UTC, datetime, timedelta

    dossier.campaign.self_assessment_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    login(make.user("unit_editor", dossier.unit))
    refused = save(client, dossier, {"ver-1.1.1": "", "v-1.1.1": "timely",
                                     "ex-1.1.1": "Nội dung đang gõ"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Đã quá thời hạn tự đánh giá" in html and "giờ Việt Nam" in html
    assert "Nội dung đang gõ" in html
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_a_viewer_sees_the_form_read_only(client, login, make, dossier):
    login(make.user("viewer"))
    html = client.get(f"/assessments/{dossier.id}").get_data(as_text=True)
    assert 'id="save"' not in html and "disabled" in html


def test_proportional_above_required_earns_the_max_and_the_form_says_so(client, login, make,
                                                                        dossier):
    login(make.user("unit_editor", dossier.unit))
    html = client.get(f"/assessments/{dossier.id}?domain=1").get_data(as_text=True)
    assert "Vượt mức yêu cầu được tính là đạt đủ" in html
    saved = save(client, dossier, {"ver-1.6.1": "", "v-1.6.1-achieved": "12",
                                   "v-1.6.1-required": "10", "ex-1.6.1": "Vượt kế hoạch"})
    assert saved.status_code == 302
    html = client.get(f"/assessments/{dossier.id}?domain=1").get_data(as_text=True)
    assert 'name="v-1.6.1-achieved" size="6" inputmode="decimal" value="12"' in html
    leaf_max = re.search(r'id="leaf-1\.6\.1">.*?<td class="num max">([^<]+)</td>', html, re.S)[1]
    assert re.search(r'id="total">' + re.escape(leaf_max) + "<", html)


def test_a_refused_field_saves_nothing_and_the_page_says_which(client, login, make, dossier):
    login(make.user("unit_editor", dossier.unit))
    refused = save(client, dossier, {"ver-1.1.1": "", "v-1.1.1": "timely",
                                     "ver-1.1.2": "", "v-1.1.2": "chín mươi",
                                     "ver-1.2.1": "", "v-1.2.1": "yes", "na-1.2.1": "1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert ("Chưa lưu gì: 1.1.2, 1.2.1 chưa thể lưu như đã nhập (xem thông báo bên cạnh). "
            "Các nội dung khác vẫn còn trên trang nhưng chưa được lưu: hãy sửa các mục này "
            "rồi lưu lại.") in html
    assert re.search(r'<option value="timely"\s+selected', html)  # kept, not saved
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0


def test_after_a_refused_submission_there_is_no_submit_button_but_the_reason(client, login,
                                                                            make, dossier):
    from server.assessment import self_assessment as sa

    editor = make.user("unit_editor", dossier.unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely", "explanation": "KH 12"}})
    login(editor)
    html = client.get(f"/assessments/{dossier.id}/submit").get_data(as_text=True)
    assert 'id="submit"' not in html
    assert "Chỉ lãnh đạo đơn vị mới gửi được kết quả tự đánh giá." in html
    login(make.user("unit_head", dossier.unit))
    page = client.get(f"/assessments/{dossier.id}/submit")
    assert 'id="submit"' in page.get_data(as_text=True)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page.get_data(as_text=True))[1]
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "late", "version": 1}})
    refused = client.post(f"/assessments/{dossier.id}/submit", data={
        "csrf_token": csrf_token(page), "digest": digest, "confirm_unanswered": "1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert 'id="submit"' not in html and 'id="not-submittable"' in html
    assert "thay đổi sau khi" in html and "Kiểm tra lại tổng điểm" in html
    assert db.session.get(Assessment, dossier.id).state == "draft"
