"""The appraisal service: accept, adjust with a reason, questions to the unit, who may appraise
what and when, stale versions, the explicit accept-all, events and the reviewer's view."""

import pytest
from sqlalchemy import event, select

from server.appraisal import decisions as ap
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Answer, AuditEvent, ReviewerAssignment, RoleMembership


@pytest.fixture
def dossier(make):
    unit = make.unit("QB", level="province")
    assessment = make.assessment(make.campaign(), unit)
    editor = make.user("unit_editor", unit)
    sa.save_answers(assessment, editor, {"1.1.1": {"value": "timely"},
                                         "1.1.2": {"value": "95"},
                                         "2.2.1": {"value": "timely"}})
    assessment.state = "in_appraisal"
    db.session.commit()
    return assessment


@pytest.fixture
def reviewer(make, dossier):
    user = make.user("reviewer", username="rv")
    db.session.add(ReviewerAssignment(campaign_id=dossier.campaign_id, reviewer_id=user.id,
                                      domains=["1"]))
    db.session.commit()
    return user


def _row(dossier, code):
    return db.session.execute(select(Answer).filter_by(
        assessment_id=dossier.id, code=code, source="appraisal")).scalar_one_or_none()


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.startswith("appraisal.")).order_by(AuditEvent.id))]


def test_accept_copies_the_self_input_and_emits_an_event(dossier, reviewer):
    row = ap.appraise(dossier, reviewer, "1.1.1", "accept")
    assert (row.value, row.author_id, row.row_version) == ("timely", reviewer.id, 1)
    assert ap.kind_of(row, sa.self_rows(dossier)["1.1.1"]) == "accepted"
    assert sa.self_rows(dossier)["1.1.1"].value == "timely"  # the self row is untouched
    event_row = db.session.scalars(select(AuditEvent).filter_by(
        action="appraisal.accepted")).one()
    assert event_row.before is None and event_row.after["value"] == "timely"
    assert event_row.actor_id == reviewer.id


def test_adjust_needs_a_reason_and_a_valid_value(dossier, reviewer):
    with pytest.raises(sa.Invalid) as refused:
        ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="late")
    assert [p.field for p in refused.value.problems] == ["reason"]
    with pytest.raises(sa.Invalid) as refused:
        ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="soon", reason="Sai")
    assert [(p.field, p.kind) for p in refused.value.problems] == [("value", "unknown_outcome")]
    assert _row(dossier, "1.1.1") is None and _actions() == []
    row = ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="late",
                      reason="Ban hành muộn")
    assert (row.value, row.reason) == ("late", "Ban hành muộn")
    ap.appraise(dossier, reviewer, "1.1.1", "accept", version=1)
    assert _actions() == ["appraisal.adjusted", "appraisal.accepted"]
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last.before["value"] == "late" and last.after["value"] == "timely"


def test_a_question_needs_its_text_and_does_not_count(dossier, reviewer):
    with pytest.raises(sa.Invalid) as refused:
        ap.appraise(dossier, reviewer, "1.1.2", "request_explanation", reason=" ")
    assert refused.value.problems[0].field == "reason"
    row = ap.appraise(dossier, reviewer, "1.1.2", "request_explanation",
                      reason="Số liệu lấy từ đâu?")
    assert ap.kind_of(row) == "question" and row.reason == "Số liệu lấy từ đâu?"
    assert _actions() == ["appraisal.explanation_requested"]
    view = ap.appraisal_view(dossier, reviewer)
    item = next(i for i in view["items"] if i["code"] == "1.1.2")
    assert item["appraisal"]["kind"] == "question" and item["appraisal"]["points"] is None
    assert view["totals"]["appraised_total"] == view["totals"]["self_total"]


def test_stale_version_is_refused(dossier, reviewer, make):
    other = make.user("admin")
    ap.appraise(dossier, reviewer, "1.1.1", "accept")
    ap.appraise(dossier, other, "1.1.1", "adjust", value="none", reason="Không có", version=1)
    with pytest.raises(sa.StaleWrite) as refused:
        ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="late", reason="x", version=1)
    assert refused.value.status == 409
    assert refused.value.current["1.1.1"]["value"] == "none"
    with pytest.raises(sa.StaleWrite):
        ap.appraise(dossier, reviewer, "1.1.2", "accept", version=3)
    assert _row(dossier, "1.1.1").value == "none"


@pytest.mark.parametrize("state", ["draft", "submitted", "explanation_requested", "appraised"])
def test_outside_appraisal_the_dossier_is_locked(dossier, reviewer, state):
    dossier.state = state
    db.session.commit()
    with pytest.raises(sa.Locked):
        ap.appraise(dossier, reviewer, "1.1.1", "accept")
    assert _row(dossier, "1.1.1") is None


def test_explained_dossiers_can_be_appraised(dossier, reviewer):
    dossier.state = "explained"
    db.session.commit()
    assert ap.appraise(dossier, reviewer, "1.1.1", "accept").value == "timely"


