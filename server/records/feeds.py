"""The figures the year's records propose for the criteria set's record-fed items (`fed_by`,
docs/criteria-sets.md), each with the evidence it was computed from (docs/records.md, "How
records feed the self-assessment").

- plan_issued: standing.plan_issued_state of the unit's plan in the campaign ("on_time",
  "late" or "missing"); no figure when no unit's plan at all is recorded in the campaign (the
  year's plans are not kept in ParIndex).
- plan_completion: the tasks that count for the unit (`counted_tasks`) with completion evidence
  (status done, a completion document, a completion date) dated on or before the annual cut-off
  (`annual_cutoff`), as a percentage of those tasks, rounded half-up to 2 places; tasks done
  after their deadline are listed apart as late and still count as done. No task that counts:
  no figure (None), not 0 nor 100.
- reports_on_time: the number of reports missing or late (standing.report_on_time) among the
  reports expected from the unit whose due day has passed: its own report of every period whose
  senders include it, and the domain report of every period asking for domain reports, for each
  domain it is the responsible office of. No report expected yet: no figure (None).

The engine stays the only place turning answers into points: `proposals` scores the proposed
answer with the leaf's own rule. The records are read in a few queries per dossier, never one
per task or report.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import exists
from sqlalchemy.orm import selectinload

from server.engine.decimals import NotANumber, parse_decimal, round_half_up
from server.extensions import db
from server.models import (
    Assessment,
    DomainOffice,
    EvidenceDocument,
    ParPlan,
    PlanTask,
    ReportPeriod,
    ReportSubmission,
)
from server.records import standing

ANNUAL_PERIOD = "year"
PLAN_ISSUED = "plan_issued"
PLAN_COMPLETION = "plan_completion"
REPORTS_ON_TIME = "reports_on_time"


@dataclass
class Figure:
    """One figure of the records (a state, a number, or None when the records give none) and
    the evidence it was computed from, as plain data the pages and the API show."""

    record: str
    value: object
    evidence: dict = field(default_factory=dict)


@dataclass
class Proposal:
    """What the records propose for one record-fed item: `value` the rule's answer (None when
    the records give no figure), `figure` the records' figure, `points` what the leaf's rule
    gives for `value` (None without a value)."""

    code: str
    record: str
    value: object
    figure: object
    evidence: dict
    points: Decimal | None

    def to_dict(self) -> dict:
        return {"record": self.record, "value": self.value, "figure": self.figure,
                "points": None if self.points is None else str(self.points),
                "evidence": self.evidence}


def fed_leaves(criteria_set) -> list:
    """The set's leaves whose answer the records propose, in tree order."""
    return [leaf for leaf in criteria_set.leaves() if leaf.fed_by is not None]


def annual_cutoff(campaign, periods: list[ReportPeriod]) -> date:
    """The day the year's work is counted to: the end of the annual report's data window (the
    `year` period's covers_to) when the schedule has one; else the campaign's latest data
    cut-off date; else 31 December of the campaign year."""
    for period in periods:
        if period.key == ANNUAL_PERIOD:
            return period.covers_to
    days = []
    for cutoff in campaign.data_cutoffs or []:
        try:
            days.append(date.fromisoformat(str((cutoff or {}).get("date", ""))))
        except (ValueError, AttributeError):
            continue
    return max(days) if days else date(campaign.year, 12, 31)


def document_dict(document) -> dict | None:
    if document is None:
        return None
    current = document.current
    return {"id": document.id, "number": document.number, "title": document.title,
            "issued_on": _iso(document.issued_on),
            "revision_id": current.id if current is not None else None}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# --------------------------------------------------------------------------------- loading


