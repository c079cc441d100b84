"""The completeness gates: submitting with unanswered items, finalising and publishing with
unanswered or unappraised items need an explicit confirmation (and, for the council, a reason
that the audit log keeps). Items excluded for the unit are never counted."""

import pytest
from sqlalchemy import select, update

from server.appraisal.dossier_steps import take_transition
from server.appraisal.gaps import GapsNotConfirmed, dossier_gaps
from server.assessment import self_assessment as sa
from server.campaigns.exclusions import set_exclusions
from server.extensions import db
from server.models import Answer, AuditEvent, Submission
from server.results.publications import PublicationError, publish
from tests.ranking_data import accept_all, full_answers, write_answers

REASON = "Hội đồng thống nhất chốt theo số liệu đơn vị đã cung cấp"


@pytest.fixture
def campaign(make):
    return make.campaign()


@pytest.fixture
def dossier(make, campaign):
    return make.assessment(campaign, make.unit("QB", level="province", group="province"))


@pytest.fixture
def admin(make):
    return make.user("admin")


def _answer_all_but(dossier, province_set, missing=()):
    """Self answers at the maximum, each with its explanation, on every self-assessed item
    except `missing`."""
    write_answers(dossier, province_set, {
        leaf.code: leaf.rule.max_input() for leaf in province_set.leaves()
        if leaf.source == "self" and leaf.code not in missing})
    db.session.execute(update(Answer).where(Answer.assessment_id == dossier.id,
                                            Answer.source == "self")
                       .values(explanation="Kế hoạch số 24/KH-UBND ngày 27/01/2021"))
    db.session.commit()


def _event(action):
    return db.session.scalars(select(AuditEvent).filter_by(action=action)
                              .order_by(AuditEvent.id.desc())).first()


