"""The periodic PAR reports units send (báo cáo CCHC định kỳ): the signed document from the unit's
evidence library and the appendix figures; resubmitting replaces the report (the old values stay
in the audit log). An administrator records a report received outside ParIndex with its date and
a reason. Where each expected report stands (on time, late, missing, not yet due) comes from
`server.records.standing`; reminders go out before the due day through the notifications.

Every write is allowed by the campaign's phase (`may_keep_records`, 409 otherwise), authorized
per unit, audited, and left for the caller to commit in one transaction.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from server.campaigns.phases import may_keep_records
from server.campaigns.settings import parse_day
from server.events import emit
from server.extensions import db
from server.models import (
    Assessment,
    Campaign,
    EvidenceDocument,
    ReportPeriod,
    ReportSubmission,
    SentReminder,
    Unit,
    User,
)
from server.people.permissions import GLOBAL_ROLES, can_edit_unit, own_unit_ids
from server.records.appendices import check_figures
from server.records.schedule import ReportError, check_admin, expected_senders, periods
from server.records.standing import document_date, report_on_time, vietnam_today

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
STANDINGS = (ON_TIME, LATE, MISSING, PENDING)
STANDING_LABELS = {ON_TIME: _l("On time"), LATE: _l("Late"), MISSING: _l("Missing"),
                   PENDING: _l("Not yet due")}
REMINDER_DAYS = (1, 7)  # days before the due day, most urgent first
MAX_REASON = 2_000


def campaign_of(period: ReportPeriod) -> Campaign:
    return db.session.get(Campaign, period.campaign_id)


def check_records_phase(campaign: Campaign) -> None:
    if not may_keep_records(campaign):
        raise ReportError({"": _l("Records are not kept in this phase of the campaign (it is "
                                  "not open, its records phase has not begun, or it is "
                                  "closed).")}, status=409)


def submission_record(submission: ReportSubmission) -> dict:
    """A report as plain data: what the API answers and the audit log keeps."""
    day = document_date(submission)
    return {"id": submission.id, "period": submission.period.key,
            "unit_code": submission.unit.code, "domain": submission.domain,
            "document_id": submission.document_id,
            "document_date": day.isoformat() if day else None,
            "figures": dict(submission.figures or {}),
            "received_outside": bool(submission.received_outside),
            "received_on": (submission.received_on.isoformat()
                            if submission.received_on else None),
            "outside_reason": submission.outside_reason,
            "on_time": report_on_time(submission),
            "submitted_at": (submission.submitted_at.isoformat()
                             if submission.submitted_at else None)}


def find_submission(period: ReportPeriod, unit: Unit, domain: str = "") -> ReportSubmission | None:
    return db.session.scalar(select(ReportSubmission).filter_by(
        period_id=period.id, unit_id=unit.id, domain=domain))


def readable_unit_ids(period: ReportPeriod, user: User | None) -> set[int] | None:
    """The units whose reports `user` may read in `period`: every unit (None) for the command
    line, administrators, reviewers and viewers; for a unit's people their own units and the
    units under them (a district office reads its communes)."""
    if user is None or any(user.has_role(role) for role in GLOBAL_ROLES):
        return None
    own = own_unit_ids(user)
    below = set(db.session.scalars(select(Unit.id).where(Unit.parent_id.in_(own or {-1}))))
    below |= set(db.session.scalars(select(Assessment.unit_id).where(
        Assessment.campaign_id == period.campaign_id,
        Assessment.parent_id.in_(own or {-1}))))
    return own | below


def unit_documents(campaign: Campaign, unit: Unit) -> list[EvidenceDocument]:
    """The unit's evidence documents in the campaign: what a report may be signed with."""
    return list(db.session.scalars(select(EvidenceDocument).where(
        EvidenceDocument.campaign_id == campaign.id, EvidenceDocument.unit_id == unit.id)
        .order_by(EvidenceDocument.issued_on.desc(), EvidenceDocument.id.desc())))


def _check_expected(period: ReportPeriod, unit: Unit, domain: str) -> None:
    if not any(u.id == unit.id and d == domain for u, d in expected_senders(period)):
        field = "domain" if domain else "unit"
        raise ReportError({field: _l("%(unit)s is not asked for %(what)s in %(period)s.",
                                     unit=unit.code,
                                     what=(_l("the report of domain %(domain)s", domain=domain)
                                           if domain else _l("a report")),
                                     period=period.label)})


