"""The progress grid of a campaign for the Department of Home Affairs: one row per unit with its
workflow state, how much of the self-assessment is answered, where the appraisal stands, what
the unit changed after it was appraised, the points so far and whether the unit is overdue.

Three statements whatever the number of units (four with points): one for the units with their
assessment and extension, one for all the self and appraisal answers of the campaign, one for the
items excluded for its units, and one for the dossiers' stored scores. Filters that need more
than a column (the search, overdue) run on those rows, so the totals per state are counted over
the same read.

Who sees what: administrators every unit and every domain; a reviewer the unit groups their
assignments in the campaign cover, minus the units they belong to, with the appraisal counts limited
to their domains (the same rule as `server.campaigns.reviewers.may_appraise`); nobody else. The
points, when asked for, are the whole dossier's (self-assessed, and with the appraisals so far).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_, select

from server.appraisal.decisions import ACCEPTED, ADJUSTED, APPRAISAL, QUESTION, kind_of
from server.assessment.self_assessment import SELF
from server.campaigns.criteria import criteria_registry
from server.campaigns.exclusions import excluded_codes
from server.campaigns.reviewers import assignments
from server.campaigns.workflow import STATES
from server.engine.scoring import excluded_nodes
from server.extensions import db
from server.models import (
    Answer,
    Assessment,
    Campaign,
    DeadlineExtension,
    DossierScore,
    Unit,
    User,
)
from server.people.groups import group_labels

NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: _l("Not started"), **STATES}

# Why a unit is overdue: the deadline it missed, by the states in which that deadline binds.
OVERDUE_REASONS = {
    "self_assessment": _l("Self-assessment deadline passed"),
    "explanation": _l("Explanation deadline passed"),
    "appraisal": _l("Appraisal deadline passed"),
}
SELF_ASSESSMENT_STATES = (NOT_STARTED, "draft")
EXPLANATION_STATES = ("explanation_requested",)
# Dossiers the council still has to appraise (an explained one included).
APPRAISAL_STATES = ("submitted", "in_appraisal", "explained")


class FilterError(ValueError):
    """Refused filters; `errors` maps each bad field to its (translated) message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ProgressFilters:
    group: str | None = None
    state: str | None = None
    overdue: bool = False
    search: str = ""
    # Scoring every dossier twice costs milliseconds a unit, so the points are asked for.
    points: bool = False

    def as_args(self) -> dict:
        """The filters as query arguments (for links and the download)."""
        args = {"group": self.group, "state": self.state, "q": self.search or None,
                "overdue": "1" if self.overdue else None, "points": "1" if self.points else None}
        return {key: value for key, value in args.items() if value}


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def parse_filters(args) -> ProgressFilters:
    """Filters from query arguments (`group`, `state`, `overdue`, `q`, and `points` to score
    the dossiers), or FilterError naming every bad field."""
    errors = {}
    group = (args.get("group") or "").strip() or None
    if group is not None and group not in group_labels():
        errors["group"] = _l("Unknown unit group.")
    state = (args.get("state") or "").strip() or None
    if state is not None and state not in STATE_LABELS:
        errors["state"] = _l("Unknown state.")
    flags = {}
    for name in ("overdue", "points"):
        flags[name] = (args.get(name) or "").strip().lower()
        if flags[name] not in TRUE_WORDS + FALSE_WORDS:
            errors[name] = _l("Write 1 or 0.")
    if errors:
        raise FilterError(errors)
    return ProgressFilters(group, state, flags["overdue"] in TRUE_WORDS,
                           (args.get("q") or "").strip(), flags["points"] in TRUE_WORDS)


@dataclass(frozen=True)
class ProgressScope:
    """What one user sees: `domains` maps a unit group ("*" for every group) to the domain codes
    counted (None: all); `domains` None means every group and domain (administrators)."""

    domains: dict[str, set[str] | None] | None
    excluded_units: frozenset[int] = frozenset()

    def domains_for(self, group: str) -> set[str] | bool | None:
        """The domains counted for a unit of `group`: None for all, False if hidden."""
        if self.domains is None:
            return None
        found = [self.domains[key] for key in (group, "*") if key in self.domains]
        if not found:
            return False
        if any(codes is None for codes in found):
            return None
        return set().union(*found)


