"""Evidence cannot change what was signed or appraised: a link keeps the revision it was linked
at, the sign-off digest covers the linked files, links change only in draft and in the
explanation round (questioned items, before the deadline), the library stays open until the
campaign closes, and a unit re-links to a newer revision only by choice."""

import io
from datetime import UTC, datetime, timedelta

import pytest

from server.appraisal import explanations
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.campaigns.workflow import STATES
from server.extensions import db
from server.models import AuditEvent, EvidenceLink, Submission
from server.results.exports.unit_table import read_unit_table
from tests.appraisal_round import appraisal_round, questioned

PDF_1 = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n2 0 obj << /Revised true >> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


@pytest.fixture
def editor(make, dossier):
    return make.user("unit_editor", dossier.unit)


def upload(dossier, user, data=PDF_1, name="ke-hoach.pdf"):
    document, = evidence.upload(dossier.campaign_id, dossier.unit_id, user,
                                [(name, io.BytesIO(data))],
                                {"title": "Kế hoạch CCHC năm 2021", "number": "12/KH-UBND"})
    return document


def revise(document, user, data=PDF_2, name="ke-hoach-sua.pdf"):
    evidence.upload(document.campaign_id, document.unit_id, user, [(name, io.BytesIO(data))],
                    {}, document=document)
    return document.current


def set_state(dossier, state):
    dossier.state = state
    db.session.commit()


def test_a_link_keeps_the_revision_it_was_linked_at(dossier, editor):
    document = upload(dossier, editor)
    first = document.current
    link = sa.link(dossier, editor, "1.1.1", document.id)
    assert link.revision_id == first.id
    newer = revise(document, editor)
    db.session.expire_all()
    [shown] = sa.links_by_code(dossier)["1.1.1"]
    assert shown.revision_id == first.id != newer.id
    assert shown.revision.blob.sha256 == first.blob.sha256
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="evidence.linked")).one()
    assert event.after["revision_id"] == first.id and event.after["sha256"] == first.blob.sha256


def test_the_digest_covers_the_linked_files_and_is_recorded(dossier, editor, make):
    head = make.user("unit_head", dossier.unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}})
    document = upload(dossier, editor)
    unlinked = sa.sign_off(dossier).digest
    sa.link(dossier, editor, "1.1.1", document.id)
    checked = sa.sign_off(dossier)
    assert checked.digest != unlinked  # the same answers, now with a file
    assert checked.evidence == [{"code": "1.1.1", "document_id": document.id,
                                 "revision_id": document.current.id,
                                 "sha256": document.current.blob.sha256}]
    revise(document, editor)
    assert sa.sign_off(dossier).digest == checked.digest  # a new revision changes nothing
    sa.link(dossier, editor, "1.1.1", document.id)  # the unit's choice: the new file
    moved = sa.sign_off(dossier)
    assert moved.digest != checked.digest
    with pytest.raises(sa.StaleWrite):  # signed off before the file changed
        sa.submit(dossier, head, checked.digest, confirm_unanswered=True)
    submission = sa.submit(dossier, head, moved.digest, confirm_unanswered=True)
    assert submission.answers_digest == moved.digest
    recorded = db.session.scalars(db.select(AuditEvent).filter_by(
        action="submission.recorded")).one()
    assert recorded.after["evidence"] == moved.evidence
    assert moved.evidence[0]["sha256"] == document.current.blob.sha256


def test_relinking_moves_the_link_only_when_asked_and_is_audited(dossier, editor):
    document = upload(dossier, editor)
    first = document.current
    link = sa.link(dossier, editor, "1.1.1", document.id)
    assert sa.link(dossier, editor, "1.1.1", document.id).revision_id == first.id
    newer = revise(document, editor)
    moved = sa.link(dossier, editor, "1.1.1", document.id)
    assert (moved.id, moved.revision_id) == (link.id, newer.id)
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="evidence.relinked")).one()
    assert (event.before["revision_id"], event.after["revision_id"]) == (first.id, newer.id)
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 1


@pytest.mark.parametrize("state", ["submitted", "in_appraisal", "explanation_requested",
                                   "explained", "appraised", "finalised", "published"])
def test_links_are_refused_outside_draft_naming_the_state(dossier, editor, state):
    document = upload(dossier, editor)
    kept = sa.link(dossier, editor, "1.1.1", document.id)
    revise(document, editor)
    set_state(dossier, state)
    for change in (lambda: sa.link(dossier, editor, "1.1.2", document.id),
                   lambda: sa.link(dossier, editor, "1.1.1", document.id),  # re-link
                   lambda: sa.unlink(dossier, editor, kept.id)):
        with pytest.raises(sa.Locked) as refused:
            change()
        assert refused.value.status == 409
        assert str(STATES[state]) in str(refused.value)
    db.session.expire_all()
    [link] = db.session.scalars(db.select(EvidenceLink)).all()
    assert (link.id, link.code, link.revision_id) == (kept.id, "1.1.1",
                                                      document.revisions[0].id)


@pytest.mark.parametrize("state", ["draft", "submitted", "in_appraisal", "finalised",
                                   "published"])