@dataclass
class Records:
    """The campaign's records of one unit, read at once."""

    unit: object
    campaign: object
    plan: ParPlan | None
    inherited: list[PlanTask]  # tasks taken over into other units' plans that this unit leads
    periods: list[ReportPeriod]
    domains: list[str]  # the reform domains this unit is the responsible office of
    submissions: list[ReportSubmission]
    plans_kept: bool = True  # whether any unit's plan is recorded in the campaign
    kept: frozenset = frozenset()  # the figures the campaign keeps records for
    documents: dict = field(default_factory=dict)  # id -> EvidenceDocument the evidence names

    def document(self, document_id: int | None) -> dict | None:
        return document_dict(self.documents.get(document_id)) if document_id else None


def load_records(assessment: Assessment, need: set[str] | None = None) -> Records:
    """Read what the `need`ed figures use (all of them when None), in one query per kind."""
    need = set(standing_needs(need))
    campaign_id, unit_id = assessment.campaign_id, assessment.unit_id
    plan, inherited, periods, domains, submissions = None, [], [], [], []
    # One query tells whether the campaign keeps records at all: most past years keep none.
    plans_kept, periods_kept = db.session.execute(db.select(
        exists().where(ParPlan.campaign_id == campaign_id),
        exists().where(ReportPeriod.campaign_id == campaign_id))).one()
    if not plans_kept:  # no plan, so no task either
        need -= {PLAN_ISSUED, PLAN_COMPLETION}
    if not periods_kept:
        need -= {REPORTS_ON_TIME}
    if need & {PLAN_ISSUED, PLAN_COMPLETION}:
        plan = db.session.execute(
            db.select(ParPlan).filter_by(campaign_id=campaign_id, unit_id=unit_id).options(
                selectinload(ParPlan.versions), selectinload(ParPlan.tasks),
            )).unique().scalar_one_or_none()
    if PLAN_COMPLETION in need:
        inherited = list(db.session.execute(
            db.select(PlanTask).join(ParPlan, PlanTask.plan_id == ParPlan.id).where(
                ParPlan.campaign_id == campaign_id, ParPlan.unit_id != unit_id,
                PlanTask.inherited_from_id.is_not(None), PlanTask.lead_unit_id == unit_id,
                PlanTask.cancelled_in.is_(None))
            .options(selectinload(PlanTask.plan))
            .order_by(PlanTask.plan_id, PlanTask.id)).unique().scalars())
    if need & {PLAN_COMPLETION, REPORTS_ON_TIME}:
        periods = list(db.session.execute(
            db.select(ReportPeriod).filter_by(campaign_id=campaign_id)
            .order_by(ReportPeriod.position, ReportPeriod.due_on, ReportPeriod.id))
            .unique().scalars())
    if REPORTS_ON_TIME in need:
        domains = list(db.session.execute(
            db.select(DomainOffice.domain).filter_by(campaign_id=campaign_id, unit_id=unit_id)
            .order_by(DomainOffice.domain)).scalars())
        if periods:
            submissions = list(db.session.execute(
                db.select(ReportSubmission).where(
                    ReportSubmission.unit_id == unit_id,
                    ReportSubmission.period_id.in_([p.id for p in periods])))
                .unique().scalars())
    # Every document the evidence names, with its revisions, at once.
    ids = {task.completion_document_id for task in (plan.tasks if plan else []) + inherited}
    ids |= {version.document_id for version in (plan.versions if plan else [])}
    ids |= {submission.document_id for submission in submissions}
    ids.discard(None)
    documents = {document.id: document for document in db.session.execute(
        db.select(EvidenceDocument).where(EvidenceDocument.id.in_(ids))).scalars()} if ids else {}
    return Records(assessment.unit, assessment.campaign, plan, inherited, periods, domains,
                   submissions, bool(plans_kept), kept=frozenset(need), documents=documents)


def standing_needs(need):
    return need if need is not None else {PLAN_ISSUED, PLAN_COMPLETION, REPORTS_ON_TIME}


# --------------------------------------------------------------------------------- figures


