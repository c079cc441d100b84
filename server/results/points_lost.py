"""The points-lost report (điểm bị trừ): where a unit, or a whole unit group, lost points this
year, who is responsible, and how that compares with last year through the carry-over map.

Effective points are the ones ranked (the appraisal replaces the self score; survey items take the
imported result). Last year is the latest campaign of the year before (as for the ranking); its
items are carried to this year's codes by `server.engine.losses`. A unit's report also compares
by domain (`server.results.history`), the one level that results imported from a published
table give, with the unit's own figures and those of each unit it replaces side by side. Reads
are grouped: a unit's report and a group's report each take a fixed number of queries, whatever
the number of units.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.exclusions import exclusions_for
from server.engine import CriteriaSet, score
from server.engine.answers import effective_answers
from server.engine.decimals import plain, round_half_up, two_places
from server.engine.losses import CarriedLoss, carried_losses, code_map, losses, status
from server.engine.results import ScoreResult
from server.extensions import db
from server.models import Answer, Assessment, Campaign
from server.results.history import SURVEY, LastYear, domain_figures, last_year
from server.results.publications import imported_source, latest_publication
from server.results.ranking import RankingError, previous_campaign, stored_group


def _text(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def _average(total: Decimal, count: int) -> Decimal | None:
    return round_half_up(total / count, 2) if count else None


@dataclass(frozen=True)
class PreviousYear:
    """The campaign compared with; `comparable` is False when its set cannot be carried over."""

    campaign_id: int
    year: int
    criteria_set: str  # id@version
    comparable: bool
    # The decision, when last year's results were imported from its table (by domain only).
    imported_source: str | None = None

    def to_dict(self) -> dict:
        return {"campaign_id": self.campaign_id, "year": self.year,
                "criteria_set": self.criteria_set, "comparable": self.comparable,
                "imported_source": self.imported_source}


@dataclass(frozen=True)
class LostLine:
    """One sub-criterion of a unit that lost points this year or last year."""

    code: str
    title: str
    domain: str
    responsible_agency: str | None
    source: str  # self | survey
    max_points: Decimal
    points: Decimal
    lost: Decimal
    appraised: bool  # the points are the reviewers' (an appraisal row replaced the self score)
    explanation: str  # the unit's
    reason: str  # the reviewer's
    previous_lost: Decimal | None
    previous_codes: tuple[str, ...]
    status: str | None

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "domain": self.domain,
                "responsible_agency": self.responsible_agency, "source": self.source,
                "max_points": plain(self.max_points), "points": plain(self.points),
                "lost": plain(self.lost), "appraised": self.appraised,
                "explanation": self.explanation, "reason": self.reason,
                "previous_lost": _text(self.previous_lost),
                "previous_codes": list(self.previous_codes), "status": self.status}


@dataclass(frozen=True)
class UnitPointsLost:
    assessment_id: int
    campaign_id: int
    year: int
    unit_code: str
    unit_name: str
    criteria_set: CriteriaSet
    result: ScoreResult
    lines: list[LostLine]
    previous: PreviousYear | None
    last_year: LastYear | None = None

    @property
    def by_domain(self) -> list[dict]:
        """Per domain (appraised part) and the survey: this year's max and points lost, and
        last year's points lost of each unit of `last_year.found`, in that order (None where a
        unit has no figure for it)."""
        now = domain_figures(self.result, self.criteria_set)
        before = self.last_year.found if self.last_year else []
        rows = []
        keys = [(d.code, d.title) for d in self.criteria_set.domains] + [(SURVEY, "")]
        for key, title in keys:
            figure = now.get(key)
            rows.append({"key": key, "title": title,
                         "max_points": figure.max_points if figure else None,
                         "lost": figure.lost if figure else None,
                         "previous": [unit.figures[key].lost if key in unit.figures else None
                                      for unit in before]})
        return rows

    @property
    def total_lost(self) -> Decimal:
        return sum((line.lost for line in self.lines), Decimal(0))

    @property
    def previous_total_lost(self) -> Decimal | None:
        if self.previous is None or not self.previous.comparable:
            return None
        return sum((line.previous_lost or Decimal(0) for line in self.lines), Decimal(0))

    def to_dict(self) -> dict:
        return {"assessment_id": self.assessment_id, "campaign_id": self.campaign_id,
                "year": self.year, "unit_code": self.unit_code, "unit_name": self.unit_name,
                "criteria_set": {"id": self.criteria_set.id,
                                 "version": self.criteria_set.version},
                "total": two_places(self.result.total),
                "max_points": two_places(self.result.max_points),
                "total_lost": plain(self.total_lost),
                "previous_total_lost": _text(self.previous_total_lost),
                "previous": self.previous.to_dict() if self.previous else None,
                "lines": [line.to_dict() for line in self.lines],
                "last_year_units": [
                    {"unit_code": unit.unit_code, "unit_name": unit.unit_name,
                     "replaced": unit.replaced, "imported_source": unit.imported_source,
                     "index": _text(unit.index), "rank": unit.rank}
                    for unit in (self.last_year.found if self.last_year else [])],
                "by_domain": [{"key": row["key"], "max_points": _text(row["max_points"]),
                               "lost": _text(row["lost"]),
                               "previous_lost": [_text(v) for v in row["previous"]]}
                              for row in self.by_domain]}


@dataclass(frozen=True)
class ItemLoss:
    """One sub-criterion across the units of a group."""

    code: str
    title: str
    domain: str
    responsible_agency: str | None
    max_points: Decimal
    units_assessed: int  # units for which the item counts
    units_lost: int
    total_lost: Decimal
    previous_units_assessed: int | None
    previous_units_lost: int | None
    previous_total_lost: Decimal | None
    previous_codes: tuple[str, ...]

    @property
    def average_lost(self) -> Decimal | None:
        """Points lost per unit assessed on the item, rounded to 2 places."""
        return _average(self.total_lost, self.units_assessed)

    @property
    def previous_average_lost(self) -> Decimal | None:
        if self.previous_total_lost is None:
            return None
        return _average(self.previous_total_lost, self.previous_units_assessed)

    @property
    def status(self) -> str | None:
        """new / repeated / improved, on the average lost per unit assessed."""
        return status(self.average_lost or Decimal(0), self.previous_average_lost)

    def to_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "domain": self.domain,
                "responsible_agency": self.responsible_agency,
                "max_points": plain(self.max_points), "units_assessed": self.units_assessed,
                "units_lost": self.units_lost, "total_lost": plain(self.total_lost),
                "average_lost": _text(self.average_lost),
                "previous_units_assessed": self.previous_units_assessed,
                "previous_units_lost": self.previous_units_lost,
                "previous_total_lost": _text(self.previous_total_lost),
                "previous_average_lost": _text(self.previous_average_lost),
                "previous_codes": list(self.previous_codes), "status": self.status}


@dataclass
class Subtotal:
    """The items of one domain or one responsible agency, added up."""

    key: str | None
    title: str
    items_lost: int = 0
    total_lost: Decimal = Decimal(0)
    previous_total_lost: Decimal | None = None

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "items_lost": self.items_lost,
                "total_lost": plain(self.total_lost),
                "previous_total_lost": _text(self.previous_total_lost)}


@dataclass(frozen=True)
class GroupPointsLost:
    campaign_id: int
    year: int
    group: str
    criteria_set: CriteriaSet
    units: int
    items: list[ItemLoss]
    domains: list[Subtotal]
    agencies: list[Subtotal]
    previous: PreviousYear | None
    previous_units: int | None = None
    # What pages and workbooks call the group (its label; the code when there is none)
    group_label: str | None = None

    def to_dict(self) -> dict:
        return {"campaign_id": self.campaign_id, "year": self.year, "group": self.group,
                "group_label": self.group_label or self.group,
                "criteria_set": {"id": self.criteria_set.id,
                                 "version": self.criteria_set.version},
                "units": self.units, "previous_units": self.previous_units,
                "previous": self.previous.to_dict() if self.previous else None,
                "items": [item.to_dict() for item in self.items],
                "domains": [row.to_dict() for row in self.domains],
                "agencies": [row.to_dict() for row in self.agencies]}


def domain_codes(criteria_set: CriteriaSet) -> dict[str, str]:
    """leaf code -> the code of its domain."""
    return {leaf.code: domain.code for domain in criteria_set.domains
            for leaf in domain.leaves()}


def _mapping(previous_set: CriteriaSet, current: CriteriaSet) -> dict | None:
    try:
        return code_map(previous_set, current)
    except ValueError:  # the current set carries codes over from yet another set
        return None


# ------------------------------------------------------------------------------------- a unit


def _answer_rows(assessment_id: int) -> list[Answer]:
    return list(db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id)))


def _effective(assessment: Assessment, criteria_set: CriteriaSet, rows: list[Answer]
               ) -> ScoreResult:
    return score(criteria_set, effective_answers(
        criteria_set, [(r.code, r.source, r.value, r.not_applicable) for r in rows]),
        exclusions_for(assessment))


def _previous_unit(assessment: Assessment, current: CriteriaSet
                   ) -> tuple[PreviousYear | None, dict[str, CarriedLoss]]:
    campaign = previous_campaign(assessment.campaign)
    if campaign is None:
        return None, {}
    before = db.session.scalars(select(Assessment).where(
        Assessment.campaign_id == campaign.id, Assessment.unit_id == assessment.unit_id)).first()
    if before is None:
        return _imported_previous(campaign, assessment.unit_group), {}
    reference = f"{before.criteria_set_id}@{before.criteria_set_version}"
    previous_set = criteria_registry().get(before.criteria_set_id, before.criteria_set_version)
    mapping = _mapping(previous_set, current) if previous_set else None
    if mapping is None:
        return PreviousYear(campaign.id, campaign.year, reference, False), {}
    result = _effective(before, previous_set, _answer_rows(before.id))
    return (PreviousYear(campaign.id, campaign.year, reference, True),
            carried_losses(mapping, result, current))


def _imported_previous(campaign: Campaign, group: str) -> PreviousYear | None:
    """The year before, when the group's results of it were imported (no items to compare)."""
    publication = latest_publication(campaign.id, group)
    if publication is None or not publication.imported:
        return None
    return PreviousYear(campaign.id, campaign.year, f"{publication.criteria_set_id}@"
                        f"{publication.criteria_set_version}", False,
                        imported_source(publication))