def _save(period, unit, domain, actor, action, **values) -> ReportSubmission:
    submission = find_submission(period, unit, domain)
    before = None if submission is None else submission_record(submission)
    if submission is None:
        submission = ReportSubmission(period_id=period.id, unit_id=unit.id, domain=domain)
    for name, value in values.items():
        setattr(submission, name, value)
    submission.submitted_by = actor.id if actor else None
    submission.submitted_at = datetime.now(UTC)
    try:
        # Two sends of one report at once: the unique row (or its version) lets one through.
        with db.session.begin_nested():
            db.session.add(submission)
            db.session.flush()
    except (IntegrityError, StaleDataError) as error:
        raise ReportError({"": _l("This report was sent by someone else at the same moment; "
                                  "look at it again before sending.")}, status=409) from error
    db.session.refresh(submission)
    if before is not None and action == "report.submitted":
        action = "report.resubmitted"
    emit(action,
         "report_submission", submission.id, actor_id=actor.id if actor else None,
         unit_id=unit.id, before=before, after=submission_record(submission),
         reason=values.get("outside_reason", ""))
    return submission


def submit_report(period: ReportPeriod, unit: Unit, document_id, figures, actor: User | None,
                  domain: str = "") -> ReportSubmission:
    """The unit's report for `period` (or a domain office's report of `domain`): the signed
    document, one of the unit's evidence documents in the campaign with its date set (the
    report's date), and the appendix figures checked against the period's template.
    Resubmitting replaces the report. The caller commits."""
    campaign = campaign_of(period)
    if actor is not None and not (actor.has_role("admin") or can_edit_unit(actor, unit.id)):
        raise ReportError({"": _l("Only the unit's own editors and heads send its reports.")},
                          status=403)
    check_records_phase(campaign)
    domain = (domain or "").strip()
    _check_expected(period, unit, domain)
    errors = {}
    document = None
    try:
        document_id = int(document_id) if document_id not in (None, "") else None
    except (TypeError, ValueError):
        document_id = None
    if document_id is None:
        errors["document_id"] = _l("Choose the signed report from the unit's evidence.")
    else:
        document = db.session.get(EvidenceDocument, document_id)
        if (document is None or document.campaign_id != campaign.id
                or document.unit_id != unit.id):
            errors["document_id"] = _l("Document %(id)s is not in this unit's evidence for the "
                                       "campaign.", id=document_id)
            document = None
        elif document.issued_on is None:
            errors["document_id"] = _l("The document has no date: set its date of issue (the "
                                       "report's date) in the evidence library first.")
    clean, figure_errors = check_figures(period.template, figures)
    errors.update(figure_errors)
    if errors:
        raise ReportError(errors)
    return _save(period, unit, domain, actor, "report.submitted", document_id=document.id,
                 figures=clean, received_outside=False, received_on=None, outside_reason="")


def record_outside(period: ReportPeriod, unit: Unit, received_on, reason: str,
                   actor: User | None, domain: str = "", figures=None,
                   document_id=None) -> ReportSubmission:
    """An administrator records a report received outside ParIndex (on paper, by the document
    system): the date of its document (`received_on`, what counts for on time) and why it is
    recorded this way. Replaces any report of the unit for the period. The caller commits."""
    check_admin(actor, _l("Only an administrator records a report received outside ParIndex."))
    campaign = campaign_of(period)
    check_records_phase(campaign)
    domain = (domain or "").strip()
    _check_expected(period, unit, domain)
    errors = {}
    if isinstance(received_on, str):
        try:
            received_on = parse_day(received_on) if received_on.strip() else None
        except ValueError:
            errors["received_on"] = _l("%(value)s is not a date (dd/mm/yyyy).",
                                       value=repr(received_on))
            received_on = None
    if received_on is None and "received_on" not in errors:
        errors["received_on"] = _l("Give the date of the report's document.")
    reason = (reason or "").strip()
    if not reason:
        errors["outside_reason"] = _l("Give the reason the report is recorded outside "
                                      "ParIndex.")
    elif len(reason) > MAX_REASON:
        errors["outside_reason"] = _l("The reason is too long (at most %(count)s characters).",
                                      count=MAX_REASON)
    document = None
    if document_id not in (None, ""):
        try:
            document = db.session.get(EvidenceDocument, int(document_id))
        except (TypeError, ValueError):
            document = None
        if (document is None or document.campaign_id != campaign.id
                or document.unit_id != unit.id):
            errors["document_id"] = _l("Document %(id)s is not in this unit's evidence for the "
                                       "campaign.", id=document_id)
    clean, figure_errors = ({}, {}) if not figures else check_figures(period.template, figures)
    errors.update(figure_errors)
    if errors:
        raise ReportError(errors)
    return _save(period, unit, domain, actor, "report.recorded_outside",
                 document_id=document.id if document else None, figures=clean,
                 received_outside=True, received_on=received_on, outside_reason=reason)


