"""The unit's self-assessment: saving draft answers, the evidence rule, deadlines, sign-off.

Views, API resources and scripts call these functions; none of them changes the database any
other way. Each function that writes does it in one transaction: it commits on success and rolls
back everything on any refusal. Refusals are `SelfAssessmentError`s carrying the HTTP status the
interfaces answer with and, where fields are at fault, one problem per field.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from server.assessment import evidence
from server.campaigns.criteria import criteria_registry
from server.campaigns.exclusions import exclusions_for
from server.campaigns.phases import PhaseError, check_self_assessment_open
from server.campaigns.stored_scores import lock_dossiers
from server.campaigns.workflow import STATES, UNIT_EDITABLE_STATES, apply_transition
from server.config import LOCAL_TIME
from server.engine import AnswersError
from server.engine.answers import read_answers
from server.engine.decimals import two_places
from server.engine.results import SCORED
from server.engine.scoring import excluded_nodes, score
from server.events import emit
from server.extensions import db
from server.models import Answer, Assessment, DeadlineExtension, EvidenceLink, Submission, User
from server.models.types import utcnow
from server.people.permissions import can_edit_unit, can_read_unit, roles_for_unit
from server.records import feeds

SELF = "self"

# The engine's stable problem kinds, as the unit reads them.
KIND_MESSAGES = {
    "unknown_code": _l("This is not a sub-criterion of the pinned criteria set."),
    "not_a_leaf": _l("This criterion is scored through its sub-criteria."),
    "not_a_mapping": _l("The answer has the wrong shape."),
    "unknown_key": _l("The answer has an unknown field."),
    "not_a_boolean": _l("Choose yes or no."),
    "not_applicable_not_allowed": _l("This sub-criterion may not be marked not applicable."),
    "value_with_not_applicable": _l("Either mark it not applicable or give a value, not both."),
    "unknown_outcome": _l("Choose one of the listed outcomes."),
    "not_a_number": _l("Enter a number."),
    "out_of_range": _l("The number is outside the allowed range."),
    "negative": _l("The number may not be negative."),
    "not_an_integer": _l("Enter a whole number."),
    "missing_key": _l("Fill in every number of this sub-criterion."),
    "zero_required": _l("The required count may not be zero."),
    "above_required": _l("Achieved may not be more than required for this sub-criterion."),
    "stale": _l("Someone saved a newer version of this sub-criterion; your text is kept below."),
    "evidence_or_explanation": _l(
        "A positive self score needs evidence or an explanation."),
    "explanation_too_long": _l("The explanation is too long (at most 10,000 characters)."),
    "differs_from_proposal": _l(
        "This answer differs from the value proposed from the year's records: explain why."),
    "no_proposal": _l("The year's records propose no value for this sub-criterion yet."),
    "excluded": _l("Not applicable (decided by the Department of Home Affairs)"),
    "too_many_answers": _l("More answers were sent than the criteria set has sub-criteria."),
    "unanswered": _l("Some sub-criteria of this domain are not answered; confirm to submit "
                     "anyway."),
}
MAX_EXPLANATION = 10_000


@dataclass
class Problem:
    """One refused field: `code` the sub-criterion, `field` value|not_applicable|explanation|''."""

    code: str
    field: str
    kind: str
    detail: str = ""

    @property
    def message(self) -> str:
        return str(KIND_MESSAGES.get(self.kind, self.detail or self.kind))

    def to_dict(self) -> dict:
        return {"field": f"answers.{self.code}.{self.field}".rstrip("."),
                "sub_criterion": self.code, "kind": self.kind, "message": self.message}


@dataclass
class LinkProblem(Problem):
    """A refused link of the save (field "link"); `detail` is the message."""

    def to_dict(self) -> dict:
        return {"field": f"links.{self.code}", "sub_criterion": self.code, "kind": self.kind,
                "message": self.message}


@dataclass
class UnansweredDomain(Problem):
    """A domain with `count` unanswered items, at a submission not confirmed for them."""

    count: int = 0

    def to_dict(self) -> dict:
        return {"field": "confirm_unanswered", "domain": self.code, "count": self.count,
                "kind": self.kind, "message": self.message}


class SelfAssessmentError(Exception):
    status = 422

    def __init__(self, message, problems: list[Problem] | None = None, current=None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        # For a stale save: code -> the newer stored answer, to show beside the user's input.
        self.current = current or {}

    def __str__(self) -> str:
        return str(self.message)


class Forbidden(SelfAssessmentError):
    status = 403


class NotFound(SelfAssessmentError):
    status = 404


class Locked(SelfAssessmentError):
    """The dossier is not editable in its state, or the deadline passed."""

    status = 409


class StaleWrite(SelfAssessmentError):
    status = 409


class Invalid(SelfAssessmentError):
    status = 422


class Busy(SelfAssessmentError):
    """The database refused the write for now (SQLite's single writer); nothing was saved."""

    status = 503


# ---------------------------------------------------------------------------------- reading


def criteria_set_for(assessment: Assessment):
    return criteria_registry().get(assessment.criteria_set_id, assessment.criteria_set_version)


def check_read(assessment: Assessment | None, user: User) -> Assessment:
    # Not found and not yours answer alike, so ids of other units' dossiers reveal nothing.
    if assessment is None or not can_read_unit(user, assessment.unit_id):
        raise NotFound(_l("There is no such assessment."))
    return assessment


def get_assessment(assessment_id: int, user: User) -> Assessment:
    return check_read(db.session.get(Assessment, assessment_id), user)


def self_rows(assessment: Assessment) -> dict[str, Answer]:
    """code -> the dossier's self answer, as read-only rows with the Answer's columns (no
    ORM objects: a form's 100 rows are read on every view and save)."""
    rows = db.session.execute(select(*Answer.__table__.columns).where(
        Answer.assessment_id == assessment.id, Answer.source == SELF))
    return {row.code: row for row in rows}


def links_by_code(assessment: Assessment) -> dict[str, list[EvidenceLink]]:
    found: dict[str, list[EvidenceLink]] = {}
    for link in db.session.execute(db.select(EvidenceLink).filter_by(
            assessment_id=assessment.id).order_by(EvidenceLink.id)).scalars():
        found.setdefault(link.code, []).append(link)
    return found


def engine_input(rows) -> dict:
    return {row.code: {"value": row.value, "not_applicable": row.not_applicable}
            for row in rows if row.value is not None or row.not_applicable}


def row_dict(row: Answer | None) -> dict:
    """An answer as the pages and the API show it; `proposal` is what the year's records
    proposed when a record-fed item was saved (None for other items)."""
    if row is None:
        return {"value": None, "not_applicable": False, "explanation": "", "version": None,
                "proposal": None}
    return {"value": row.value, "not_applicable": row.not_applicable,
            "explanation": row.explanation, "version": row.row_version,
            "proposal": row.proposal}


def record_proposals(assessment: Assessment, criteria_set=None, codes=None) -> dict:
    """code -> feeds.Proposal for the dossier's record-fed items (of `codes` when given); no
    query when the set has none."""
    criteria_set = criteria_set or criteria_set_for(assessment)
    return feeds.proposals(assessment, criteria_set, codes=codes)


def unanswered_items(criteria_set, rows: dict, excluded) -> dict[str, list[str]]:
    """{domain code: [codes]} of the self-assessed items that apply to the unit (not under an
    `excluded` code) and have no answer (a value, or marked not applicable)."""
    left_out = excluded_nodes(criteria_set, excluded) if excluded else {}
    found = {}
    for leaf in criteria_set.leaf_index.values():  # tree order
        row = rows.get(leaf.code)
        if leaf.source != SELF or leaf.code in left_out:
            continue
        if row is None or (row.value is None and not row.not_applicable):
            found.setdefault(criteria_set.leaf_domain(leaf.code), []).append(leaf.code)
    return found


def totals(assessment: Assessment, rows: dict[str, Answer] | None = None,
           excluded: dict[str, str] | None = None) -> dict:
    """The engine's totals for the stored self answers, leaving out the items excluded for the
    unit (`excluded`, read when not given): overall and per domain (with its unanswered items),
    as text."""
    criteria_set = criteria_set_for(assessment)
    rows = self_rows(assessment) if rows is None else rows
    excluded = exclusions_for(assessment) if excluded is None else excluded
    result = score(criteria_set, engine_input(rows.values()), excluded)
    unanswered = unanswered_items(criteria_set, rows, excluded)
    return {
        "total": two_places(result.total),
        "max_points": two_places(result.max_points),
        "index": None if result.index is None else two_places(result.index),
        "self_points": two_places(result.self_points),
        "domains": {d.code: {"points": two_places(result.nodes[d.code].points),
                             "max_points": two_places(result.nodes[d.code].max_points),
                             "unanswered": len(unanswered.get(d.code, ()))}
                    for d in criteria_set.domains},
        "unanswered": sum(len(codes) for codes in unanswered.values()),
        "excluded": sorted(excluded),
    }, result


def linked_files(links: dict[str, list[EvidenceLink]]) -> list[dict]:
    """Every link as what it proves: the sub-criterion, the document and the fixed revision
    with its file's SHA-256, in a stable order."""
    return sorted(({"code": link.code, "document_id": link.document_id,
                    "revision_id": link.revision_id,
                    "sha256": link.revision.blob.sha256 if link.revision else None}
                   for found in links.values() for link in found),
                  key=lambda item: (item["code"], item["document_id"]))


def digest(rows: dict[str, Answer], links: dict[str, list[EvidenceLink]]) -> str:
    """SHA-256 of what the unit head signs: the answers and the files linked as evidence."""
    data = {"answers": {code: [row.value, row.not_applicable, row.explanation]
                        for code, row in sorted(rows.items())},
            "evidence": linked_files(links)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


# -------------------------------------------------------------------------------- deadlines


def effective_deadline(assessment: Assessment) -> datetime | None:
    """The campaign's self-assessment deadline, or the unit's extension when later."""
    deadline = assessment.campaign.self_assessment_deadline
    extension = db.session.execute(db.select(DeadlineExtension).filter_by(
        campaign_id=assessment.campaign_id, unit_id=assessment.unit_id)).scalar_one_or_none()
    if extension is not None and (deadline is None or extension.until > deadline):
        return extension.until
    return deadline


def local_deadline(assessment: Assessment) -> datetime | None:
    deadline = effective_deadline(assessment)
    return None if deadline is None else deadline.astimezone(LOCAL_TIME)


def check_deadline(assessment: Assessment, now: datetime | None = None) -> None:
    """The one rule of when a unit may self-assess (answers, evidence links, submission): the
    campaign's phase (opened, not closed), then the deadline or the unit's extension."""
    now = now or datetime.now(UTC)
    try:
        check_self_assessment_open(assessment.campaign, now)
    except PhaseError as error:
        raise Locked(error.message) from error
    deadline = effective_deadline(assessment)
    if deadline is not None and now > deadline:
        raise Locked(_l("The self-assessment deadline (%(when)s, Vietnam time) has passed.",
                        when=deadline.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")))


def grant_extension(assessment: Assessment, user: User, until: datetime, reason: str = ""
                    ) -> DeadlineExtension:
    """The administrator lets this unit self-assess until `until`; recorded and audited."""
    if "admin" not in roles_for_unit(user, assessment.unit_id):
        raise Forbidden(_l("Only the administrator may extend a deadline."))
    if until.tzinfo is None:
        until = until.replace(tzinfo=LOCAL_TIME)
    extension = db.session.execute(db.select(DeadlineExtension).filter_by(
        campaign_id=assessment.campaign_id, unit_id=assessment.unit_id)).scalar_one_or_none()
    before = None if extension is None else {"until": extension.until.isoformat()}
    if extension is None:
        extension = DeadlineExtension(campaign_id=assessment.campaign_id,
                                      unit_id=assessment.unit_id, until=until)
        db.session.add(extension)
    extension.until, extension.reason, extension.granted_by = until, reason, user.id
    extension.granted_at = datetime.now(UTC)
    db.session.flush()
    emit("deadline.extended", "deadline_extension", extension.id, actor_id=user.id,
         unit_id=assessment.unit_id, before=before, after={"until": until.isoformat()},
         reason=reason)
    db.session.commit()
    return extension


# ------------------------------------------------------------------------------------ saving


def check_editable(assessment: Assessment, user: User) -> None:
    if not can_edit_unit(user, assessment.unit_id):
        raise Forbidden(_l("You may not change this unit's self-assessment."))
    if assessment.state not in UNIT_EDITABLE_STATES:
        raise Locked(_l("The self-assessment has been submitted and is locked; "
                        "the unit head may withdraw it to edit."))
    check_deadline(assessment)


def check_links_open(assessment: Assessment, user: User) -> None:
    """Links of the self-assessment change in draft only (any sub-criterion, until the deadline);
    the explanation round has its own rule (server.appraisal.explanations). Every other state
    is refused (409, naming it), so what was signed or appraised keeps its evidence."""
    if not can_edit_unit(user, assessment.unit_id):
        raise Forbidden(_l("You may not change this unit's self-assessment."))
    if assessment.state not in UNIT_EDITABLE_STATES:
        raise Locked(_l('Evidence links cannot change while the dossier is "%(state)s": they '
                        'change in draft, and in the explanation round for the questioned '
                        'sub-criteria only.', state=STATES.get(assessment.state,
                                                               assessment.state)))
    check_deadline(assessment)


def link(assessment: Assessment, user: User, code: str, document_id: int) -> EvidenceLink:
    """The draft's link of a library document to one sub-criterion, at the document's current
    revision; linking an already linked document again moves the link to its newest revision."""
    check_links_open(assessment, user)
    return evidence.add_link(assessment, user, code, document_id)


def unlink(assessment: Assessment, user: User, link_id: int) -> None:
    check_links_open(assessment, user)
    evidence.remove_link(assessment, user, evidence.find_link(assessment, link_id))


def _clean(item) -> dict:
    value = item.get("value")
    if isinstance(value, str):
        value = value.strip() or None
    explanation = item.get("explanation")
    return {"value": value, "not_applicable": item.get("not_applicable", False),
            "explanation": None if explanation is None else str(explanation).strip(),
            "version": item.get("version"), "use_proposal": bool(item.get("use_proposal"))}


def save_answers(assessment: Assessment, user: User, items: dict,
                 links: dict[str, list[int]] | None = None) -> None:
    """Save the unit's draft answers: code -> {value, not_applicable, explanation, version},
    and with them `links`: code -> ids of library documents to link (the form's choices).

    An item fed by the year's records (`fed_by`) may ask `use_proposal`: its value is then the
    records' proposal. A record-fed answer is saved with the proposal it was given against
    (Answer.proposal, stamped when its value changes); an answer other than that proposal needs
    an explanation. Proposals are computed once per save, only for record-fed items in it.

    `version` is the row version the user started from (None for a new answer). Any stale row
    refuses the whole save (409) with the newer values; any invalid value or link target refuses
    it (422) with one problem per field. Everything is checked before anything is written, and
    written in one transaction: nothing is saved unless everything is accepted.
    """
    check_editable(assessment, user)
    criteria_set = criteria_set_for(assessment)
    leaves = {leaf.code: leaf for leaf in criteria_set.leaves()}
    links = links or {}
    # Before any work per code: no save has more codes than the set has sub-criteria.
    if len(items) > len(leaves) or len(links) > len(leaves):
        raise Invalid(_l("More answers were sent than the criteria set has sub-criteria; "
                         "nothing was saved."),
                      [Problem("", "", "too_many_answers",
                               f"{max(len(items), len(links))} > {len(leaves)}")])
    items = {str(code): _clean(item) for code, item in items.items()}
    check_not_excluded(assessment, criteria_set, items)
    fed = {leaf.code for leaf in feeds.fed_leaves(criteria_set)} & set(items)
    proposed = feeds.proposals(assessment, criteria_set, codes=fed) if fed else {}
    problems = []
    for code in fed:
        if items[code]["use_proposal"]:
            if proposed[code].value is None:
                problems.append(Problem(code, "value", "no_proposal"))
            items[code].update(value=proposed[code].value, not_applicable=False)
    # One save of a dossier at a time: the versions read next are the ones written over.
    lock_dossiers([assessment.id])
    rows = self_rows(assessment)
    for code in fed:  # the same number typed another way ("92,5", 92.5) is the stored answer
        row = rows.get(code)
        if row is not None and feeds.same_answer(row.value, items[code]["value"]):
            items[code]["value"] = row.value
    # A row saved by someone else since the user loaded it conflicts, unless the user's input
    # equals what is stored now (nothing would be overwritten).
    stale = {code: row_dict(rows.get(code)) for code, item in items.items()
             if _version(rows.get(code)) != item["version"]
             and not _same(rows.get(code), item)}
    if stale:
        raise StaleWrite(_l("Someone saved newer answers; your input is kept, compare and "
                            "save again."),
                         [Problem(code, "", "stale") for code in stale], current=stale)
    try:
        read_answers(criteria_set, {code: {"value": i["value"],
                                           "not_applicable": i["not_applicable"]}
                                    for code, i in items.items()})
    except AnswersError as error:
        problems += [Problem(p.code, p.field, p.kind, p.message) for p in error.problems]
    refused = {p.code for p in problems}
    for code, item in items.items():
        if item["explanation"] and len(item["explanation"]) > MAX_EXPLANATION:
            problems.append(Problem(code, "explanation", "explanation_too_long"))
        leaf = leaves.get(code)
        if code not in refused and leaf is not None and leaf.source != SELF:
            problems.append(Problem(code, "", "not_a_leaf",
                                    "survey sub-criteria are not self-assessed"))
    stamps = _proposal_stamps(items, rows, proposed)
    for code, stamp in stamps.items():
        item, row = items[code], rows.get(code)
        explanation = item["explanation"] if item["explanation"] is not None else (
            row.explanation if row is not None else "")
        if code not in refused and _differs(item, stamp) and not explanation:
            problems.append(Problem(code, "explanation", "differs_from_proposal"))
    targets, link_problems = _link_targets(assessment, links)
    problems += link_problems
    if problems:
        # One transaction: a refused field means nothing was saved, the accepted ones neither.
        refused = ", ".join(dict.fromkeys(p.code for p in problems if p.code))
        raise Invalid(_l("Nothing was saved: %(codes)s cannot be saved as typed (see the "
                         "messages beside them). Your other input is still on the page, not "
                         "saved yet: correct these and save again.", codes=refused), problems)
    changed, inserts, updates = {}, [], []
    now = utcnow()
    for code, item in items.items():
        row = rows.get(code)
        before = row_dict(row)
        new = {"value": item["value"], "not_applicable": item["not_applicable"],
               "explanation": (row.explanation if row is not None else "")
               if item["explanation"] is None else item["explanation"]}
        if code in stamps:
            new["proposal"] = stamps[code]
        if row is not None and all(before[key] == new[key] for key in new):
            continue
        if row is None:  # inserted below in one statement; a concurrent insert is a 409
            inserts.append({"assessment_id": assessment.id, "code": code, "source": SELF,
                            **new, "reason": "", "author_id": user.id, "row_version": 1,
                            "updated_at": now})
        else:  # written below in one statement, which checks and bumps each row's version
            updates.append({"id": row.id, **new, "author_id": user.id,
                            "row_version": row.row_version, "updated_at": now})
        changed[code] = (before, new)
    if changed or targets:
        _commit_answers(assessment, user, changed, targets, updates, inserts)


def _proposal_stamps(items: dict, rows: dict, proposed: dict) -> dict:
    """code -> the proposal each record-fed item of the save stands against: the records'
    proposal now when its answer is new or changes (or the unit used the proposal), else the
    one it was saved against."""
    stamps = {}
    for code, proposal in proposed.items():
        item, row = items[code], rows.get(code)
        changed = (row is None or item["use_proposal"] or row.value != item["value"]
                   or row.not_applicable != item["not_applicable"])
        stamps[code] = proposal.value if changed else row.proposal
    return stamps


def _differs(item: dict, proposal) -> bool:
    """Whether an answer is other than the records' proposal (none proposed: never)."""
    if proposal is None or (item["value"] is None and not item["not_applicable"]):
        return False
    return item["not_applicable"] or not feeds.same_answer(item["value"], proposal)


def _link_targets(assessment: Assessment, links: dict[str, list[int]]):
    """The (code, document, existing link) to write for `links`, and a problem per refused one;
    reads the library and the links once."""
    if not links:
        return [], []
    documents = {d.id: d for d in evidence.library(assessment.campaign_id, assessment.unit_id)}
    existing = links_by_code(assessment)
    targets, problems = [], []
    for code, document_ids in links.items():
        for document_id in dict.fromkeys(document_ids):
            try:
                document = evidence.check_link_target(assessment, str(code), document_id,
                                                      documents)
            except evidence.EvidenceError as error:
                problems.append(LinkProblem(str(code), "link", "link_refused", str(error)))
                continue
            found = next((link for link in existing.get(code, ())
                          if link.document_id == document.id), None)
            targets.append((str(code), document, found))
    return targets, problems


def excluded_items(assessment: Assessment, criteria_set) -> dict[str, dict]:
    """node code -> {"by": the excluded code at or above it, "reason"} for every domain,
    criterion and item the administrator excluded for the unit, as the pages show them."""
    exclusions = exclusions_for(assessment)
    return {code: {"by": by, "reason": exclusions[by]}
            for code, by in excluded_nodes(criteria_set, exclusions).items()}


def check_not_excluded(assessment: Assessment, criteria_set, codes) -> None:
    """Refuse (409) any answer to a code the administrator excluded for the unit, or below one:
    the unit cannot undo that decision."""
    left_out = excluded_nodes(criteria_set, exclusions_for(assessment))
    refused = [code for code in codes if code in left_out]
    if refused:
        raise Locked(_l("Not applicable to this unit (decided by the Department of Home "
                        "Affairs), so not to be answered: %(codes)s.",
                        codes=", ".join(sorted({left_out[code] for code in refused}))),
                     [Problem(code, "", "excluded") for code in refused])


def _same(row: Answer | None, item: dict) -> bool:
    if row is None:
        return item["value"] is None and not item["not_applicable"] and not item["explanation"]
    return (row.value == item["value"] and row.not_applicable == item["not_applicable"]
            and (item["explanation"] is None or row.explanation == item["explanation"]))


def _version(row: Answer | None) -> int | None:
    return None if row is None else row.row_version


def _commit_answers(assessment, user, changed, links=(), updates=(), inserts=()) -> None:
    try:
        if updates:  # one UPDATE by primary key for every changed row, sent at once
            db.session.execute(update(Answer).execution_options(synchronize_session=False),
                               list(updates))
        if inserts:
            db.session.execute(insert(Answer), list(inserts))
        db.session.flush()
        if changed:  # one event per save, naming each changed answer before and after
            emit("answers.self_saved", "answers", assessment.id, actor_id=user.id,
                 unit_id=assessment.unit_id,
                 before={code: {k: v for k, v in before.items() if k != "version"}
                         for code, (before, _after) in changed.items()},
                 after={code: after for code, (_before, after) in changed.items()})
        for code, document, found in links:
            evidence.put_link(assessment, user, code, document, found)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # Another editor saved the same row between our read and our write.
        db.session.rollback()
        current = {code: row_dict(row) for code, row in self_rows(assessment).items()
                   if code in changed}
        raise StaleWrite(_l("Someone saved newer answers; your input is kept, compare and "
                            "save again."),
                         [Problem(code, "", "stale") for code in changed],
                         current=current) from None
    except OperationalError:
        db.session.rollback()
        raise Busy(_l("The server is busy and nothing was saved; your input is kept, "
                      "save again in a moment.")) from None


# ------------------------------------------------------------------------------ submission


def evidence_problems(result, rows, links, exempt: set[str]) -> list[Problem]:
    """The official rule: a positive self score without evidence needs an explanation; the
    leaves in `exempt` are those the set marks `evidence_required: false`."""
    return [Problem(line.code, "explanation", "evidence_or_explanation")
            for line in result.trace
            if line.status == SCORED and line.points > 0 and line.code in rows
            and line.code not in exempt
            and not links.get(line.code) and not rows[line.code].explanation.strip()]


@dataclass
class SignOff:
    """What the unit head sees before submitting."""

    totals: dict
    digest: str
    problems: list[Problem] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)  # the linked files, as `linked_files`


def sign_off(assessment: Assessment) -> SignOff:
    rows = self_rows(assessment)
    links = links_by_code(assessment)
    figures, result = totals(assessment, rows)
    exempt = {leaf.code for leaf in criteria_set_for(assessment).leaves()
              if not leaf.evidence_required}
    return SignOff(figures, digest(rows, links), evidence_problems(result, rows, links, exempt),
                   linked_files(links))


def submit(assessment: Assessment, user: User, expected_digest: str | None = None,
           confirm_unanswered: bool = False) -> Submission:
    """The unit head submits; the totals shown at sign-off are recorded with the submission.

    `expected_digest` is the digest shown at sign-off: if the answers or the linked files
    changed since, the submission is refused (409) rather than submitting something other
    than what was checked.
    While any applicable item is unanswered it is refused (422, one problem per domain with its
    count) unless `confirm_unanswered`.
    """
    check_read(assessment, user)
    if "unit_head" not in roles_for_unit(user, assessment.unit_id):
        raise Forbidden(_l("Only the unit head may submit the self-assessment."))
    if assessment.state not in UNIT_EDITABLE_STATES:
        raise Locked(_l("The self-assessment has already been submitted."))
    check_deadline(assessment)
    checked = sign_off(assessment)
    if expected_digest and expected_digest != checked.digest:
        raise StaleWrite(_l("The answers or the linked evidence changed after you checked "
                            "the totals; check them again before submitting."))
    if checked.problems:
        raise Invalid(_l("The self-assessment cannot be submitted: a positive self score "
                         "without evidence needs an explanation."), checked.problems)
    unanswered = {code: figures["unanswered"]
                  for code, figures in checked.totals["domains"].items() if figures["unanswered"]}
    if unanswered and not confirm_unanswered:
        raise Invalid(_l("%(count)s sub-criteria are not answered; confirm to submit anyway.",
                         count=checked.totals["unanswered"]),
                      [UnansweredDomain(code, "confirm_unanswered", "unanswered", count=count)
                       for code, count in unanswered.items()])
    apply_transition(assessment, "submit", user)
    submission = Submission(assessment_id=assessment.id, submitted_by=user.id,
                            criteria_set_id=assessment.criteria_set_id,
                            criteria_set_version=assessment.criteria_set_version,
                            totals=checked.totals, answers_digest=checked.digest)
    db.session.add(submission)
    db.session.flush()
    emit("submission.recorded", "submission", submission.id, actor_id=user.id,
         unit_id=assessment.unit_id, after={"totals": checked.totals,
                                            "digest": checked.digest,
                                            "evidence": checked.evidence,
                                            "confirmed_unanswered": unanswered})
    _commit_state()
    return submission


def withdraw(assessment: Assessment, user: User, reason: str = "") -> None:
    """The unit head takes the dossier back to edit, until appraisal starts."""
    check_read(assessment, user)
    apply_transition(assessment, "withdraw", user, reason)
    last = latest_submission(assessment)
    if last is not None:
        last.withdrawn_at, last.withdrawn_by = datetime.now(UTC), user.id
    _commit_state()


def latest_submission(assessment: Assessment) -> Submission | None:
    return db.session.execute(db.select(Submission).filter_by(assessment_id=assessment.id)
                              .order_by(Submission.id.desc()).limit(1)).scalar_one_or_none()


def _commit_state() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleWrite(_l("Someone changed this assessment at the same time; "
                            "reload and try again.")) from None
