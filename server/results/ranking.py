"""Ranking a whole unit group of a campaign from its stored scores.

A ranking reads the scores stored when the answers changed (server.campaigns.stored_scores): one
query for the group's dossiers with their totals and domain points, then the tie rule; with
`detail`, one more for every leaf's stored points, summed up the tree by the engine. `score_group`
scores the same group from its answers instead, for the checks that compare the two. The
campaign's own tie rule, classification bands, survey (not run: the appraised points rescale to
100) and its units marked "not ranked" apply unless the caller overrides them.
"""

import gc
from collections import defaultdict
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Text, cast, func, select, true

from server.campaigns.criteria import RankingError, group_criteria_set
from server.campaigns.exclusions import excluded_codes
from server.campaigns.stored_scores import TOTALS, group_digest, inputs_digest, stored_domains
from server.engine import CriteriaSet, from_stored_leaves, from_stored_totals, score
from server.engine.answers import AnswersError, effective_answers
from server.engine.model import TieRule
from server.engine.ranking import Entry, RankedRow, rank
from server.engine.scoring import stored_components
from server.extensions import db, id_in
from server.models import (
    Answer,
    Assessment,
    Campaign,
    DossierScore,
    LeafScore,
    Publication,
    Unit,
    UnitGroup,
)
from server.people.unit_replacements import replacement_graph


@dataclass(frozen=True)
class GroupRanking:
    campaign_id: int
    year: int
    group: str
    criteria_set: CriteriaSet
    tie_rule: TieRule
    rows: list[RankedRow]
    # unit code -> index of the previous year's campaign, for the units found there
    previous: dict[str, Decimal | None]
    # SHA-256 of every unit's scored inputs (see ScoredGroup.inputs_digest)
    inputs_digest: str
    # For results imported from a published table: the decision they come from.
    imported_source: str | None = None
    # unit code -> [(code of a unit it replaces, that unit's previous index)], for mergers
    replaced: dict[str, list[tuple[str, Decimal | None]]] = field(default_factory=dict)
    # What pages and workbooks call the group (its label; the code when there is none)
    group_label: str | None = None


@dataclass(frozen=True)
class ScoredGroup:
    criteria_set: CriteriaSet
    # ((unit code, unit name, rankable), ScoreResult) per assessment, by unit code
    scored: list[tuple[tuple[str, str, bool], object]]
    # Over the unit codes and the answers as scored, in unit order: equal digests, equal inputs.
    inputs_digest: str
    # The group's label, read with its dossiers (the code when it has none)
    group_label: str | None = None