def plan_issued(records: Records) -> Figure:
    plan = records.plan
    # A campaign where no unit's plan is recorded does not keep plans in ParIndex: no figure.
    state = standing.plan_issued_state(plan) if records.plans_kept else None
    evidence = {"plan": None, "versions": []}
    if plan is not None:
        evidence["plan"] = {"id": plan.id, "title": plan.title, "due_on": _iso(plan.due_on)}
        evidence["versions"] = [
            {"number": v.number, "decision_number": v.decision_number,
             "issued_on": _iso(v.issued_on), "note": v.note,
             "document": records.document(v.document_id)}
            for v in plan.versions]
    return Figure(PLAN_ISSUED, state, evidence)


def counted_tasks(records: Records) -> list[PlanTask]:
    """The tasks that count for the unit's plan completion, each once:

    - the tasks of the unit's own plan, as its last version stands (standing.live_tasks),
      whoever leads them: the plan is the unit's, even where it names a department as the
      lead agency (cơ quan chủ trì) of a task;
    - except the tasks it took over (inherited) from the plan above that another unit leads:
      those count for the unit that leads them;
    - and the tasks taken over into other units' plans of the campaign that this unit leads.

    A task taken over into several plans counts once (by the task it was taken over from),
    the unit's own plan's copy first.
    """
    unit_id = records.unit.id
    found, origins = [], set()
    own = standing.live_tasks(records.plan) if records.plan is not None else []
    mine = [task for task in own
            if task.inherited_from_id is None or task.lead_unit_id in (None, unit_id)]
    for task in mine + records.inherited:
        origin = task.inherited_from_id or task.id
        if origin in origins:
            continue
        origins.add(origin)
        found.append(task)
    return found


def _task_dict(task: PlanTask, cutoff: date, today: date, records: Records) -> dict:
    unit_id = records.unit.id
    done = standing.is_done(task)
    return {
        "id": task.id, "plan_id": task.plan_id, "number": task.number, "title": task.title,
        "lead_unit": task.lead_unit.name if task.lead_unit is not None else None,
        "lead_unit_id": task.lead_unit_id,
        "from_plan_of": (task.plan.unit.name if task.plan.unit_id != unit_id else None),
        "inherited": task.inherited_from_id is not None,
        "deadline": _iso(task.deadline), "status": task.status,
        "completed_on": _iso(task.completed_on),
        "standing": standing.task_standing(task, today),
        "added_in": task.added_in, "cancelled_in": task.cancelled_in,
        "document": records.document(task.completion_document_id),
        "done_by_cutoff": done and task.completed_on <= cutoff,
        "after_cutoff": done and task.completed_on > cutoff,
        "late": done and task.deadline is not None and task.completed_on > task.deadline,
    }


def plan_completion(records: Records, today: date) -> Figure:
    cutoff = annual_cutoff(records.campaign, records.periods)
    tasks = counted_tasks(records)
    rows = [_task_dict(task, cutoff, today, records) for task in tasks]
    counted_ids = {task.id for task in tasks}
    own = records.plan.tasks if records.plan is not None else []
    # Listed, not counted: cancelled tasks, and tasks taken over that another unit leads.
    left_out = [_task_dict(task, cutoff, today, records) for task in own
                if task.id not in counted_ids]
    done = sum(1 for row in rows if row["done_by_cutoff"])
    value = None
    if rows:
        value = _number(round_half_up(Decimal(done) * 100 / Decimal(len(rows))))
    evidence = {
        "cutoff": cutoff.isoformat(), "done": done, "total": len(rows),
        "plan": plan_issued(records).evidence,
        "tasks": rows,
        "late": [row for row in rows if row["late"]],
        "not_counted": left_out,
    }
    return Figure(PLAN_COMPLETION, value, evidence)