def test_submitting_with_unanswered_items_needs_the_confirmation(make, dossier, province_set):
    head, editor = make.user("unit_head", dossier.unit), make.user("unit_editor", dossier.unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely", "explanation": "KH số 24"}})
    with pytest.raises(sa.Invalid) as refused:
        sa.submit(dossier, head)
    self_items = {d.code: len([leaf for leaf in d.leaves() if leaf.source == "self"])
                  for d in province_set.domains}
    counts = {p.code: p.count for p in refused.value.problems}
    assert counts == {**self_items, "1": self_items["1"] - 1}
    assert {p.to_dict()["field"] for p in refused.value.problems} == {"confirm_unanswered"}
    assert dossier.state == "draft" and db.session.query(Submission).count() == 0
    submission = sa.submit(dossier, head, confirm_unanswered=True)
    assert dossier.state == "submitted"
    assert submission.totals["unanswered"] == sum(self_items.values()) - 1
    assert _event("submission.recorded").after["confirmed_unanswered"] == counts


def test_excluded_items_are_not_counted_as_unanswered(make, campaign, dossier, admin,
                                                      province_set):
    head = make.user("unit_head", dossier.unit)
    _answer_all_but(dossier, province_set, [leaf.code for leaf in province_set.node("3").leaves()])
    with pytest.raises(sa.Invalid) as refused:
        sa.submit(dossier, head)
    assert [(p.code, p.count) for p in refused.value.problems] == [("3", 11)]
    set_exclusions(campaign, dossier.unit, ["3"], "Không có TTHC", admin)
    db.session.commit()
    sa.submit(dossier, head)  # nothing applicable is missing: no confirmation asked
    assert dossier.state == "submitted"
    assert _event("submission.recorded").after["confirmed_unanswered"] == {}


def test_finalising_with_gaps_needs_the_confirmation_and_a_reason_kept_in_the_audit(
        make, dossier, admin, province_set):
    _answer_all_but(dossier, province_set, ["2.1.1"])
    accept_all(dossier)
    dossier.state = "appraised"
    db.session.commit()
    gap, = dossier_gaps([dossier])
    assert (gap.unit_code, gap.unanswered, gap.unappraised) == ("QB", {"2": 1}, {})
    with pytest.raises(GapsNotConfirmed) as refused:
        take_transition(dossier, "finalise", admin)
    assert refused.value.status == 422 and refused.value.fields == ["confirm_gaps", "reason"]
    assert refused.value.gaps[0].to_dict()["unanswered"] == {"2": 1}
    with pytest.raises(GapsNotConfirmed) as refused:
        take_transition(dossier, "finalise", admin, "  ", confirm_gaps=True)
    assert refused.value.fields == ["reason"]
    assert dossier.state == "appraised"
    take_transition(dossier, "finalise", admin, REASON, confirm_gaps=True)
    db.session.commit()
    assert dossier.state == "finalised"
    event = _event("assessment.finalise")
    assert event.reason == REASON and event.actor_id == admin.id


def test_undecided_items_are_gaps_too(make, dossier, admin, province_set):
    _answer_all_but(dossier, province_set)
    accept_all(dossier)
    first = province_set.leaves()[0].code
    db.session.execute(db.delete(db.metadata.tables["answers"]).where(
        db.metadata.tables["answers"].c.code == first,
        db.metadata.tables["answers"].c.source == "appraisal"))
    dossier.state = "appraised"
    db.session.commit()
    gap, = dossier_gaps([dossier])
    assert gap.unanswered == {} and gap.unappraised == {"1": 1}


def test_a_complete_dossier_is_finalised_without_anything_more(make, dossier, admin,
                                                               province_set):
    _answer_all_but(dossier, province_set)
    accept_all(dossier)
    dossier.state = "appraised"
    db.session.commit()
    assert dossier_gaps([dossier]) == []
    take_transition(dossier, "finalise", admin)
    assert dossier.state == "finalised"


def test_a_reviewer_is_refused_finalising_before_any_gap_is_mentioned(make, dossier):
    from server.campaigns.workflow import TransitionForbidden

    dossier.state = "appraised"
    db.session.commit()
    with pytest.raises(TransitionForbidden):
        take_transition(dossier, "finalise", make.user("reviewer"))


def test_publishing_with_gaps_lists_the_dossiers_and_needs_a_confirmed_reason(
        make, campaign, admin, province_set):
    for code, missing in (("P01", ()), ("P02", ("1.1.1", "2.1.1")), ("P03", ())):
        dossier = make.assessment(campaign, make.unit(code, level="province"))
        _answer_all_but(dossier, province_set, missing)
        if code != "P03":
            accept_all(dossier)  # P03 was never appraised
        dossier.state = "finalised"
    db.session.commit()
    with pytest.raises(PublicationError) as refused:
        publish(campaign, "province", admin)
    error = refused.value
    assert error.status == 422 and error.fields == ["confirm_gaps", "reason"]
    assert [(g.unit_code, g.unanswered_count, g.unappraised_count) for g in error.gaps] == [
        ("P02", 2, 0), ("P03", 0, 70)]
    with pytest.raises(PublicationError) as refused:
        publish(campaign, "province", admin, "", confirm_gaps=True)
    assert refused.value.fields == ["reason"]
    db.session.rollback()
    publication = publish(campaign, "province", admin, REASON, confirm_gaps=True)
    event = _event("publication.published")
    assert event.reason == REASON == publication.reason
    assert [g["unit_code"] for g in event.after["confirmed_gaps"]] == ["P02", "P03"]


def test_publishing_a_complete_group_asks_nothing_more(make, campaign, admin, province_set):
    dossier = make.assessment(campaign, make.unit("P01", level="province"))
    write_answers(dossier, province_set, full_answers(province_set))
    accept_all(dossier)
    dossier.state = "finalised"
    db.session.commit()
    publication = publish(campaign, "province", admin)
    assert publication.number == 1
    assert "confirmed_gaps" not in _event("publication.published").after