# --- where each expected report stands ----------------------------------------------------


@dataclass
class Expected:
    unit: Unit
    domain: str
    submission: ReportSubmission | None
    standing: str

    @property
    def document_date(self) -> date | None:
        return document_date(self.submission) if self.submission else None


def standing_of(period: ReportPeriod, submission: ReportSubmission | None, today: date) -> str:
    """On time or late by the report's document date (standing.report_on_time); without a
    report, missing once the due day has passed, else not yet due."""
    if submission is not None:
        return ON_TIME if report_on_time(submission) else LATE
    return MISSING if today > period.due_on else PENDING


def period_standing(period: ReportPeriod, today: date | None = None,
                    unit_ids: set[int] | None = None) -> list[Expected]:
    """Every expected (unit, domain) of the period with its report and standing on `today`
    (Vietnam date); `unit_ids` keeps only those units."""
    today = today or vietnam_today()
    sent = {(s.unit_id, s.domain): s for s in db.session.scalars(
        select(ReportSubmission).where(ReportSubmission.period_id == period.id)
        .options(selectinload(ReportSubmission.document)))}
    rows = []
    for unit, domain in expected_senders(period):
        if unit_ids is not None and unit.id not in unit_ids:
            continue
        submission = sent.get((unit.id, domain))
        rows.append(Expected(unit, domain, submission, standing_of(period, submission, today)))
    return rows


def late_and_missing(campaign: Campaign, today: date | None = None
                     ) -> list[tuple[ReportPeriod, list[Expected]]]:
    """Per period of the schedule, the late and missing reports."""
    today = today or vietnam_today()
    return [(period, [row for row in period_standing(period, today)
                      if row.standing in (LATE, MISSING)])
            for period in periods(campaign)]


def unit_reports(campaign: Campaign, unit: Unit, today: date | None = None
                 ) -> list[tuple[ReportPeriod, list[Expected]]]:
    """What `unit` must send in each period (its own report and any domain reports)."""
    today = today or vietnam_today()
    return [(period, period_standing(period, today, {unit.id})) for period in periods(campaign)]


# --- reminders ----------------------------------------------------------------------------


def due_report_reminders(today: date):
    """(period, unit, domain, days) for every report reminder due on `today`: a report not yet
    sent whose due day is at most 7 (or 1) days away, in a campaign keeping records."""
    for campaign in db.session.scalars(select(Campaign).where(Campaign.state == "open")
                                       .order_by(Campaign.id)):
        if not may_keep_records(campaign):
            continue
        for period in periods(campaign):
            left = (period.due_on - today).days
            if left < 0:
                continue
            days = next((d for d in REMINDER_DAYS if left <= d), None)
            if days is None:
                continue
            for row in period_standing(period, today):
                if row.submission is None:
                    yield period, row.unit, row.domain, days


def reminder_kind(period: ReportPeriod, domain: str, days: int) -> str:
    return f"report-{period.id}-{domain}-{days}"[:40]


def send_report_reminders(now: datetime | None = None) -> int:
    """Announce each report reminder due now once per (period, unit, domain, threshold), each in
    its own transaction; a 1-day reminder makes the 7-day one pointless. Returns how many were
    sent."""
    today = vietnam_today(now)
    sent = 0
    for period, unit, domain, days in list(due_report_reminders(today)):
        if not _claim(period, unit, reminder_kind(period, domain, days)):
            continue
        for later in REMINDER_DAYS:
            if later > days:
                _claim(period, unit, reminder_kind(period, domain, later))
        emit("report.due_reminder", "report_period", period.id, unit_id=unit.id,
             after={"period": period.key, "domain": domain, "due_on": period.due_on.isoformat()},
             extra={"days": days, "label": period.label, "due_on": period.due_on,
                    "campaign_id": period.campaign_id, "domain": domain})
        db.session.commit()
        sent += 1
    return sent


def _claim(period: ReportPeriod, unit: Unit, kind: str) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(campaign_id=period.campaign_id, unit_id=unit.id,
                                        kind=kind))
        return True
    except IntegrityError:
        return False
