"""Scoring and ranking a whole unit group of a campaign, from one grouped read of its answers.

Two statements whatever the number of units: one for the group's assessments and units, one for
all their answers. Every number comes from the engine (`score`, then `rank`).
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from server.criteria import criteria_registry
from server.engine import CriteriaSet, score
from server.engine.answers import AnswersError
from server.engine.model import TieRule
from server.engine.ranking import Entry, RankedRow, rank
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Unit


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


def group_criteria_set(campaign: Campaign, group: str) -> CriteriaSet:
    pin = campaign.pin_for(group)
    if pin is None:
        raise RankingError(f"campaign {campaign.id} pins no criteria set for group {group!r}")
    criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
    if criteria_set is None:
        raise RankingError(f"criteria set {pin.criteria_set_id} {pin.criteria_set_version} "
                           "is not installed")
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


def score_group(campaign: Campaign, group: str) -> tuple[CriteriaSet, list[tuple[Unit, object]]]:
    """(set, [(unit, ScoreResult)]) for every assessment of the group, ordered by unit code."""
    criteria_set = group_criteria_set(campaign, group)
    assessments = db.session.execute(
        select(Assessment.id, Unit.code, Unit.name, Unit.active)
        .join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Unit.group == group)
        .order_by(Unit.code)
    ).all()
    answers = defaultdict(list)
    for assessment_id, code, source, value, not_applicable in db.session.execute(
        select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
               Answer.not_applicable)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Unit.group == group)
    ):
        answers[assessment_id].append((code, source, value, not_applicable))
    scored = []
    for assessment_id, code, name, active in assessments:
        try:
            result = score(criteria_set, effective_answers(criteria_set, answers[assessment_id]))
        except AnswersError as error:
            raise RankingError(f"unit {code}: {error}") from error
        scored.append(((code, name, active), result))
    return criteria_set, scored


def rank_group(campaign: Campaign, group: str, *, not_ranked: Collection[str] = (),
               tie_rule: TieRule | None = None, with_previous: bool = True) -> GroupRanking:
    """The group's ranking. Units in `not_ranked` (codes) and inactive units are scored and
    listed without a rank. `tie_rule` overrides the set's."""
    criteria_set, scored = score_group(campaign, group)
    entries = [Entry(code, name, result, active and code not in not_ranked)
               for (code, name, active), result in scored]
    rows = rank(criteria_set, entries, tie_rule)
    previous = previous_indices(campaign, group) if with_previous else {}
    return GroupRanking(campaign.id, campaign.year, group, criteria_set,
                        tie_rule or criteria_set.tie_rule, rows, previous)


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """The latest campaign of the year before `campaign`'s, when there is one."""
    return db.session.scalars(
        select(Campaign).where(Campaign.year == campaign.year - 1).order_by(Campaign.id.desc())
    ).first()


def previous_indices(campaign: Campaign, group: str) -> dict[str, Decimal | None]:
    """unit code -> index in the latest campaign of the year before, when there is one."""
    previous = previous_campaign(campaign)
    if previous is None or previous.pin_for(group) is None:
        return {}
    try:
        _set, scored = score_group(previous, group)
    except RankingError:
        return {}
    return {code: result.index for (code, _name, _active), result in scored}
