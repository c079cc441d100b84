"""The self-assessment service: draft saves with row versions, the evidence rule, deadlines,
sign-off with recorded totals, withdrawal."""

from datetime import UTC, datetime, timedelta

import pytest

from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Answer, AuditEvent, DeadlineExtension, Submission


@pytest.fixture
def dossier(make):
    unit = make.unit("QB", level="province")
    return make.assessment(make.campaign(), unit)


@pytest.fixture
def editor(make, dossier):
    return make.user("unit_editor", dossier.unit)


@pytest.fixture
def head(make, dossier):
    return make.user("unit_head", dossier.unit)


def test_save_draft_and_totals(dossier, editor):
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely", "version": None},
                                      "1.1.2": {"value": "95", "explanation": "Đạt 95%"}})
    rows = sa.self_rows(dossier)
    assert rows["1.1.1"].value == "timely" and rows["1.1.2"].explanation == "Đạt 95%"
    figures, _ = sa.totals(dossier)
    assert figures["domains"]["1"]["points"] == "2.00"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="answers.self_saved")) == 1  # one event for the save
    (event,) = db.session.scalars(db.select(AuditEvent).filter_by(action="answers.self_saved"))
    assert sorted(event.after) == ["1.1.1", "1.1.2"] and event.after["1.1.1"]["value"] == "timely"


def test_invalid_values_refuse_the_whole_save_with_one_problem_per_field(dossier, editor):
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "soon"},
                                          "1.1.2": {"value": "abc"},
                                          "1.2.2": {"value": "timely"}})
    problems = {(p.code, p.field, p.kind) for p in refused.value.problems}
    assert ("1.1.1", "value", "unknown_outcome") in problems
    assert ("1.1.2", "value", "not_a_number") in problems
    assert sa.self_rows(dossier) == {}


def test_stale_version_is_refused_with_the_newer_values(dossier, editor, make):
    other = make.user("unit_editor", dossier.unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}})
    sa.save_answers(dossier, other, {"1.1.1": {"value": "late", "version": 1}})
    with pytest.raises(sa.StaleWrite) as refused:
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "none", "version": 1}})
    assert refused.value.status == 409
    assert refused.value.current["1.1.1"]["value"] == "late"
    assert sa.self_rows(dossier)["1.1.1"].value == "late"


def test_a_new_row_saved_meanwhile_conflicts(dossier, editor, make):
    sa.save_answers(dossier, make.user("unit_editor", dossier.unit), {"1.1.1": {"value": "late"}})
    with pytest.raises(sa.StaleWrite):
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "none", "version": None}})


def test_viewer_and_other_unit_cannot_save(dossier, make):
    for user in (make.user("viewer"), make.user("unit_editor", make.unit("HN"))):
        with pytest.raises(sa.Forbidden):
            sa.save_answers(dossier, user, {"1.1.1": {"value": "timely"}})


def test_submit_needs_evidence_or_explanation_for_every_positive_score(dossier, editor, head):
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"},
                                      "1.1.2": {"value": "95"},
                                      "1.4.2": {"value": True, "explanation": "Xem báo cáo"}})
    with pytest.raises(sa.Invalid) as refused:
        sa.submit(dossier, head)
    assert {p.code for p in refused.value.problems} == {"1.1.1", "1.1.2"}
    assert dossier.state == "draft"


def test_submit_records_totals_and_locks_then_withdraw(dossier, editor, head):
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely", "explanation": "KH số 1"}})
    with pytest.raises(sa.Forbidden):
        sa.submit(dossier, editor)
    checked = sa.sign_off(dossier)
    submission = sa.submit(dossier, head, checked.digest, confirm_unanswered=True)
    assert dossier.state == "submitted"
    assert submission.totals["total"] == "1.00" and submission.totals == checked.totals
    with pytest.raises(sa.Locked):
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "late", "version": 1}})
    sa.withdraw(dossier, head)
    assert dossier.state == "draft"
    assert db.session.get(Submission, submission.id).withdrawn_at is not None


def test_submit_refused_when_answers_changed_after_sign_off(dossier, editor, head):
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "none"}})
    checked = sa.sign_off(dossier)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely", "explanation": "x",
                                                "version": 1}})
    with pytest.raises(sa.StaleWrite):
        sa.submit(dossier, head, checked.digest)


def test_deadline_locks_editing_unless_extended(dossier, editor, head, make):
    dossier.campaign.self_assessment_deadline = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(sa.Locked):
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "none"}})
    with pytest.raises(sa.Locked):
        sa.submit(dossier, head)
    admin = make.user("admin")
    with pytest.raises(sa.Forbidden):
        sa.grant_extension(dossier, head, datetime.now(UTC) + timedelta(days=2))
    sa.grant_extension(dossier, admin, datetime.now(UTC) + timedelta(days=2), "Lũ lụt")
    assert db.session.scalar(db.select(DeadlineExtension)).reason == "Lũ lụt"
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "none"}})
    assert db.session.scalar(db.select(Answer)).value == "none"
