"""The explanation round, the unit's side: questions, replies in the window, evidence only for
the questioned sub-criteria, the history of rounds, and every refusal."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.appraisal import decisions as ap
from server.appraisal import explanations
from server.appraisal.dossier_steps import take_transition
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.campaigns.workflow import TransitionError
from server.extensions import db
from server.models import AuditEvent, EvidenceLink, ExplanationReply
from tests.appraisal_round import appraisal_round, questioned

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def round_(make):
    return questioned(appraisal_round(make))


def _document(round_, title="Báo cáo CCHC quý IV"):
    document, = evidence.upload(round_.assessment.campaign_id, round_.unit.id, round_.editor,
                                [("bao-cao.pdf", io.BytesIO(PDF))], {"title": title,
                                                                      "number": "45/BC-UBND"})
    return document


def test_the_unit_sees_only_the_open_questions(round_):
    found = explanations.questions(round_.assessment)
    assert [(q["code"], q["question"], q["reply"]) for q in found] == [
        ("1.1.2", "Số liệu 95% lấy từ báo cáo nào?", None)]
    assert found[0]["domain"] == "1" and found[0]["title"] == "Mức độ thực hiện kế hoạch CCHC năm"


def test_a_reply_is_saved_audited_and_rewritten_with_its_version(round_):
    row = explanations.save_reply(round_.assessment, round_.editor, "1.1.2",
                                  " Báo cáo số 45/BC-UBND ")
    assert (row.reply, row.question, row.question_version, row.row_version) == (
        "Báo cáo số 45/BC-UBND", "Số liệu 95% lấy từ báo cáo nào?", 1, 1)
    event = db.session.scalars(select(AuditEvent).filter_by(action="explanation.replied")).one()
    assert (event.actor_id, event.unit_id, event.before) == (round_.editor.id, round_.unit.id,
                                                             None)
    assert event.after["reply"] == "Báo cáo số 45/BC-UBND" and event.after["code"] == "1.1.2"
    explanations.save_reply(round_.assessment, round_.head, "1.1.2", "Báo cáo 45 và 46", 1)
    with pytest.raises(sa.StaleWrite) as refused:  # the editor started from version 1
        explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Khác", 1)
    assert refused.value.status == 409
    assert refused.value.current["1.1.2"]["reply"] == "Báo cáo 45 và 46"
    assert explanations.questions(round_.assessment)[0]["reply"]["reply"] == "Báo cáo 45 và 46"
    assert db.session.scalar(select(db.func.count(ExplanationReply.id))) == 1


def test_only_questioned_codes_may_be_answered_or_get_evidence(round_):
    document = _document(round_)
    for code in ("1.1.1", "2.2.1", "9.9.9"):  # adjusted, never appraised, unknown
        with pytest.raises(sa.Invalid) as refused:
            explanations.save_reply(round_.assessment, round_.editor, code, "Trả lời")
        assert [(p.field, p.kind) for p in refused.value.problems] == [
            ("code", "not_questioned")]
        with pytest.raises(sa.Invalid):
            explanations.link_evidence(round_.assessment, round_.editor, code, document.id)
    link = explanations.link_evidence(round_.assessment, round_.editor, "1.1.2", document.id)
    assert (link.code, link.document_id) == ("1.1.2", document.id)
    assert db.session.scalar(select(db.func.count(EvidenceLink.id))) == 1
    assert explanations.questions(round_.assessment)[0]["evidence"][0]["number"] == "45/BC-UBND"


def test_an_empty_or_long_reply_is_refused(round_):
    for text, kind in (("  ", "reply_required"), ("x" * 10_001, "reply_too_long")):
        with pytest.raises(sa.Invalid) as refused:
            explanations.save_reply(round_.assessment, round_.editor, "1.1.2", text)
        assert [(p.field, p.kind) for p in refused.value.problems] == [("reply", kind)]
    assert db.session.scalar(select(db.func.count(ExplanationReply.id))) == 0


def test_nothing_else_of_the_self_assessment_opens(round_):
    document = _document(round_)
    with pytest.raises(sa.Locked):
        sa.save_answers(round_.assessment, round_.editor, {"1.1.2": {"value": "50"}})
    with pytest.raises(sa.Locked):  # the draft form's link, even for the questioned code
        sa.link(round_.assessment, round_.editor, "1.1.2", document.id)


@pytest.mark.parametrize("state", ["draft", "submitted", "in_appraisal", "explained",
                                   "appraised", "finalised"])
def test_outside_the_round_replies_are_refused(round_, state):
    document = _document(round_)
    round_.assessment.state = state
    db.session.commit()
    with pytest.raises(sa.Locked):
        explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Trả lời")
    with pytest.raises(sa.Locked):
        explanations.link_evidence(round_.assessment, round_.editor, "1.1.2", document.id)


def test_after_the_deadline_replies_are_refused_in_vietnam_time(round_):
    document = _document(round_)
    round_.assessment.campaign.explanation_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(sa.Locked) as refused:
        explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Trả lời")
    assert "giờ Việt Nam" in str(refused.value) or "Vietnam time" in str(refused.value)
    with pytest.raises(sa.Locked):
        explanations.link_evidence(round_.assessment, round_.editor, "1.1.2", document.id)
    assert not explanations.window_open(round_.assessment)
    round_.assessment.campaign.explanation_deadline = datetime.now(UTC) + timedelta(hours=1)
    db.session.commit()
    assert explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Kịp").reply


def test_who_may_answer(round_, make):
    for user in (round_.viewer, round_.reviewer, round_.admin):
        with pytest.raises(sa.Forbidden):
            explanations.save_reply(round_.assessment, user, "1.1.2", "Trả lời")
    other = make.user("unit_editor", make.unit("SNV"))
    with pytest.raises(sa.NotFound):  # the interfaces read through this first
        sa.get_assessment(round_.assessment.id, other)
    with pytest.raises(sa.Forbidden):
        explanations.save_reply(round_.assessment, other, "1.1.2", "Trả lời")


def test_a_new_round_keeps_the_history_and_the_reviewer_decides(round_):
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Báo cáo 45")
    round_.step("explain", round_.head)
    assert round_.assessment.state == "explained"
    seen = explanations.replies_by_code(round_.assessment)["1.1.2"]
    assert seen["current"]["reply"] == "Báo cáo 45" and seen["history"] == []
    # The reviewer asks again in the explained state: a new round with no reply yet.
    round_.ask(question="Báo cáo 45 chưa có chữ ký, bổ sung bản ký?", version=1)
    # An open question is no decision: the appraisal cannot be completed, only asked again.
    with pytest.raises(TransitionError):
        take_transition(round_.assessment, "complete_appraisal", round_.reviewer)
    db.session.rollback()
    round_.step("request_explanation")
    found = explanations.questions(round_.assessment)[0]
    assert found["question"].startswith("Báo cáo 45 chưa có") and found["reply"] is None
    assert [(h["question"], h["reply"]) for h in found["history"]] == [
        ("Số liệu 95% lấy từ báo cáo nào?", "Báo cáo 45")]
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Bản ký đính kèm")
    round_.step("explain", round_.head)
    row = ap.appraise(round_.assessment, round_.reviewer, "1.1.2", "accept", version=2)
    assert ap.kind_of(row, sa.self_rows(round_.assessment)["1.1.2"]) == "accepted"
    assert explanations.questions(round_.assessment) == []
    seen = explanations.replies_by_code(round_.assessment)["1.1.2"]
    assert seen["current"] is None and len(seen["history"]) == 2