def expected_reports(records: Records, today: date) -> list[tuple[ReportPeriod, str]]:
    """(period, domain) of every report expected from the unit whose due day has passed: its
    own (domain "") when the period's senders include its group (no groups: every unit with a
    dossier), and a domain report per domain it is the office of when the period asks for
    them."""
    group = records.unit.group
    expected = []
    for period in records.periods:
        if period.due_on >= today:
            continue
        if not period.unit_groups or group in period.unit_groups:
            expected.append((period, ""))
        if period.domain_reports:
            expected.extend((period, domain) for domain in records.domains)
    return expected


def reports_on_time(records: Records, today: date) -> Figure:
    sent = {(s.period_id, s.domain or ""): s for s in records.submissions}
    rows = []
    for period, domain in expected_reports(records, today):
        submission = sent.get((period.id, domain))
        day = standing.document_date(submission) if submission is not None else None
        if submission is None or day is None:
            state = "missing"
        else:
            state = "on_time" if standing.report_on_time(submission) else "late"
        rows.append({
            "period": period.key, "label": period.label, "domain": domain,
            "due_on": period.due_on.isoformat(),
            "covers_from": period.covers_from.isoformat(),
            "covers_to": period.covers_to.isoformat(),
            "state": state, "document_date": _iso(day),
            "submission_id": submission.id if submission is not None else None,
            "submitted_at": (submission.submitted_at.isoformat()
                             if submission is not None and submission.submitted_at else None),
            "received_outside": bool(submission and submission.received_outside),
            "outside_reason": submission.outside_reason if submission is not None else "",
            "document": records.document(submission.document_id) if submission else None,
        })
    failures = sum(1 for row in rows if row["state"] != "on_time")
    value = failures if rows else None
    return Figure(REPORTS_ON_TIME, value,
                  {"expected": len(rows), "failures": failures, "reports": rows})


def figures(assessment: Assessment, need: set[str] | None = None,
            today: date | None = None) -> dict[str, Figure]:
    """record -> Figure for the `need`ed figures (all when None) of the dossier's unit."""
    today = today or standing.vietnam_today()
    need = set(standing_needs(need))
    records = load_records(assessment, need)
    # A figure the campaign keeps no records for: none, and no evidence to show.
    found = {record: Figure(record, None) for record in need - records.kept}
    need &= records.kept
    if PLAN_ISSUED in need:
        found[PLAN_ISSUED] = plan_issued(records)
    if PLAN_COMPLETION in need:
        found[PLAN_COMPLETION] = plan_completion(records, today)
    if REPORTS_ON_TIME in need:
        found[REPORTS_ON_TIME] = reports_on_time(records, today)
    return found


def proposals(assessment: Assessment, criteria_set, today: date | None = None,
              codes=None) -> dict[str, Proposal]:
    """leaf code -> Proposal for every record-fed leaf of the set (or of `codes`): the answer
    the records give and the points the leaf's rule gives it. No record-fed leaf: no query."""
    leaves = [leaf for leaf in fed_leaves(criteria_set) if codes is None or leaf.code in codes]
    if not leaves:
        return {}
    found = figures(assessment, {leaf.fed_by.record for leaf in leaves}, today)
    result = {}
    for leaf in leaves:
        figure = found[leaf.fed_by.record]
        value = None if figure.value is None else leaf.fed_by.answer_for(figure.value)
        points = None if value is None else leaf.rule.score(value).points
        result[leaf.code] = Proposal(leaf.code, figure.record, value, figure.value,
                                     figure.evidence, points)
    return result


def same_answer(stored, proposed) -> bool:
    """Whether a saved answer value is the proposal (numbers compared as numbers, so "92,5"
    is 92.5)."""
    if stored is None or proposed is None:
        return stored is None and proposed is None
    try:
        return parse_decimal(stored) == parse_decimal(proposed)
    except NotANumber:
        return stored == proposed


def _number(value: Decimal):
    """A JSON number: an int when whole, else a float of the 2-place figure."""
    return int(value) if value == value.to_integral_value() else float(value)