def unit_points_lost(assessment: Assessment) -> UnitPointsLost:
    """Every sub-criterion of the unit that lost points this year, or lost some last year."""
    criteria_set = criteria_registry().get(assessment.criteria_set_id,
                                           assessment.criteria_set_version)
    rows = _answer_rows(assessment.id)
    by_source = {(row.code, row.source): row for row in rows}
    result = _effective(assessment, criteria_set, rows)
    previous, carried = _previous_unit(assessment, criteria_set)
    lost_now = losses(result)
    points = {line.code: line.points for line in result.trace}
    domains = domain_codes(criteria_set)
    lines = []
    for leaf in criteria_set.leaves():
        lost = lost_now.get(leaf.code, Decimal(0))
        before = carried.get(leaf.code, CarriedLoss(None, ()))
        line_status = status(lost, before.lost) if previous and previous.comparable else None
        if lost <= 0 and not (before.lost and before.lost > 0):
            continue
        appraisal = by_source.get((leaf.code, "appraisal"))
        own = by_source.get((leaf.code, "self"))
        appraised = leaf.source == "self" and appraisal is not None and (
            appraisal.value is not None or appraisal.not_applicable)
        lines.append(LostLine(
            code=leaf.code, title=leaf.title, domain=domains[leaf.code],
            responsible_agency=leaf.responsible_agency, source=leaf.source,
            max_points=leaf.max_points, points=points[leaf.code], lost=lost,
            appraised=appraised, explanation=own.explanation if own else "",
            reason=appraisal.reason if appraisal and leaf.source == "self" else "",
            previous_lost=before.lost, previous_codes=before.codes, status=line_status))
    unit = assessment.unit
    # By domain, beside the units it replaces, or against a year imported from its table.
    compared = unit.predecessors or (previous is not None and previous.imported_source is not None)
    return UnitPointsLost(assessment.id, assessment.campaign_id, assessment.campaign.year,
                          unit.code, unit.name, criteria_set, result, lines, previous,
                          last_year(assessment.campaign, unit, live=True) if compared else None)


