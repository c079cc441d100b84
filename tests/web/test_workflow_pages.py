"""The workflow, audit and reviewer pages: Vietnamese messages, and the refusals."""


from server.extensions import db
from server.models import Assessment, AuditEvent
from tests.helpers import csrf_token


def _dossier(make):
    unit = make.unit("QB", level="province", name="UBND tỉnh Quảng Bình")
    return make.assessment(make.campaign(), unit)


def _post_step(client, assessment, key, reason=""):
    page = client.get(f"/assessments/{assessment.id}/workflow")
    return client.post(f"/assessments/{assessment.id}/transitions",
                       data={"transition": key, "reason": reason, "confirm_unanswered": "1",
                             "csrf_token": csrf_token(page)}, follow_redirects=True)


def _state(assessment):
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id).state


def test_unit_head_submits_from_the_page_and_sees_it_in_the_history(client, make, login):
    dossier = _dossier(make)
    login(make.user("unit_head", dossier.unit))
    page = client.get(f"/assessments/{dossier.id}/workflow").get_data(as_text=True)
    assert "Đang tự đánh giá" in page and 'value="submit"' in page
    response = _post_step(client, dossier, "submit")
    text = response.get_data(as_text=True)
    assert "Đã thực hiện: Gửi hồ sơ. Hồ sơ hiện ở trạng thái Đã gửi." in text
    assert _state(dossier) == "submitted"
    assert "Lịch sử" in text and "Đã gửi" in text


def test_a_refused_step_is_flashed_in_vietnamese_and_changes_nothing(client, make, login):
    dossier = _dossier(make)
    login(make.user("admin"))
    text = _post_step(client, dossier, "finalise").get_data(as_text=True)
    assert "khi hồ sơ đang ở trạng thái «Đang tự đánh giá»" in text
    assert _state(dossier) == "draft"
    dossier_row = db.session.get(Assessment, dossier.id)
    dossier_row.state = "finalised"
    db.session.commit()
    text = _post_step(client, dossier, "unfinalise").get_data(as_text=True)
    assert "cần ghi rõ lý do" in text
    assert _state(dossier) == "finalised"
    assert db.session.query(AuditEvent).filter(
        AuditEvent.action.startswith("assessment.")).count() == 0


def test_an_unassigned_reviewer_is_refused_with_a_vietnamese_message(client, make, login):
    dossier = _dossier(make)
    dossier.state = "submitted"
    db.session.commit()
    login(make.user("reviewer"))
    page = client.get(f"/assessments/{dossier.id}/workflow").get_data(as_text=True)
    assert 'value="start_appraisal"' not in page
    text = _post_step(client, dossier, "start_appraisal").get_data(as_text=True)
    assert "không được phân công thẩm định" in text
    assert _state(dossier) == "submitted"


def test_another_units_head_may_not_open_the_page_nor_post(client, make, login):
    dossier = _dossier(make)
    login(make.user("unit_head", make.unit("STP")))
    # Answered like a dossier that does not exist: ids reveal nothing.
    assert client.get(f"/assessments/{dossier.id}/workflow").status_code == 404
    assert client.get("/assessments/999999/workflow").status_code == 404
    token = csrf_token(client.get("/"))
    assert client.post(f"/assessments/{dossier.id}/transitions",
                       data={"transition": "submit", "csrf_token": token}).status_code == 404
    assert _state(dossier) == "draft"


def test_a_post_without_csrf_token_changes_nothing(client, make, login):
    dossier = _dossier(make)
    login(make.user("unit_head", dossier.unit))
    client.post(f"/assessments/{dossier.id}/transitions", data={"transition": "submit"})
    assert _state(dossier) == "draft"


def test_audit_page_filters_and_scopes(client, make, login):
    dossier = _dossier(make)
    other = make.assessment(make.campaign(year=2022), make.unit("STC", level="province"))
    head = make.user("unit_head", dossier.unit)
    login(head)
    _post_step(client, dossier, "submit")
    text = client.get("/audit").get_data(as_text=True)
    assert "assessment.submit" in text and "Nhật ký thao tác" in text
    assert "STC" not in text
    assert other  # the other unit's dossier exists but is not listed
    text = client.get("/audit?action=user.login").get_data(as_text=True)
    assert "assessment.submit" not in text


def test_audit_page_is_refused_to_viewers_and_reviewers(client, make, login):
    login(make.user("viewer"))
    assert client.get("/audit").status_code == 403


def test_the_reviewers_menu_entry_leads_to_the_campaign_page(client, make, login):
    # Reviewers are assigned on the campaign's page (tests/web/test_campaign_page.py).
    older, latest = make.campaign(2020), make.campaign(2021)
    login(make.user("admin"))
    assert client.get("/admin/reviewers").headers["Location"].endswith(
        f"/admin/campaigns/{latest.id}#reviewers")
    assert client.get(f"/admin/reviewers?campaign={older.id}").headers["Location"].endswith(
        f"/admin/campaigns/{older.id}#reviewers")
    assert client.get("/admin/reviewers?campaign=999999").status_code == 404


def test_reviewer_pages_are_for_administrators_only(client, make, login):
    campaign = make.campaign()
    login(make.user("reviewer"))
    assert client.get(f"/admin/reviewers?campaign={campaign.id}").status_code == 403


def test_history_names_deadline_reminders(client, make, login, app):
    from datetime import UTC, datetime

    dossier = _dossier(make)
    dossier.campaign.self_assessment_deadline = datetime(2026, 12, 10, tzinfo=UTC)
    db.session.commit()
    app.test_cli_runner().invoke(args=["parindex", "notify-deadlines",
                                       "--now", "2026-12-05T00:00:00+00:00"])
    login(make.user("unit_editor", dossier.unit))
    text = client.get(f"/assessments/{dossier.id}/workflow").get_data(as_text=True)
    assert "Đã gửi nhắc hạn (trước 7 ngày)" in text