@contextmanager
def collection_paused():
    """Garbage collection paused while a group's results are built: a national group makes
    hundreds of thousands of small objects, none in a reference cycle, and each collection
    would scan them all again (a ranking of 10,600 units took twice as long)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def campaign_tie_rule(campaign: Campaign) -> TieRule | None:
    if campaign.tie_compare and campaign.tie_ranks:
        return TieRule(campaign.tie_compare, campaign.tie_ranks)
    return None


def _group_dossiers(campaign: Campaign, group: str, *columns):
    """The group's dossiers (the group each kept when the campaign opened) by unit code:
    (assessment id, unit code, unit name, rankable, group label, unit id, *columns). A unit is
    rankable when it is active, its assessment is not marked "not ranked" and its group is a
    ranked one (special units are scored, not ranked)."""
    query = (select(Assessment.id, Unit.code, Unit.name,
                    Unit.active & Assessment.ranked & func.coalesce(UnitGroup.ranked, true()),
                    UnitGroup.label, Unit.id, *columns)
             .join(Unit, Assessment.unit_id == Unit.id)
             .outerjoin(UnitGroup, UnitGroup.code == Assessment.unit_group)
             .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
             .order_by(Unit.code))
    if columns:
        query = query.outerjoin(DossierScore, DossierScore.assessment_id == Assessment.id)
    return db.session.execute(query).all()


def stored_group(campaign: Campaign, group: str, *, detail: bool = False) -> ScoredGroup:
    """Every dossier of the group with its stored score: totals and domains only, or with
    `detail` every criterion and leaf too (a workbook, a publication)."""
    criteria_set = group_criteria_set(campaign, group)
    # The stored figures as plain columns, not DossierScore objects: a national group has
    # 10,600 of them.
    dossiers = _group_dossiers(campaign, group, DossierScore.assessment_id.label("scored"),
                               DossierScore.survey_absent, DossierScore.inputs_digest,
                               DossierScore.domains,
                               *(getattr(DossierScore, name) for name in TOTALS))  # last
    missing = [row.code for row in dossiers if row.scored is None]
    if missing:
        raise RankingError(f"no stored score for {', '.join(missing[:10])}: "
                           "run `parindex scores rebuild`")
    ids = [row.id for row in dossiers]
    leaves = _stored_leaves(ids) if detail else {}
    # Named components are sums of leaves: without `detail`, one read of their leaves only.
    parts = _stored_leaves(ids, criteria_set.component_of) \
        if criteria_set.components and not detail else {}
    scored = []
    for row in dossiers:
        if detail:
            result = from_stored_leaves(criteria_set, leaves[row.id], row.survey_absent)
        else:
            totals = dict(zip(TOTALS, row[-len(TOTALS):], strict=True))
            components = stored_components(criteria_set, {
                code: (status, points) for code, (status, _outcome, points)
                in parts[row.id].items()}) if criteria_set.components else None
            result = from_stored_totals(criteria_set, totals, stored_domains(row.domains),
                                        row.survey_absent, components)
        scored.append(((row.code, row.name, bool(row[3])), result))
    digest = group_digest((row.code, row.inputs_digest) for row in dossiers)
    label = next((row.label for row in dossiers if row.label), None)
    return ScoredGroup(criteria_set, scored, digest, label)


def stored_result(campaign: Campaign, group: str, assessment_id: int):
    """One dossier's stored score with every criterion and leaf (a live scorecard); None when
    it has none (its group has no pinned set, or its answers do not score)."""
    try:
        criteria_set = group_criteria_set(campaign, group)
    except RankingError:
        return None
    stored = db.session.get(DossierScore, assessment_id)
    if stored is None or (stored.criteria_set_id, stored.criteria_set_version) != (
            criteria_set.id, criteria_set.version):
        return None
    return from_stored_leaves(criteria_set, _stored_leaves([assessment_id])[assessment_id],
                              stored.survey_absent)


def _stored_leaves(ids: list[int], codes: Collection[str] | None = None, *,
                   as_text: bool = False) -> dict[int, dict]:
    """assessment id -> {leaf code: (status, outcome, points)}, in one read (of the leaves
    `codes` only, when given); points as Decimals, or `as_text` as stored ("1.50": what files
    and snapshots write, without a round trip through Decimal for a million leaves)."""
    leaves = defaultdict(dict)
    points = cast(LeafScore.points, Text) if as_text else LeafScore.points
    query = select(LeafScore.assessment_id, LeafScore.code, LeafScore.status, LeafScore.outcome,
                   points).where(id_in(LeafScore.assessment_id, ids))
    if codes is not None:
        query = query.where(LeafScore.code.in_(list(codes)))
    for id_, code, status, outcome, points in (_driver_rows(query) if as_text
                                               else db.session.execute(query)):
        leaves[id_][code] = (status, outcome, points)
    return leaves


def _driver_rows(query) -> list[tuple]:
    """The rows of `query` as the database driver gives them: plain tuples, no result
    processing (text and integers need none). A national group's million leaves cost half
    the time of SQLAlchemy rows."""
    result = db.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


# unit codes -> {unit code: {leaf code: (status, outcome, points as text)}} for those units
LeafReader = Callable[[list[str]], dict[str, dict[str, tuple]]]


def stored_leaf_reader(campaign_id: int, group: str) -> LeafReader:
    """The group's stored leaf points as text, a chunk of units per read (the long table of a
    live ranking, a publication's snapshot)."""
    ids = dict(db.session.execute(
        select(Unit.code, Assessment.id).join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign_id, Assessment.unit_group == group)).all())

    def read(codes: list[str]) -> dict[str, dict[str, tuple]]:
        leaves = _stored_leaves([ids[code] for code in codes], as_text=True)
        return {code: leaves[ids[code]] for code in codes}
    return read


