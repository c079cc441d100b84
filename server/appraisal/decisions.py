"""The appraisal council's work on a submitted dossier: per sub-criterion the reviewer accepts
the unit's self input, adjusts it (with a reason) or asks the unit a question.

An appraisal is the `appraisal` Answer row of the sub-criterion; it never overwrites the unit's
`self` row. A row whose value is empty (and not marked not applicable) is a question to the unit:
its `reason` holds the question and it does not count in the totals until the reviewer decides.
Refusals are the self-assessment service's errors (status and one problem per field); every
write is one transaction and emits an `appraisal.*` event with before and after.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from server.assessment.self_assessment import (
    SELF,
    Busy,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    Problem,
    StaleWrite,
    check_not_excluded,
    criteria_set_for,
    engine_input,
    links_by_code,
)
from server.campaigns.exclusions import exclusions_for
from server.campaigns.phases import PhaseError, check_dossier_writable
from server.campaigns.reviewers import appraisable_domains, may_appraise
from server.engine import AnswersError
from server.engine.answers import read_answers
from server.engine.decimals import plain
from server.engine.scoring import excluded_nodes, score
from server.events import emit
from server.extensions import db
from server.models import Answer, Assessment, User
from server.people.permissions import can_read_unit
from server.records import feeds

APPRAISAL = "appraisal"
APPRAISAL_STATES = ("in_appraisal", "explained")
ACTIONS = {"accept": "appraisal.accepted", "adjust": "appraisal.adjusted",
           "request_explanation": "appraisal.explanation_requested"}
QUESTION, ACCEPTED, ADJUSTED = "question", "accepted", "adjusted"


def _problem(field: str, kind: str, detail) -> Problem:
    return Problem("", field, kind, str(detail))


def get_assessment(assessment_id: int, user: User) -> Assessment:
    """The assessment for a reviewer: 404 if it does not exist or the user may not even read it."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not (can_read_unit(user, assessment.unit_id)
                                  or may_appraise(user, assessment)):
        raise NotFound(_l("There is no such assessment."))
    return assessment


def appraisal_rows(assessment: Assessment) -> dict[str, Answer]:
    rows = db.session.execute(db.select(Answer).filter_by(
        assessment_id=assessment.id, source=APPRAISAL)).scalars()
    return {row.code: row for row in rows}


def _records_dict(proposal, self_row) -> dict | None:
    """The records' current proposal for a record-fed item, and whether the unit's answer is
    it (`unit_answer_matches`; None without both)."""
    if proposal is None:
        return None
    matches = None
    if proposal.value is not None and self_row is not None and (
            self_row.value is not None or self_row.not_applicable):
        matches = not self_row.not_applicable and feeds.same_answer(self_row.value,
                                                                    proposal.value)
    return {**proposal.to_dict(), "unit_answer_matches": matches}


def _rows_by_source(assessment: Assessment) -> tuple[dict, dict]:
    """Self and appraisal rows of the assessment, in one query."""
    found = {SELF: {}, APPRAISAL: {}}
    for row in db.session.execute(db.select(Answer).where(
            Answer.assessment_id == assessment.id,
            Answer.source.in_((SELF, APPRAISAL)))).scalars():
        found[row.source][row.code] = row
    return found[SELF], found[APPRAISAL]


def kind_of(row: Answer | None, self_row: Answer | None = None) -> str | None:
    if row is None:
        return None
    if row.value is None and not row.not_applicable:
        return QUESTION
    if self_row is not None and (row.value, row.not_applicable) == (
            self_row.value, self_row.not_applicable):
        return ACCEPTED
    return ADJUSTED


def domain_of(criteria_set, code: str) -> str | None:
    try:
        return criteria_set.leaf_domain(code)
    except KeyError:
        return None


def undecided_items(assessment: Assessment) -> dict[str, list[str]]:
    """{domain code: [codes]} of the applicable items the unit answered (not marked not
    applicable) that have no reviewer decision yet (accepted or adjusted; an open question is
    no decision)."""
    self_rows, appraised = _rows_by_source(assessment)
    return undecided_in(criteria_set_for(assessment), self_rows, appraised,
                        exclusions_for(assessment))


def undecided_in(criteria_set, self_rows: dict, appraised: dict, excluded) -> dict[str, list[str]]:
    """`undecided_items` over rows already read (code -> Answer of each source), leaving out
    the items under the `excluded` codes."""
    left_out = excluded_nodes(criteria_set, excluded) if excluded else {}
    undecided = {}
    for leaf in criteria_set.leaf_index.values():  # tree order
        row = self_rows.get(leaf.code)
        if leaf.source != SELF or row is None or row.not_applicable or row.value is None \
                or leaf.code in left_out:
            continue
        if kind_of(appraised.get(leaf.code), row) not in (ACCEPTED, ADJUSTED):
            undecided.setdefault(criteria_set.leaf_domain(leaf.code), []).append(leaf.code)
    return undecided