def progress_scope(user: User, campaign: Campaign) -> ProgressScope | None:
    """The user's view of the campaign's grid, or None if they may not see it."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.has_role("admin"):
        return ProgressScope(None)
    roles = [m for m in user.memberships if m.role == "reviewer"]
    if not roles:
        return None
    allowed = None if any(m.domains is None for m in roles) else {
        d for m in roles for d in m.domains}
    domains: dict[str, set[str]] = defaultdict(set)
    for assignment in assignments(campaign.id, user.id):
        codes = {c for c in assignment.domains if allowed is None or c in allowed}
        if codes:
            domains[assignment.unit_group or "*"] |= codes
    if not domains:
        return None
    return ProgressScope(dict(domains),
                         frozenset(m.unit_id for m in user.memberships if m.unit_id))


@dataclass
class ProgressRow:
    unit_id: int
    unit_code: str
    unit_name: str
    group: str
    assessment_id: int | None
    state: str
    answered: int = 0
    items: int = 0
    pending: int = 0
    accepted: int = 0
    adjusted: int = 0
    asked: int = 0
    changed_since_appraisal: int = 0
    self_points: Decimal | None = None
    appraised_points: Decimal | None = None
    overdue: str | None = None
    deadline: datetime | None = None
    group_label: str = ""

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def overdue_label(self) -> str | None:
        return None if self.overdue is None else str(OVERDUE_REASONS[self.overdue])

    def to_dict(self, points: bool = False) -> dict:
        """The row for the API; `points` only when they were computed."""
        def number(value):
            return None if value is None else str(value)

        found = {
            "unit": {"id": self.unit_id, "code": self.unit_code, "name": self.unit_name,
                     "group": self.group, "group_label": self.group_label},
            "assessment_id": self.assessment_id,
            "state": self.state, "state_label": self.state_label,
            "self_assessment": {"answered": self.answered, "items": self.items},
            "appraisal": {"pending": self.pending, "accepted": self.accepted,
                          "adjusted": self.adjusted, "asked": self.asked,
                          "changed_since_appraisal": self.changed_since_appraisal},
            "overdue": self.overdue is not None, "overdue_reason": self.overdue,
            "overdue_label": self.overdue_label,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
        }
        if points:
            found["points"] = {"self": number(self.self_points),
                               "appraised": number(self.appraised_points)}
        return found


@dataclass
class ProgressReport:
    campaign: Campaign
    filters: ProgressFilters
    rows: list[ProgressRow]
    # state key -> number of units, over the units matching the group and search filters
    totals: dict[str, int] = field(default_factory=dict)
    overdue_total: int = 0
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class _Sets:
    """Criteria sets by (id, version), with each self-assessed leaf's domain, looked up once."""

    def __init__(self):
        self._found = {}

    def get(self, set_id: str, version: str):
        key = (set_id, version)
        if key not in self._found:
            criteria_set = criteria_registry().get(set_id, version)
            leaves = {} if criteria_set is None else {
                leaf.code: domain.code for domain in criteria_set.domains
                for leaf in domain.leaves() if leaf.source == SELF}
            self._found[key] = (criteria_set, leaves)
        return self._found[key]


def _answered(row) -> bool:
    return row is not None and (row.value is not None or row.not_applicable)


def _count(row: ProgressRow, criteria_set, leaves: dict, domains, answers, excluded) -> None:
    """Fill the row's counts from the self and appraisal answers; items excluded for the unit
    are not counted."""
    own, appraised = answers.get(SELF, {}), answers.get(APPRAISAL, {})
    left_out = excluded_nodes(criteria_set, excluded) if excluded else {}
    for code, domain in leaves.items():
        if (domains is not None and domain not in domains) or code in left_out:
            continue
        self_row, appraisal_row = own.get(code), appraised.get(code)
        row.items += 1
        row.answered += _answered(self_row)
        kind = kind_of(appraisal_row, self_row)
        if kind is None:
            # Pending only once the dossier is with the council.
            row.pending += row.state not in SELF_ASSESSMENT_STATES
            continue
        row.asked += kind == QUESTION
        row.accepted += kind == ACCEPTED
        row.adjusted += kind == ADJUSTED
        if self_row is not None and self_row.updated_at > appraisal_row.updated_at:
            row.changed_since_appraisal += 1


def _points(row: ProgressRow, stored, appraised: dict) -> None:
    """The row's points from the dossier's stored score: the self-assessment's total, and
    once an item is appraised, the appraised total of the self-assessed items (the survey
    apart). No stored score (answers the set cannot score): no points."""
    if stored is None:
        return
    row.self_points = stored.self_total
    if any(_answered(r) for r in appraised.values()):
        row.appraised_points = stored.self_points


def _overdue(row: ProgressRow, campaign: Campaign, extension: datetime | None,
             now: datetime) -> None:
    if row.state in SELF_ASSESSMENT_STATES:
        deadline, reason = campaign.self_assessment_deadline, "self_assessment"
        if extension is not None and (deadline is None or extension > deadline):
            deadline = extension
    elif row.state in EXPLANATION_STATES:
        deadline, reason = campaign.explanation_deadline, "explanation"
    elif row.state in APPRAISAL_STATES:
        deadline, reason = campaign.appraisal_deadline, "appraisal"
    else:
        return
    row.deadline = deadline
    if deadline is not None and now > deadline:
        row.overdue = reason


