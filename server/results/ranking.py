"""Scoring and ranking a whole unit group of a campaign, from one grouped read of its answers.

Three statements whatever the number of units: one for the group's assessments and units, one
for all their answers, one for the items excluded for them. Every number comes from the engine
(`score`, then `rank`). The campaign's own tie rule, classification bands, survey (not run: the
appraised points rescale to 100) and its units marked "not ranked" apply unless the caller
overrides them.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import func, select, true

from server.campaigns.criteria import criteria_registry
from server.campaigns.exclusions import excluded_codes
from server.engine import CriteriaSet, score
from server.engine.answers import AnswersError
from server.engine.model import Band, TieRule
from server.engine.ranking import Entry, RankedRow, rank
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Publication, Unit, UnitGroup
from server.people.unit_replacements import replacement_graph


class RankingError(Exception):
    """The group cannot be ranked (no pin for the group, unknown set, unscorable answers)."""


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


def group_criteria_set(campaign: Campaign, group: str) -> CriteriaSet:
    pin = campaign.pin_for(group)
    if pin is None:
        raise RankingError(f"campaign {campaign.id} pins no criteria set for group {group!r}")
    criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
    if criteria_set is None:
        raise RankingError(f"criteria set {pin.criteria_set_id} {pin.criteria_set_version} "
                           "is not installed")
    if not campaign.survey:  # no survey this year: the appraised points are rescaled to 100
        criteria_set = replace(criteria_set, survey_optional=True)
    if campaign.bands:  # the campaign's classification bands replace the set's
        criteria_set = replace(criteria_set, bands=tuple(
            Band(band["label"], Decimal(band["min"])) for band in campaign.bands))
    return criteria_set


def effective_answers(criteria_set: CriteriaSet, rows) -> dict[str, dict]:
    """code -> {value, not_applicable} as scored: the appraisal replaces the self score on
    self-assessed leaves; survey leaves take their survey row only."""
    by_source: dict[str, dict] = defaultdict(dict)
    for code, source, value, not_applicable in rows:
        if value is None and not not_applicable:
            continue  # an empty row (a cleared appraisal, say) replaces nothing
        by_source[source][code] = {"value": None if not_applicable else value,
                                   "not_applicable": bool(not_applicable)}
    answers = {}
    for leaf in criteria_set.leaves():
        if leaf.source == "survey":
            answer = by_source["survey"].get(leaf.code)
        else:
            answer = by_source["appraisal"].get(leaf.code) or by_source["self"].get(leaf.code)
        if answer is not None:
            answers[leaf.code] = answer
    return answers


def campaign_tie_rule(campaign: Campaign) -> TieRule | None:
    if campaign.tie_compare and campaign.tie_ranks:
        return TieRule(campaign.tie_compare, campaign.tie_ranks)
    return None


def score_group(campaign: Campaign, group: str) -> ScoredGroup:
    """Every dossier of the group (the group each dossier kept when the campaign opened)
    scored, ordered by unit code; a unit is rankable when it is active, its assessment is not
    marked "not ranked" and its group is a ranked one (special units are scored, not ranked)."""
    criteria_set = group_criteria_set(campaign, group)
    assessments = db.session.execute(
        select(Assessment.id, Unit.code, Unit.name,
               Unit.active & Assessment.ranked & func.coalesce(UnitGroup.ranked, true()),
               UnitGroup.label, Unit.id)
        .join(Unit, Assessment.unit_id == Unit.id)
        .outerjoin(UnitGroup, UnitGroup.code == Assessment.unit_group)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
        .order_by(Unit.code)
    ).all()
    answers = defaultdict(list)
    for assessment_id, code, source, value, not_applicable in db.session.execute(
        select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
               Answer.not_applicable)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
    ):
        answers[assessment_id].append((code, source, value, not_applicable))
    excluded = excluded_codes(campaign.id)
    scored = []
    digest = hashlib.sha256()
    for assessment_id, code, name, rankable, _label, unit_id in assessments:
        inputs = effective_answers(criteria_set, answers[assessment_id])
        left_out = sorted(excluded.get(unit_id, ()))
        # Exclusions enter the digest only where there are some, so digests of earlier
        # publications still compare equal.
        digest.update(json.dumps([code, inputs, left_out] if left_out else [code, inputs],
                                 sort_keys=True, ensure_ascii=False, default=str).encode())
        try:
            result = score(criteria_set, inputs, left_out)
        except AnswersError as error:
            raise RankingError(f"unit {code}: {error}") from error
        scored.append(((code, name, bool(rankable)), result))
    label = next((row.label for row in assessments if row.label), None)
    return ScoredGroup(criteria_set, scored, digest.hexdigest(), label)


def rank_group(campaign: Campaign, group: str, *, not_ranked: Collection[str] = (),
               tie_rule: TieRule | None = None, with_previous: bool = True) -> GroupRanking:
    """The group's ranking. Inactive units, units the campaign marks "not ranked", every unit of
    a group that is not ranked and units in `not_ranked` (codes) are scored and listed without
    a rank. `tie_rule` overrides the
    campaign's, which overrides the set's."""
    group_scores = score_group(campaign, group)
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
        scored = score_group(previous, group).scored
    except RankingError:
        return {}
    return {code: result.index for (code, _name, _rankable), result in scored}

