"""A unit's plan from what is stored: its answers, its exclusions, the campaign's weights and
its group's latest published ranking, or, before publication and for administrators only, the
group's current stored scores (`server.planning.planner` works the plan out)."""

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import RankingError, group_criteria_set
from server.campaigns.exclusions import excluded_codes
from server.engine import CriteriaSet
from server.engine.answers import effective_answers
from server.engine.ranking import Entry
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Unit, User
from server.people.permissions import can_read_unit
from server.planning.planner import CURRENT, PUBLISHED, Field, Plan, PlanError, build_plan
from server.planning.targets import Target
from server.planning.weights import effort_weights
from server.results.publications import frozen_ranking, latest_publication
from server.results.ranking import rank_group


def unit_assessment(campaign: Campaign, unit_code: str, user: User) -> tuple[Unit, Assessment]:
    """The unit and its dossier in the campaign, when `user` may read it."""
    unit = db.session.scalar(select(Unit).filter_by(code=unit_code))
    if unit is None or not can_read_unit(user, unit.id):
        raise PlanError(_l("No unit %(code)s you may plan for.", code=unit_code), 404, "unit")
    assessment = db.session.scalar(select(Assessment).filter_by(campaign_id=campaign.id,
                                                                unit_id=unit.id))
    if assessment is None:
        raise PlanError(_l("Unit %(code)s is not assessed in this campaign.", code=unit_code),
                        404, "unit")
    return unit, assessment


def group_field(campaign: Campaign, group: str, user: User) -> Field | None:
    """The group's units as last published, else (administrators only) as scored now; None
    when this user may see no ranking of the group yet."""
    publication = latest_publication(campaign.id, group)
    if publication is not None:
        ranking, basis = frozen_ranking(publication), PUBLISHED
    elif user.has_role("admin"):
        try:
            ranking, basis = rank_group(campaign, group, with_previous=False), CURRENT
        except RankingError as error:
            raise PlanError(str(error), 409, "campaign") from error
    else:
        return None
    entries = tuple(Entry(row.unit_code, row.unit_name, row.result, row.ranked)
                    for row in ranking.rows)
    return Field(basis, ranking.tie_rule, entries)


def plan_for_unit(campaign: Campaign, unit_code: str, target: Target, user: User) -> Plan:
    """The plan of one unit (which `user` may read) towards `target`."""
    unit, assessment = unit_assessment(campaign, unit_code, user)
    criteria_set = group_criteria_set(campaign, assessment.unit_group)
    field = group_field(campaign, assessment.unit_group, user)
    return make_plan(campaign, unit, assessment, criteria_set, field, target,
                     unit_answers(assessment, criteria_set),
                     excluded_codes(campaign.id, [unit.id]).get(unit.id, ()))


def answers_of(assessment_ids: list[int], criteria_set: CriteriaSet) -> dict[int, dict]:
    """assessment id -> its effective answers (the engine's input), in one query."""
    rows = defaultdict(list)
    for id_, *row in db.session.execute(
            select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
                   Answer.not_applicable).where(Answer.assessment_id.in_(assessment_ids))):
        rows[id_].append(tuple(row))
    return {id_: effective_answers(criteria_set, rows[id_]) for id_ in assessment_ids}


def unit_answers(assessment: Assessment, criteria_set: CriteriaSet) -> dict:
    return answers_of([assessment.id], criteria_set)[assessment.id]


def make_plan(campaign: Campaign, unit: Unit, assessment: Assessment,
              criteria_set: CriteriaSet, field: Field | None, target: Target,
              answers: dict, excluded) -> Plan:
    """The plan of `unit` from its effective answers and the codes excluded for it
    (`build_plan`)."""
    return build_plan(criteria_set, campaign.id, assessment.unit_group, unit.code, unit.name,
                      answers, sorted(excluded), field, target,
                      effort_weights(campaign, assessment.unit_group))
