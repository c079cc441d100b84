"""The explanation round (giải trình), the unit's side: the questions the appraisal council asked,
the unit's replies, and evidence added for the questioned sub-criteria only.

While the dossier is `explanation_requested` and the campaign's explanation deadline (Vietnam
time; none means no limit) has not passed, a unit editor or head may reply to each question and
link documents of the unit's library to the questioned sub-criteria; nothing else of the
self-assessment opens. The unit head then sends the explanation (transition `explain`).
Refusals are the self-assessment service's errors; every write is one transaction and emits an
event.
"""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from server.appraisal.decisions import QUESTION, appraisal_rows, domain_of, kind_of
from server.assessment import evidence
from server.assessment.self_assessment import (
    Busy,
    Forbidden,
    Invalid,
    Locked,
    Problem,
    StaleWrite,
    criteria_set_for,
    links_by_code,
    self_rows,
)
from server.campaigns.phases import PhaseError, check_dossier_writable
from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Assessment, EvidenceLink, ExplanationReply, User
from server.people.permissions import can_edit_unit

EXPLANATION_STATE = "explanation_requested"
MAX_REPLY = 10_000


def _problem(field: str, kind: str, detail) -> Problem:
    return Problem("", field, kind, str(detail))


def deadline(assessment: Assessment) -> datetime | None:
    return assessment.campaign.explanation_deadline


def local_deadline(assessment: Assessment) -> datetime | None:
    found = deadline(assessment)
    return None if found is None else found.astimezone(LOCAL_TIME)


def window_open(assessment: Assessment, now: datetime | None = None) -> bool:
    found = deadline(assessment)
    return assessment.state == EXPLANATION_STATE and (
        found is None or (now or datetime.now(UTC)) <= found)


