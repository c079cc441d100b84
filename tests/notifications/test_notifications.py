"""Notifications through the event hook: in-app rows inside the transaction, e-mail in
Vietnamese through a real SMTP server after the commit, deadline reminders once per kind."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.campaigns.workflow import apply_transition
from server.extensions import db
from server.models import Assessment, AuditEvent, Notification, ReviewerAssignment, User
from server.results.publications import publish
from tests.helpers import csrf_token


@pytest.fixture
def world(make):
    unit = make.unit("STP", level="department", name="Sở Tư pháp")
    other = make.unit("STC", level="department")
    campaign = make.campaign(pins=(("department", "province-2020", "1.0.0"),),
                             explanation_deadline=datetime(2026, 12, 20, 10, 0, tzinfo=UTC))
    assessment = make.assessment(campaign, unit)
    people = {
        "admin": make.user("admin", username="admin"),
        "reviewer": make.user("reviewer", username="reviewer"),
        "stranger": make.user("reviewer", username="stranger"),
        "head": make.user("unit_head", unit, username="head"),
        "editor": make.user("unit_editor", unit, username="editor"),
        "other_head": make.user("unit_head", other, username="otherhead"),
    }
    for name, user in people.items():
        user.email = f"{name}@example.gov.vn"
    db.session.add(ReviewerAssignment(campaign_id=campaign.id,
                                      reviewer_id=people["reviewer"].id, domains=["1"]))
    db.session.commit()
    return {"assessment": assessment, "campaign": campaign, "unit": unit, **people}


def _step(world, key, actor, reason=""):
    assessment = db.session.get(Assessment, world["assessment"].id)
    apply_transition(assessment, key, world[actor], reason)
    db.session.commit()


def _notified(kind):
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind)).all()
    return sorted(db.session.get(User, n.user_id).username for n in rows)


def test_submission_tells_admins_and_assigned_reviewers_by_mail_after_commit(world, inbox):
    assessment = db.session.get(Assessment, world["assessment"].id)
    apply_transition(assessment, "submit", world["head"])
    db.session.flush()
    assert _notified("submitted") == ["admin", "reviewer"]  # in the transaction already
    assert inbox.wait_for(1, timeout=0.3) == []  # but no e-mail before the commit
    db.session.commit()
    messages = inbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["admin@example.gov.vn",
                                                 "reviewer@example.gov.vn"]
    mail = inbox.to("reviewer@example.gov.vn")[0]
    assert mail["Subject"] == "[Chỉ số CCHC] Sở Tư pháp đã gửi hồ sơ tự đánh giá"
    body = mail.get_content()
    assert "Kính gửi Nguyễn Văn A" in body
    assert f"https://cchc.example.gov.vn/assessments/{assessment.id}/workflow" in body


def test_a_rolled_back_write_sends_nothing_and_keeps_no_notification(world, inbox):
    assessment = db.session.get(Assessment, world["assessment"].id)
    apply_transition(assessment, "submit", world["head"])
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # an unrelated later commit must not send the dropped mail
    assert inbox.wait_for(1, timeout=0.5) == []
    assert db.session.query(Notification).count() == 0


def test_each_step_reaches_the_right_people(world, inbox):
    _step(world, "submit", "head")
    _step(world, "start_appraisal", "reviewer")
    _step(world, "request_explanation", "reviewer", "Bổ sung kế hoạch số 24/KH-UBND")
    _step(world, "explain", "head", "Đã bổ sung")
    _step(world, "complete_appraisal", "reviewer")
    _step(world, "finalise", "admin")
    # Publishing moves the whole group at once; each unit's people hear of it.
    publish(world["campaign"], "department", world["admin"], reason="chưa chấm hết",
            confirm_gaps=True)
    assert _notified("explanation_requested") == ["editor", "head"]
    assert _notified("explained") == ["admin", "reviewer"]
    assert _notified("finalised") == ["editor", "head"]
    assert _notified("published") == ["editor", "head"]
    assert db.session.query(Notification).filter(
        Notification.kind.in_(("in_appraisal", "appraised"))).count() == 0
    messages = inbox.wait_for(10)
    assert len(messages) == 10
    assert not inbox.to("stranger@example.gov.vn") and not inbox.to("otherhead@example.gov.vn")
    asked = inbox.to("head@example.gov.vn")[0]
    assert asked["Subject"] == "[Chỉ số CCHC] Đề nghị giải trình: Chỉ số CCHC năm 2021"
    assert "Bổ sung kế hoạch số 24/KH-UBND" in asked.get_content()
    assert "Hạn giải trình: 20/12/2026 17:00." in asked.get_content()  # Hà Nội time


def test_an_smtp_failure_does_not_undo_the_write(world, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    try:
        _step(world, "submit", "head")
    finally:
        app.config.update(SMTP_HOST="")
    assert db.session.get(Assessment, world["assessment"].id).state == "submitted"
    assert _notified("submitted") == ["admin", "reviewer"]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["parindex", *args])


def test_deadline_reminders_are_sent_once_per_window(world, app, inbox):
    deadline = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
    campaign = world["campaign"]
    campaign.self_assessment_deadline = deadline
    db.session.commit()
    eight_days = (deadline - timedelta(days=8)).isoformat()
    assert run(app, "notify-deadlines", "--now", eight_days).output.startswith("0 ")
    five_days = (deadline - timedelta(days=5)).isoformat()
    result = run(app, "notify-deadlines", "--now", five_days)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 ")
    assert run(app, "notify-deadlines", "--now", five_days).output.startswith("0 ")
    assert _notified("deadline_7") == ["editor", "head"]
    half_day = (deadline - timedelta(hours=12)).isoformat()
    assert run(app, "notify-deadlines", "--now", half_day).output.startswith("1 ")
    assert run(app, "notify-deadlines", "--now", half_day).output.startswith("0 ")
    assert _notified("deadline_1") == ["editor", "head"]
    messages = inbox.wait_for(4)
    subjects = sorted({m["Subject"] for m in messages})
    assert subjects == [
        "[Chỉ số CCHC] Còn 1 ngày đến hạn gửi hồ sơ tự đánh giá: Chỉ số CCHC năm 2021",
        "[Chỉ số CCHC] Còn 7 ngày đến hạn gửi hồ sơ tự đánh giá: Chỉ số CCHC năm 2021",
    ]
    assert db.session.query(AuditEvent).filter(
        AuditEvent.action == "assessment.deadline_reminder").count() == 2


def test_a_late_first_run_sends_only_the_one_day_reminder(world, app, inbox):
    world["campaign"].self_assessment_deadline = datetime(2026, 12, 10, tzinfo=UTC)
    db.session.commit()
    assert run(app, "notify-deadlines", "--now", "2026-12-09T12:00:00+00:00").output \
        .startswith("1 ")
    assert run(app, "notify-deadlines", "--now", "2026-12-09T13:00:00+00:00").output \
        .startswith("0 ")
    assert _notified("deadline_7") == [] and _notified("deadline_1") == ["editor", "head"]


def test_submitted_units_and_past_deadlines_are_not_reminded(world, app):
    world["campaign"].self_assessment_deadline = datetime(2026, 12, 10, tzinfo=UTC)
    db.session.commit()
    assert run(app, "notify-deadlines", "--now", "2026-12-11T00:00:00+00:00").output \
        .startswith("0 ")
    _step(world, "submit", "head")
    assert run(app, "notify-deadlines", "--now", "2026-12-09T00:00:00+00:00").output \
        .startswith("0 ")


def test_explanation_deadline_reminds_the_unit(world, app):
    assessment = db.session.get(Assessment, world["assessment"].id)
    assessment.state = "explanation_requested"
    db.session.commit()
    assert run(app, "notify-deadlines", "--now", "2026-12-15T00:00:00+00:00").output \
        .startswith("1 ")
    body = db.session.scalars(select(Notification.body)).first()
    assert "Hạn giải trình" in body and "20/12/2026 17:00" in body


def test_in_app_list_unread_count_and_mark_as_read(world, client, login):
    _step(world, "submit", "head")
    login(world["reviewer"])
    page = client.get("/notifications")
    text = page.get_data(as_text=True)
    assert "Thông báo (1)" in text
    assert "Sở Tư pháp đã gửi hồ sơ tự đánh giá" in text
    own = db.session.scalars(select(Notification).where(
        Notification.user_id == world["reviewer"].id)).one()
    admins = db.session.scalars(select(Notification).where(
        Notification.user_id == world["admin"].id)).one()
    token = csrf_token(page)
    assert client.post(f"/notifications/{admins.id}/read",
                       data={"csrf_token": token}).status_code == 404
    client.post(f"/notifications/{own.id}/read", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Notification, own.id).read_at is not None
    assert db.session.get(Notification, admins.id).read_at is None
    assert "Thông báo (1)" not in client.get("/notifications").get_data(as_text=True)


def test_notifications_api_lists_only_ones_own(world, client, token_for):
    _step(world, "submit", "head")
    headers = token_for(world["admin"])
    items = client.get("/api/v1/notifications", headers=headers).get_json()
    assert [n["kind"] for n in items] == ["submitted"]
    others = client.get("/api/v1/notifications", headers=token_for(world["head"])).get_json()
    assert others == []
    assert client.post(f"/api/v1/notifications/{items[0]['id']}/read",
                       headers=token_for(world["reviewer"])).status_code == 404
    assert client.post(f"/api/v1/notifications/{items[0]['id']}/read",
                       headers=headers).status_code == 204
    assert client.get("/api/v1/notifications", headers=headers).get_json()[0]["read_at"]


def test_two_reminder_runs_at_once_send_each_reminder_once(world, app, make):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("real concurrent runs need PostgreSQL")
    import threading

    from server.campaigns.reminders import send_deadline_reminders

    world["campaign"].self_assessment_deadline = datetime(2026, 12, 10, tzinfo=UTC)
    for _ in range(5):
        make.assessment(world["campaign"], make.unit(level="department"))
    db.session.commit()
    now = datetime(2026, 12, 5, tzinfo=UTC)
    counts, errors = [], []
    barrier = threading.Barrier(2)

    def run_once():
        try:
            with app.app_context():
                barrier.wait()
                counts.append(send_deadline_reminders(now))
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 6
    assert db.session.query(AuditEvent).filter(
        AuditEvent.action == "assessment.deadline_reminder").count() == 6