def test_the_library_takes_documents_and_revisions_while_the_campaign_is_open(
        dossier, editor, state):
    document = upload(dossier, editor)
    sa.link(dossier, editor, "1.1.1", document.id)
    set_state(dossier, state)
    assert revise(document, editor).number == 2
    assert upload(dossier, editor, name="bao-cao.pdf").current.number == 1
    assert sa.links_by_code(dossier)["1.1.1"][0].revision_id == document.revisions[0].id


@pytest.mark.parametrize("closing", ["state", "date"])
def test_once_the_campaign_is_closed_the_library_is_closed_too(dossier, editor, closing):
    document = upload(dossier, editor)
    if closing == "state":
        dossier.campaign.state = "closed"
    else:
        dossier.campaign.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    for change in (lambda: revise(document, editor), lambda: upload(dossier, editor)):
        with pytest.raises(evidence.EvidenceError) as refused:
            change()
        assert refused.value.status == 409
    assert len(document.revisions) == 1


def test_the_unit_table_cites_the_linked_file_not_a_later_one(dossier, editor):
    document = upload(dossier, editor, name="ke-hoach.pdf")
    sa.link(dossier, editor, "1.1.1", document.id)
    revise(document, editor, name="ke-hoach-sua.pdf")
    cited = read_unit_table(dossier).evidence["1.1.1"]
    assert cited == ["Số 12/KH-UBND: Kế hoạch CCHC năm 2021 (tệp ke-hoach.pdf, phiên bản 1)"]


# ---------------------------------------------------------------------- the explanation round


@pytest.fixture
def round_(make):
    return questioned(appraisal_round(make))


def test_the_round_links_moves_and_unlinks_on_questioned_items_only(round_):
    assessment, editor = round_.assessment, round_.editor
    document = upload(assessment, editor)
    assessment.state = "draft"
    signed = sa.link(assessment, editor, "1.1.1", document.id)  # before submission
    assessment.state = "explanation_requested"
    db.session.commit()
    newer = revise(document, editor)
    asked = explanations.link_evidence(assessment, editor, "1.1.2", document.id)
    assert asked.revision_id == newer.id
    [shown] = explanations.questions(assessment)[0]["evidence"]
    assert (shown["revision_id"], shown["revision_number"], shown["newer_revision"]) == (
        newer.id, 2, False)
    with pytest.raises(sa.Invalid):  # 1.1.1 was adjusted, not questioned: its link stays
        explanations.link_evidence(assessment, editor, "1.1.1", document.id)
    with pytest.raises(sa.Invalid):
        explanations.unlink_evidence(assessment, editor, "1.1.1", signed.id)
    with pytest.raises(evidence.EvidenceError) as refused:  # a link of another item
        explanations.unlink_evidence(assessment, editor, "1.1.2", signed.id)
    assert refused.value.status == 404
    explanations.unlink_evidence(assessment, editor, "1.1.2", asked.id)
    db.session.expire_all()
    [left] = db.session.scalars(db.select(EvidenceLink)).all()
    assert (left.id, left.revision_id) == (signed.id, document.revisions[0].id)


def test_after_the_explanation_deadline_links_do_not_change(round_):
    assessment, editor = round_.assessment, round_.editor
    document = upload(assessment, editor)
    link = explanations.link_evidence(assessment, editor, "1.1.2", document.id)
    assessment.campaign.explanation_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    revise(document, editor)  # the library stays open
    with pytest.raises(sa.Locked):
        explanations.link_evidence(assessment, editor, "1.1.2", document.id)
    with pytest.raises(sa.Locked):
        explanations.unlink_evidence(assessment, editor, "1.1.2", link.id)
    db.session.expire_all()
    assert db.session.get(EvidenceLink, link.id).revision_id == document.revisions[0].id


# ---------------------------------------------------------------- the form's one transaction


def test_answers_and_links_save_together_or_not_at_all(dossier, editor, make):
    other = make.unit("HN", level="province")
    foreign = upload(make.assessment(dossier.campaign, other),
                     make.user("unit_editor", other))
    own = upload(dossier, editor)
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}},
                        {"1.1.1": [own.id], "1.1.2": [foreign.id]})
    assert [p.to_dict()["field"] for p in refused.value.problems] == ["links.1.1.2"]
    assert sa.self_rows(dossier) == {}
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["answers.self_saved", "evidence.linked"]))) == 0
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}}, {"1.1.1": [own.id]})
    assert sa.self_rows(dossier)["1.1.1"].value == "timely"
    assert [link.document_id for link in sa.links_by_code(dossier)["1.1.1"]] == [own.id]


def test_a_flood_of_codes_is_refused_before_any_work_per_code(dossier, editor):
    flood = {f"9.{n}": {"value": "1"} for n in range(400_000)}
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(dossier, editor, flood)
    assert [p.kind for p in refused.value.problems] == ["too_many_answers"]
    assert db.session.scalar(db.select(db.func.count(Submission.id))) == 0
    assert sa.self_rows(dossier) == {}


def test_unknown_codes_beyond_the_listed_problems_are_refused_not_a_crash(dossier, editor):
    leaves = len(sa.criteria_set_for(dossier).leaves())
    unknown = {f"9.{n}": {"value": "1"} for n in range(leaves)}  # more than 100 problems
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(dossier, editor, unknown)
    assert refused.value.problems[0].kind == "unknown_code"
    assert refused.value.problems[-1].kind == "more_problems"