def check_window(assessment: Assessment, user: User, now: datetime | None = None) -> None:
    """The unit may reply now: an editor or head of the unit, in the round, before the deadline.
    The caller has already answered 404 to anyone who may not read the unit."""
    if not can_edit_unit(user, assessment.unit_id):
        raise Forbidden(_l("Only the unit's editors and head may answer the questions."))
    if assessment.state != EXPLANATION_STATE:
        raise Locked(_l("The appraisal council has not asked for an explanation now; "
                        "there is nothing to answer."))
    found = deadline(assessment)
    if found is not None and (now or datetime.now(UTC)) > found:
        raise Locked(_l("The explanation deadline (%(when)s, Vietnam time) has passed.",
                        when=found.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")))
    try:
        check_dossier_writable(assessment.campaign, now)
    except PhaseError as error:
        raise Locked(error.message) from error


def _replies(assessment: Assessment) -> dict[str, list[ExplanationReply]]:
    """Every reply of the assessment by code, oldest round first, in one query."""
    found: dict[str, list[ExplanationReply]] = {}
    for row in db.session.execute(db.select(ExplanationReply).filter_by(
            assessment_id=assessment.id).order_by(ExplanationReply.question_version,
                                                  ExplanationReply.id)).scalars():
        found.setdefault(row.code, []).append(row)
    return found


def reply_dict(row: ExplanationReply | None) -> dict | None:
    if row is None:
        return None
    return {"reply": row.reply, "question": row.question,
            "question_version": row.question_version, "author_id": row.author_id,
            "at": row.updated_at.isoformat(), "version": row.row_version}


def replies_by_code(assessment: Assessment, rows: dict | None = None) -> dict[str, dict]:
    """Per sub-criterion: the reply to the open question (`current`) and the earlier rounds
    (`history`, questions with their replies), for the reviewer's page. One query."""
    rows = appraisal_rows(assessment) if rows is None else rows
    found = {}
    for code, replies in _replies(assessment).items():
        row = rows.get(code)
        asked = row.row_version if row is not None and kind_of(row) == QUESTION else None
        current = next((r for r in replies if r.question_version == asked), None)
        found[code] = {"current": reply_dict(current),
                       "history": [reply_dict(r) for r in replies if r is not current]}
    return found


def questions(assessment: Assessment) -> list[dict]:
    """The open questions to the unit, in the criteria set's order, each with the unit's own
    input, its reply so far, the earlier rounds and the documents linked to the sub-criterion."""
    criteria_set = criteria_set_for(assessment)
    rows = appraisal_rows(assessment)
    replies = replies_by_code(assessment, rows)
    links = links_by_code(assessment)
    own = self_rows(assessment)
    found = []
    for leaf in criteria_set.leaves():
        row = rows.get(leaf.code)
        if row is None or kind_of(row) != QUESTION:
            continue
        reply = replies.get(leaf.code, {})
        found.append({
            "code": leaf.code, "title": leaf.title, "domain": domain_of(criteria_set, leaf.code),
            "question": row.reason, "question_version": row.row_version,
            "self": None if leaf.code not in own else {
                "value": own[leaf.code].value,
                "not_applicable": own[leaf.code].not_applicable,
                "explanation": own[leaf.code].explanation},
            "reply": reply.get("current"), "history": reply.get("history", []),
            "evidence": [evidence_dict(link) for link in links.get(leaf.code, [])],
        })
    return found


def evidence_dict(link) -> dict:
    """A link as the round shows it: the fixed revision it points to, and whether the document
    has a newer revision (which the unit may link instead, in the round)."""
    current = link.document.current
    return {"link_id": link.id, "document_id": link.document_id,
            "number": link.document.number, "title": link.document.title,
            "revision_id": link.revision_id,
            "revision_number": link.revision.number if link.revision else None,
            "sha256": link.revision.blob.sha256 if link.revision else None,
            "newer_revision": current is not None and current.id != link.revision_id}


def _question_row(assessment: Assessment, code: str):
    row = appraisal_rows(assessment).get(str(code or "").strip())
    if row is None or kind_of(row) != QUESTION:
        raise Invalid(_l("The appraisal council asked no question on this sub-criterion; "
                         "only the questioned sub-criteria may be answered or get evidence."),
                      [_problem("code", "not_questioned", code)])
    return row


def save_reply(assessment: Assessment, user: User, code: str, reply: str,
               version: int | None = None, document_id: int | None = None
               ) -> ExplanationReply | None:
    """Write or rewrite the unit's reply to the open question on `code` and, with
    `document_id`, link that library document to it: both checked first, then one commit.

    `version` is the reply's version the user started from (None for none yet): a reply saved
    by someone else meanwhile answers 409 with the newer text. With a document, an empty reply
    leaves the reply as it is (the page links a document alone).
    """
    check_window(assessment, user)
    question = _question_row(assessment, code)
    reply = (reply or "").strip()
    write_reply = bool(reply) or document_id is None
    if write_reply and not reply:
        raise Invalid(_l("Write the reply."), [_problem("reply", "reply_required",
                                                        _l("Write the reply."))])
    if len(reply) > MAX_REPLY:
        raise Invalid(_l("The reply is too long (at most 10,000 characters)."),
                      [_problem("reply", "reply_too_long",
                                _l("The reply is too long (at most 10,000 characters)."))])
    row = db.session.execute(db.select(ExplanationReply).filter_by(
        assessment_id=assessment.id, code=question.code,
        question_version=question.row_version)).scalar_one_or_none()
    current = None if row is None else row.row_version
    if write_reply and current != version:
        raise StaleWrite(_l("Someone saved a reply to this question meanwhile; your text is "
                            "kept, compare and save again."),
                         [Problem(question.code, "reply", "stale")],
                         current={question.code: reply_dict(row)})
    document = None if document_id is None else evidence.check_link_target(
        assessment, question.code, document_id)
    write_reply = write_reply and (row is None or row.reply != reply)
    if not write_reply and document is None:
        return row
    before = None if row is None else {"reply": row.reply}
    if write_reply and row is None:
        row = ExplanationReply(assessment_id=assessment.id, code=question.code,
                               question_version=question.row_version, question=question.reason)
        db.session.add(row)
    try:
        if write_reply:
            row.reply, row.author_id = reply, user.id
            db.session.flush()
            emit("explanation.replied", "explanation_reply", row.id, actor_id=user.id,
                 unit_id=assessment.unit_id, before=before,
                 after={"code": question.code, "question": question.reason, "reply": reply})
        if document is not None:
            evidence.put_link(assessment, user, question.code, document, _link_of(
                assessment, question.code, document.id))
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleWrite(_l("Someone saved a reply to this question meanwhile; your text is "
                            "kept, compare and save again."),
                         [Problem(question.code, "reply", "stale")]) from None
    except OperationalError:
        db.session.rollback()
        raise Busy(_l("The server is busy and nothing was saved; your input is kept, "
                      "save again in a moment.")) from None
    return row


def _link_of(assessment: Assessment, code: str, document_id: int):
    return db.session.execute(db.select(EvidenceLink).filter_by(
        assessment_id=assessment.id, code=code, document_id=document_id)).scalar_one_or_none()


def link_evidence(assessment: Assessment, user: User, code: str, document_id: int):
    """Link a document of the unit's library to a questioned sub-criterion, in the window, at
    its current revision (an already linked document moves to its newest revision)."""
    check_window(assessment, user)
    question = _question_row(assessment, code)
    return evidence.add_link(assessment, user, question.code, document_id)


def unlink_evidence(assessment: Assessment, user: User, code: str, link_id: int) -> None:
    """Remove a link of a questioned sub-criterion, in the window; other links stay as signed."""
    check_window(assessment, user)
    question = _question_row(assessment, code)
    found = evidence.find_link(assessment, link_id)
    if found.code != question.code:
        raise evidence.EvidenceError(_l("There is no such link."), 404)
    evidence.remove_link(assessment, user, found)


def open_questions(assessment: Assessment) -> int:
    return sum(1 for row in appraisal_rows(assessment).values() if kind_of(row) == QUESTION)