def score_group(campaign: Campaign, group: str) -> ScoredGroup:
    """Every dossier of the group scored by the engine from its answers now, as `stored_group`
    would give it with `detail` when the stored scores are right."""
    criteria_set = group_criteria_set(campaign, group)
    dossiers = _group_dossiers(campaign, group)
    answers = defaultdict(list)
    for assessment_id, code, source, value, not_applicable in db.session.execute(
        select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
               Answer.not_applicable)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
    ):
        answers[assessment_id].append((code, source, value, not_applicable))
    excluded = excluded_codes(campaign.id)
    scored, digests = [], []
    for assessment_id, code, name, rankable, _label, unit_id in dossiers:
        inputs = effective_answers(criteria_set, answers[assessment_id])
        left_out = sorted(excluded.get(unit_id, ()))
        digests.append((code, inputs_digest(code, inputs, left_out)))
        try:
            result = score(criteria_set, inputs, left_out)
        except AnswersError as error:
            raise RankingError(f"unit {code}: {error}") from error
        scored.append(((code, name, bool(rankable)), result))
    label = next((row.label for row in dossiers if row.label), None)
    return ScoredGroup(criteria_set, scored, group_digest(digests), label)


def rank_group(campaign: Campaign, group: str, *, not_ranked: Collection[str] = (),
               tie_rule: TieRule | None = None, with_previous: bool = True,
               detail: bool = False, from_answers: bool = False) -> GroupRanking:
    """The group's ranking. Inactive units, units the campaign marks "not ranked", every unit of
    a group that is not ranked and units in `not_ranked` (codes) are scored and listed without
    a rank. `tie_rule` overrides the
    campaign's, which overrides the set's. With `detail`, each row's result holds every
    criterion and leaf (workbooks and publications need them; pages and the API do not).
    `from_answers` scores the answers with the engine instead of reading the stored scores
    (the drift check)."""
    with collection_paused():
        return _ranked(campaign, group, not_ranked, tie_rule, with_previous, detail, from_answers)


def _ranked(campaign, group, not_ranked, tie_rule, with_previous, detail, from_answers):
    group_scores = score_group(campaign, group) if from_answers \
        else stored_group(campaign, group, detail=detail)
    criteria_set = group_scores.criteria_set
    entries = [Entry(code, name, result, rankable and code not in not_ranked)
               for (code, name, rankable), result in group_scores.scored]
    tie_rule = tie_rule or campaign_tie_rule(campaign) or criteria_set.tie_rule
    rows = rank(criteria_set, entries, tie_rule)
    previous = previous_indices(campaign, group) if with_previous else {}
    # Only a year with a year before it has indices of replaced units to show.
    replaced = predecessor_indices([row.unit_code for row in rows], previous) \
        if previous else {}
    return GroupRanking(campaign.id, campaign.year, group, criteria_set, tie_rule, rows,
                        previous, group_scores.inputs_digest, replaced=replaced,
                        group_label=group_scores.group_label)


def predecessor_indices(codes: list[str], previous: dict[str, Decimal | None]
                        ) -> dict[str, list[tuple[str, Decimal | None]]]:
    """unit code -> [(code of each unit it replaces, its index in `previous`)], for the units
    of `codes` that replace others (a merged commune shows each old commune's index)."""
    graph = replacement_graph()
    return {code: [(other, previous.get(other)) for other in sorted(graph[code])]
            for code in codes if code in graph}


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The latest campaign of the year before `campaign`'s, when there is one."""
    return db.session.scalars(
        select(Campaign).where(Campaign.year == campaign.year - 1).order_by(Campaign.id.desc())
    ).first()


def previous_indices(campaign: Campaign, group: str) -> dict[str, Decimal | None]:
    """unit code -> index in the latest campaign of the year before, when there is one: its
    latest publication's, else scored from its data."""
    previous = previous_campaign(campaign)
    if previous is None or previous.pin_for(group) is None:
        return {}
    # Last year's published figures are the ones units and the press compare with.
    published = db.session.scalars(
        select(Publication.results).filter_by(campaign_id=previous.id, unit_group=group)
        .order_by(Publication.number.desc()).limit(1)).first()
    if published is not None:
        return {row["unit_code"]: None if row["index"] is None else Decimal(row["index"])
                for row in published["ranking"]["rows"]}
    try:
        scored = stored_group(previous, group).scored
    except RankingError:
        return {}
    return {code: result.index for (code, _name, _rankable), result in scored}