def _snapshot(row: Answer | None) -> dict | None:
    if row is None:
        return None
    return {"value": row.value, "not_applicable": row.not_applicable, "reason": row.reason}


def appraisal_dict(row: Answer | None, points=None, self_row: Answer | None = None) -> dict | None:
    if row is None:
        return None
    return {"value": row.value, "not_applicable": row.not_applicable, "reason": row.reason,
            "kind": kind_of(row, self_row), "author_id": row.author_id,
            "points": None if points is None else plain(points), "version": row.row_version}


def check_appraiser(assessment: Assessment, user: User) -> None:
    if not may_appraise(user, assessment):
        raise Forbidden(_l("You are not assigned to appraise this unit in this campaign, "
                           "or you belong to it."))
    if assessment.state not in APPRAISAL_STATES:
        raise Locked(_l("The dossier is not in appraisal."))
    try:
        check_dossier_writable(assessment.campaign)
    except PhaseError as error:
        raise Locked(error.message) from error


def appraise(assessment: Assessment, user: User, code: str, action: str, *, value=None,
             not_applicable: bool = False, reason: str = "", version: int | None = None
             ) -> Answer:
    """Record the reviewer's decision on one sub-criterion; commits or refuses with nothing saved.

    `version` is the appraisal row's version the reviewer started from (None for none yet).
    """
    check_appraiser(assessment, user)
    criteria_set = criteria_set_for(assessment)
    code = str(code or "").strip()
    domain = domain_of(criteria_set, code)
    if domain is None or criteria_set.leaf(code).source != SELF:
        raise Invalid(_l("This is not a self-assessed sub-criterion of the pinned criteria "
                         "set."), [_problem("code", "unknown_code", code)])
    if action not in ACTIONS:
        raise Invalid(_l("Choose accept, adjust or request_explanation."),
                      [_problem("action", "unknown_action", action)])
    if not may_appraise(user, assessment, domain):
        raise Forbidden(_l("You are not assigned to appraise this domain."))
    check_not_excluded(assessment, criteria_set, [code])
    reason = (reason or "").strip()
    self_rows, rows = _rows_by_source(assessment)
    row, self_row = rows.get(code), self_rows.get(code)
    current = None if row is None else row.row_version
    if current != version:
        raise StaleWrite(_l("Someone appraised this sub-criterion meanwhile; reload it."),
                         [Problem(code, "version", "stale")],
                         current={code: appraisal_dict(row, self_row=self_row)})
    if action == "accept":
        if self_row is None or (self_row.value is None and not self_row.not_applicable):
            raise Invalid(_l("The unit did not answer this sub-criterion; adjust it instead."),
                          [_problem("code", "unanswered", code)])
        new = {"value": self_row.value, "not_applicable": self_row.not_applicable,
               "reason": reason}
    elif action == "adjust":
        if isinstance(value, str):
            value = value.strip() or None
        problems = []
        if not reason:
            problems.append(_problem("reason", "reason_required",
                                     _l("Give the reason for the adjustment.")))
        if value is None and not not_applicable:
            problems.append(_problem("value", "missing_value", _l("Enter the appraised value.")))
        else:
            try:
                read_answers(criteria_set, {code: {"value": value,
                                                   "not_applicable": not_applicable}})
            except AnswersError as error:
                problems += [_problem(p.field or "value", p.kind, p.message)
                             for p in error.problems]
        if problems:
            raise Invalid(_l("The adjustment was not saved; see the messages."), problems)
        new = {"value": value, "not_applicable": bool(not_applicable), "reason": reason}
    else:
        if not reason:
            raise Invalid(_l("Write the question to the unit."),
                          [_problem("reason", "reason_required", _l("Write the question."))])
        new = {"value": None, "not_applicable": False, "reason": reason}
    before = _snapshot(row)
    if row is None:
        row = Answer(assessment_id=assessment.id, code=code, source=APPRAISAL)
        db.session.add(row)
    row.value, row.not_applicable, row.reason = new["value"], new["not_applicable"], new["reason"]
    row.author_id = user.id
    _commit(assessment, {code: (ACTIONS[action], before, new)}, user)
    return row