def campaign_progress(campaign: Campaign, scope: ProgressScope,
                      filters: ProgressFilters = ProgressFilters(),
                      now: datetime | None = None) -> ProgressReport:
    """The grid of `campaign` as `scope` sees it, filtered by `filters`, in two statements."""
    now = now or datetime.now(UTC)
    pins = {pin.unit_group: pin for pin in campaign.pins}
    groups = [g for g in pins if filters.group in (None, g)]
    in_campaign = and_(Assessment.unit_id == Unit.id, Assessment.campaign_id == campaign.id)
    # A dossier keeps the group its unit had when the campaign opened; a unit without one yet
    # is in its group of today, and only while the campaign is not closed (a closed year gets
    # no new dossiers, so units regrouped into it later never show).
    unit_group = func.coalesce(Assessment.unit_group, Unit.group)
    waiting = Unit.active.is_(True) if campaign.state != "closed" else false()
    units = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, unit_group.label("group"),
               Assessment.id.label("assessment_id"),
               Assessment.state, Assessment.criteria_set_id, Assessment.criteria_set_version,
               DeadlineExtension.until)
        .outerjoin(Assessment, in_campaign)
        .outerjoin(DeadlineExtension, and_(DeadlineExtension.unit_id == Unit.id,
                                           DeadlineExtension.campaign_id == campaign.id))
        .where(unit_group.in_(groups), or_(Assessment.id.is_not(None), waiting))
    ).all()
    answers: dict[int, dict] = defaultdict(lambda: defaultdict(dict))
    for answer in db.session.execute(
        select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
               Answer.not_applicable, Answer.updated_at)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group.in_(groups),
               Answer.source.in_((SELF, APPRAISAL)))
    ):
        answers[answer.assessment_id][answer.source][answer.code] = answer
    excluded = excluded_codes(campaign.id)
    stored = {} if not filters.points else {row.assessment_id: row for row in db.session.execute(
        select(DossierScore.assessment_id, DossierScore.self_total, DossierScore.self_points)
        .join(Assessment, DossierScore.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group.in_(groups)))}

    names = group_labels()
    order = {group: number for number, group in enumerate(names)}
    needle = filters.search.casefold()
    sets = _Sets()
    report = ProgressReport(campaign, filters, [], {key: 0 for key in STATE_LABELS})
    for unit in sorted(units, key=lambda u: (order.get(u.group, len(order)), u.code)):
        domains = scope.domains_for(unit.group)
        if domains is False or unit.id in scope.excluded_units:
            continue
        if needle and needle not in f"{unit.code} {unit.name}".casefold():
            continue
        row = ProgressRow(unit.id, unit.code, unit.name, unit.group, unit.assessment_id,
                          unit.state or NOT_STARTED, group_label=names.get(unit.group, unit.group))
        # A unit not started yet will answer the set its group is pinned to.
        pin = pins[unit.group]
        criteria_set, leaves = sets.get(unit.criteria_set_id or pin.criteria_set_id,
                                        unit.criteria_set_version or pin.criteria_set_version)
        if criteria_set is not None:
            _count(row, criteria_set, leaves, domains, answers.get(unit.assessment_id, {}),
                   excluded.get(unit.id, {}))
        if filters.points:
            _points(row, stored.get(unit.assessment_id),
                    answers.get(unit.assessment_id, {}).get(APPRAISAL, {}))
        if row.state == "draft" and not answers.get(unit.assessment_id, {}).get(SELF):
            # Opened for the unit, nothing answered yet: it has not started.
            row.state = NOT_STARTED
        _overdue(row, campaign, unit.until, now)
        report.totals[row.state] += 1
        report.overdue_total += row.overdue is not None
        if filters.state is not None and row.state != filters.state:
            continue
        if filters.overdue and row.overdue is None:
            continue
        report.rows.append(row)
    return report


def dossier_progress(assessment: Assessment, now: datetime | None = None) -> ProgressRow:
    """One dossier's row of the grid, every domain counted, for the unit's own dashboard: the
    same counts and deadline as the Department's grid, read for this dossier only."""
    now = now or datetime.now(UTC)
    unit, campaign = assessment.unit, assessment.campaign
    row = ProgressRow(unit.id, unit.code, unit.name, assessment.unit_group, assessment.id,
                      assessment.state)
    answers: dict[str, dict] = defaultdict(dict)
    for answer in db.session.execute(
            select(Answer.code, Answer.source, Answer.value, Answer.not_applicable,
                   Answer.updated_at)
            .where(Answer.assessment_id == assessment.id,
                   Answer.source.in_((SELF, APPRAISAL)))):
        answers[answer.source][answer.code] = answer
    criteria_set, leaves = _Sets().get(assessment.criteria_set_id,
                                       assessment.criteria_set_version)
    if criteria_set is not None:
        _count(row, criteria_set, leaves, None, answers,
               excluded_codes(campaign.id, [unit.id]).get(unit.id, {}))
    if row.state == "draft" and not answers.get(SELF):
        row.state = NOT_STARTED
    extension = db.session.scalar(select(DeadlineExtension.until).where(
        DeadlineExtension.unit_id == unit.id, DeadlineExtension.campaign_id == campaign.id))
    _overdue(row, campaign, extension, now)
    return row
