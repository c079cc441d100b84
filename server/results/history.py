"""Last year's figures of a unit and of the units it replaces (mergers), by domain: what the
scorecard and the points-lost report set side by side with this year's.

By domain is the only level every source gives: a publication made here holds every item, but an
imported one (the official table of a year not run in ParIndex) holds only the appraised points
of each domain, the survey points, the total, the index and the rank. So each domain's figure is
its appraised part (self-assessed items, as the reviewers accepted them), and the survey is a
figure of its own, whichever the source. A unit's figures come from the latest publication of the
year before that holds it; failing that, when `live` is asked, from its dossier scored now.
Reads are grouped: a fixed number of queries whatever the number of predecessors.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.engine import CriteriaSet, ScoreResult, score
from server.engine.answers import AnswersError, effective_answers
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Publication, PublicationScore, Unit
from server.results.publications import imported_source, thaw_result
from server.results.ranking import previous_campaign

SURVEY = "survey"  # the key of the survey's figure beside the domain codes


@dataclass(frozen=True)
class Figure:
    points: Decimal
    max_points: Decimal

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points


@dataclass(frozen=True)
class PastFigures:
    """One unit's figures of the year before; `found` False when it has none there."""

    unit_code: str
    unit_name: str
    replaced: bool  # one of the units the unit replaces (else the unit itself)
    found: bool = False
    published: bool = False
    imported_source: str | None = None  # the decision, for figures imported from its table
    index: Decimal | None = None
    total: Decimal | None = None
    rank: int | None = None
    figures: dict[str, Figure] | None = None  # domain code (and SURVEY) -> appraised figure


@dataclass(frozen=True)
class LastYear:
    campaign_id: int
    year: int
    units: list[PastFigures]  # the unit itself (when it has figures), then each it replaces

    @property
    def found(self) -> list[PastFigures]:
        return [unit for unit in self.units if unit.found]


def domain_figures(result: ScoreResult, criteria_set: CriteriaSet | None) -> dict[str, Figure]:
    """domain code -> its appraised points over their max, and SURVEY -> the survey's."""
    if not result.trace:  # imported: the table's domain nodes and totals are all there is
        figures = {node.code: Figure(node.points, node.max_points)
                   for node in result.nodes.values() if node.level == "domain"}
        return {**figures, SURVEY: Figure(result.survey_points, result.survey_max_points)}
    if criteria_set is None:
        return {}
    where = {leaf.code: (domain.code, leaf.source) for domain in criteria_set.domains
             for leaf in domain.leaves()}
    points, maxima = defaultdict(Decimal), defaultdict(Decimal)
    for domain in criteria_set.domains:
        points[domain.code], maxima[domain.code] = Decimal(0), Decimal(0)
    points[SURVEY], maxima[SURVEY] = Decimal(0), Decimal(0)
    for line in result.trace:
        if not line.counts or line.code not in where:
            continue
        domain, source = where[line.code]
        key = SURVEY if source == "survey" else domain
        points[key] += line.points
        maxima[key] += line.max_points
    return {key: Figure(points[key], maxima[key]) for key in points}


def _published(campaign: Campaign, codes: list[str]) -> dict[str, tuple[Publication, dict]]:
    """unit code -> (latest publication of its group holding it, its frozen result)."""
    latest = {}
    for publication_id, group in db.session.execute(
            select(Publication.id, Publication.unit_group)
            .where(Publication.campaign_id == campaign.id).order_by(Publication.number.desc())):
        latest.setdefault(group, publication_id)
    if not latest:
        return {}
    scores = db.session.execute(
        select(PublicationScore.publication_id, PublicationScore.unit_code,
               PublicationScore.result)
        .where(PublicationScore.publication_id.in_(list(latest.values())),
               PublicationScore.unit_code.in_(codes))).all()
    # Only the publications holding these units are read whole (for their ranks).
    by_id = {publication.id: publication for publication in db.session.scalars(
        select(Publication).where(Publication.id.in_({row[0] for row in scores})))} \
        if scores else {}
    return {code: (by_id[publication_id], result) for publication_id, code, result in scores}


def _scored_now(campaign: Campaign, codes: list[str]) -> dict[str, tuple[ScoreResult, object]]:
    """unit code -> (its dossier scored from the current data, its criteria set)."""
    if not codes:
        return {}
    dossiers = db.session.execute(
        select(Assessment.id, Unit.code, Assessment.criteria_set_id,
               Assessment.criteria_set_version).join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Unit.code.in_(codes))).all()
    rows = defaultdict(list)
    for assessment_id, *row in db.session.execute(
            select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
                   Answer.not_applicable)
            .where(Answer.assessment_id.in_([d[0] for d in dossiers]))):
        rows[assessment_id].append(row)
    scored = {}
    for assessment_id, code, set_id, version in dossiers:
        criteria_set = criteria_registry().get(set_id, version)
        if criteria_set is None or not rows[assessment_id]:
            continue
        try:
            scored[code] = (score(criteria_set, effective_answers(criteria_set,
                                                                  rows[assessment_id])),
                            criteria_set)
        except AnswersError:
            continue
    return scored


def _from_publication(unit: Unit, replaced: bool, publication: Publication,
                      frozen: dict) -> PastFigures:
    criteria_set = criteria_registry().get(publication.criteria_set_id,
                                           publication.criteria_set_version)
    result = thaw_result(frozen, criteria_set)
    row = next((r for r in publication.results["ranking"]["rows"]
                if r["unit_code"] == unit.code), {})
    return PastFigures(unit.code, unit.name, replaced, True, True,
                       imported_source(publication), result.index,
                       result.total, row.get("rank"), domain_figures(result, criteria_set))


def last_year(campaign: Campaign, unit: Unit, *, live: bool) -> LastYear | None:
    """The unit's figures and those of each unit it replaces in the latest campaign of the year
    before, when there is one: published ones, else (`live`) scored from their dossiers."""
    previous = previous_campaign(campaign)
    if previous is None:
        return None
    units = [(unit, False), *((other, True) for other in unit.predecessors)]
    codes = [u.code for u, _replaced in units]
    published = _published(previous, codes)
    scored = _scored_now(previous, [c for c in codes if c not in published]) if live else {}
    figures = []
    for one, replaced in units:
        if one.code in published:
            figures.append(_from_publication(one, replaced, *published[one.code]))
        elif one.code in scored:
            result, criteria_set = scored[one.code]
            figures.append(PastFigures(one.code, one.name, replaced, True, False, None,
                                       result.index, result.total, None,
                                       domain_figures(result, criteria_set)))
        elif replaced or not unit.predecessors:
            figures.append(PastFigures(one.code, one.name, replaced))
    return LastYear(previous.id, previous.year, figures)