def accept_untouched(assessment: Assessment, user: User, domain_code: str) -> list[str]:
    """The reviewer's explicit accept-all: every answered self item of the domain without an
    appraisal row gets the unit's input. Returns the codes accepted."""
    check_appraiser(assessment, user)
    criteria_set = criteria_set_for(assessment)
    domain = next((d for d in criteria_set.domains if d.code == str(domain_code)), None)
    if domain is None:
        raise Invalid(_l("There is no such domain."),
                      [_problem("domain", "unknown_domain", domain_code)])
    if not may_appraise(user, assessment, domain.code):
        raise Forbidden(_l("You are not assigned to appraise this domain."))
    self_rows, rows = _rows_by_source(assessment)
    left_out = excluded_nodes(criteria_set, exclusions_for(assessment))
    changed = {}
    for leaf in domain.leaves():
        self_row = self_rows.get(leaf.code)
        if (leaf.source != SELF or leaf.code in rows or leaf.code in left_out or self_row is None
                or (self_row.value is None and not self_row.not_applicable)):
            continue
        new = {"value": self_row.value, "not_applicable": self_row.not_applicable, "reason": ""}
        db.session.add(Answer(assessment_id=assessment.id, code=leaf.code, source=APPRAISAL,
                              value=new["value"], not_applicable=new["not_applicable"],
                              author_id=user.id))
        changed[leaf.code] = ("appraisal.accepted", None, new)
    if changed:
        _commit(assessment, changed, user)
    return list(changed)


def _commit(assessment: Assessment, changed: dict, user: User) -> None:
    try:
        db.session.flush()
        for code, (action, before, after) in changed.items():
            emit(action, "answer", f"{assessment.id}:{code}", actor_id=user.id,
                 unit_id=assessment.unit_id, before=before, after=after,
                 reason=after["reason"])
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise StaleWrite(_l("Someone appraised this sub-criterion meanwhile; reload it."),
                         [Problem(code, "version", "stale") for code in changed]) from None
    except OperationalError:
        db.session.rollback()
        raise Busy(_l("The server is busy and nothing was saved; your input is kept, "
                      "save again in a moment.")) from None


def appraisal_view(assessment: Assessment, user: User) -> dict:
    """What the reviewer works from, per sub-criterion of their domains, with running totals
    (appraised answers over self answers). A fixed number of queries, whatever the set's size."""
    criteria_set = criteria_set_for(assessment)
    domains = appraisable_domains(user, assessment, [d.code for d in criteria_set.domains])
    if not domains:
        raise Forbidden(_l("You are not assigned to appraise this unit in this campaign, "
                           "or you belong to it."))
    self_rows, rows = _rows_by_source(assessment)
    links = links_by_code(assessment)
    excluded = exclusions_for(assessment)
    self_result = score(criteria_set, engine_input(self_rows.values()), excluded)
    merged = {**engine_input(self_rows.values()), **engine_input(rows.values())}
    result = score(criteria_set, merged, excluded)
    left_out = excluded_nodes(criteria_set, excluded)
    # The records' current proposal for the record-fed items shown (no query when none).
    proposed = feeds.proposals(assessment, criteria_set, codes={
        leaf.code for leaf in feeds.fed_leaves(criteria_set)
        if criteria_set.leaf_domain(leaf.code) in domains and leaf.code not in left_out})
    items = []
    for domain in criteria_set.domains:
        if domain.code not in domains:
            continue
        for leaf in domain.leaves():
            if leaf.source != SELF or leaf.code in left_out:
                continue
            self_row, row = self_rows.get(leaf.code), rows.get(leaf.code)
            counted = row is not None and kind_of(row) != QUESTION
            items.append({
                "code": leaf.code, "domain": domain.code, "title": leaf.title,
                "max_points": plain(leaf.max_points),
                "self": None if self_row is None else {
                    "value": self_row.value, "not_applicable": self_row.not_applicable,
                    "explanation": self_row.explanation, "version": self_row.row_version,
                    # For a record-fed item: the proposal the unit saved its answer against.
                    "proposal": self_row.proposal},
                "self_points": plain(self_result.nodes[leaf.code].points),
                # For a record-fed item: what the year's records propose now, with evidence.
                "records": _records_dict(proposed.get(leaf.code), self_row),
                "evidence": [{"document_id": link.document_id, "revision_id": link.revision_id}
                             for link in links.get(leaf.code, [])],
                "appraisal": appraisal_dict(
                    row, result.nodes[leaf.code].points if counted else None, self_row),
            })
    return {
        "id": assessment.id, "state": assessment.state, "domains": sorted(domains),
        "items": items,
        "totals": {
            "self_total": plain(self_result.total), "appraised_total": plain(result.total),
            "max_points": plain(result.max_points),
            "domains": {code: {"self_points": plain(self_result.nodes[code].points),
                               "appraised_points": plain(result.nodes[code].points),
                               "max_points": plain(result.nodes[code].max_points)}
                        for code in sorted(domains)},
        },
    }