def test_codes_must_be_self_assessed_leaves(dossier, reviewer):
    for code in ("9.9.9", "1.1", "1.1.3"):  # unknown, not a leaf, survey
        with pytest.raises(sa.Invalid) as refused:
            ap.appraise(dossier, reviewer, code, "accept")
        assert refused.value.problems[0].field == "code", code


def test_who_may_appraise(dossier, reviewer, make):
    with pytest.raises(sa.Forbidden):  # assigned, but not to domain 2
        ap.appraise(dossier, reviewer, "2.2.1", "accept")
    insider = make.user("reviewer")
    insider.memberships.append(RoleMembership(role="unit_editor", unit_id=dossier.unit_id))
    db.session.add(ReviewerAssignment(campaign_id=dossier.campaign_id,
                                      reviewer_id=insider.id, domains=["1", "2"]))
    db.session.commit()
    unit_head = make.user("unit_head", dossier.unit)
    for user in (make.user("reviewer"), insider, unit_head, make.user("viewer")):
        with pytest.raises(sa.Forbidden):
            ap.appraise(dossier, user, "1.1.1", "accept")
        with pytest.raises(sa.Forbidden):
            ap.appraisal_view(dossier, user)
    assert _actions() == []


def test_accept_untouched_only_fills_untouched_answered_items(dossier, reviewer):
    ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="late", reason="Muộn")
    assert ap.accept_untouched(dossier, reviewer, "1") == ["1.1.2"]
    assert _row(dossier, "1.1.1").value == "late"
    assert _row(dossier, "1.1.2").value == "95"
    assert _row(dossier, "2.2.1") is None
    assert ap.accept_untouched(dossier, reviewer, "1") == []
    with pytest.raises(sa.Forbidden):
        ap.accept_untouched(dossier, reviewer, "2")
    with pytest.raises(sa.Invalid):
        ap.accept_untouched(dossier, reviewer, "99")
    assert _actions() == ["appraisal.adjusted", "appraisal.accepted"]


def test_view_lists_the_reviewers_domains_with_totals_in_fixed_queries(dossier, reviewer,
                                                                        app):
    ap.appraise(dossier, reviewer, "1.1.1", "adjust", value="none", reason="Không có")

    def statements():
        counted = []

        def count(*_args):
            counted.append(1)

        ap.appraisal_view(dossier, reviewer)  # warm the session's lazy loads
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            view = ap.appraisal_view(dossier, reviewer)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return view, len(counted)

    view, few = statements()
    assert view["domains"] == ["1"]
    assert {i["domain"] for i in view["items"]} == {"1"}
    assert "1.1.3" not in {i["code"] for i in view["items"]}  # survey items are not appraised
    item = next(i for i in view["items"] if i["code"] == "1.1.1")
    assert item["self"]["value"] == "timely" and item["self_points"] == "1"
    assert item["appraisal"]["value"] == "none" and item["appraisal"]["points"] == "0"
    assert item["appraisal"]["kind"] == "adjusted"
    totals = view["totals"]["domains"]["1"]
    assert totals["appraised_points"] != totals["self_points"]
    ap.appraise(dossier, reviewer, "1.1.2", "request_explanation", reason="?")
    ap.accept_untouched(dossier, reviewer, "1")
    _, more = statements()
    # The unit's exclusions: one of them; the year's records for record-fed items: one when
    # the campaign keeps none.
    assert few == more <= 7


def test_completing_needs_a_decision_on_every_answered_item(make):
    from server.appraisal.dossier_steps import take_transition
    from server.campaigns.workflow import TransitionError
    from tests.appraisal_round import appraisal_round

    round_ = appraisal_round(make)  # 1.1.1, 1.1.2 (domain 1) and 2.2.1 (domain 2) answered
    ap.appraise(round_.assessment, round_.reviewer, "1.1.1", "accept")
    round_.ask()  # an open question is no decision
    with pytest.raises(TransitionError) as refused:
        take_transition(round_.assessment, "complete_appraisal", round_.reviewer)
    message = str(refused.value)
    assert "1.1.2" in message and "thamdinh" in message
    assert "2.2.1" in message and "chưa có người thẩm định" in message
    assert refused.value.status == 409
    db.session.rollback()
    assert round_.assessment.state == "in_appraisal"

    ap.appraise(round_.assessment, round_.reviewer, "1.1.2", "adjust", value="80",
                reason="Báo cáo ghi 80%", version=1)
    second = make.user("reviewer", username="thamdinh2")
    db.session.add(ReviewerAssignment(campaign_id=round_.assessment.campaign_id,
                                      reviewer_id=second.id, domains=["2"]))
    db.session.commit()
    ap.appraise(round_.assessment, second, "2.2.1", "accept")
    round_.step("complete_appraisal")
    assert round_.assessment.state == "appraised"