# ------------------------------------------------------------------------------------ a group


def _previous_group(campaign: Campaign, group: str, current: CriteriaSet):
    """(PreviousYear or None, number of units, [per unit {code: CarriedLoss}])."""
    before = previous_campaign(campaign)
    if before is None or before.pin_for(group) is None:
        return None, None, []
    pin = before.pin_for(group)
    reference = f"{pin.criteria_set_id}@{pin.criteria_set_version}"
    try:
        group_scores = stored_group(before, group, detail=True)
    except RankingError:
        return PreviousYear(before.id, before.year, reference, False), None, []
    scored = group_scores.scored
    # Without dossiers, the year may have been imported: no items to compare then.
    imported = None if scored else _imported_previous(before, group)
    if imported is not None:
        return imported, None, []
    mapping = _mapping(group_scores.criteria_set, current)
    if mapping is None:
        return PreviousYear(before.id, before.year, reference, False), len(scored), []
    return (PreviousYear(before.id, before.year, reference, True), len(scored),
            [carried_losses(mapping, result, current) for _unit, result in scored])


def group_points_lost(campaign: Campaign, group: str) -> GroupPointsLost:
    """Per sub-criterion of the group's set: how many units lost points, in total and on average,
    against last year; subtotals per domain and per responsible agency. RankingError when the
    group cannot be scored."""
    group_scores = stored_group(campaign, group, detail=True)
    criteria_set, scored = group_scores.criteria_set, group_scores.scored
    previous, previous_units, carried = _previous_group(campaign, group, criteria_set)
    comparable = previous is not None and previous.comparable
    now = [losses(result) for _unit, result in scored]
    domains = domain_codes(criteria_set)
    items = []
    for leaf in criteria_set.leaves():
        counted = [unit[leaf.code] for unit in now if leaf.code in unit]
        before = [unit[leaf.code] for unit in carried]
        before_counted = [c.lost for c in before if c.lost is not None]
        # An item nothing was carried to is new: it has no last year to compare with.
        compared = comparable and bool(before) and bool(before[0].codes)
        item = ItemLoss(
            code=leaf.code, title=leaf.title, domain=domains[leaf.code],
            responsible_agency=leaf.responsible_agency, max_points=leaf.max_points,
            units_assessed=len(counted), units_lost=sum(1 for lost in counted if lost > 0),
            total_lost=sum(counted, Decimal(0)),
            previous_units_assessed=len(before_counted) if compared else None,
            previous_units_lost=sum(1 for lost in before_counted if lost > 0)
            if compared else None,
            previous_total_lost=sum(before_counted, Decimal(0)) if compared else None,
            previous_codes=before[0].codes if before else (),
        )
        if item.units_lost or item.previous_units_lost:
            items.append(item)
    return GroupPointsLost(
        campaign.id, campaign.year, group, criteria_set, len(scored), items,
        _subtotals(items, [(d.code, d.title) for d in criteria_set.domains],
                   lambda item: item.domain, comparable),
        _subtotals(items, sorted({(i.responsible_agency, i.responsible_agency or "")
                                  for i in items}, key=lambda k: k[1]),
                   lambda item: item.responsible_agency, comparable),
        previous, previous_units, group_scores.group_label)


def _subtotals(items, keys, key_of, comparable: bool) -> list[Subtotal]:
    rows = {key: Subtotal(key, title, previous_total_lost=Decimal(0) if comparable else None)
            for key, title in keys}
    for item in items:
        row = rows[key_of(item)]
        row.items_lost += 1 if item.units_lost else 0
        row.total_lost += item.total_lost
        if comparable:
            row.previous_total_lost += item.previous_total_lost or Decimal(0)
    return list(rows.values())


def items_by_domain(items: list) -> dict[str, list]:
    """The report's lines grouped by domain code, in their order."""
    grouped = defaultdict(list)
    for item in items:
        grouped[item.domain].append(item)
    return dict(grouped)
