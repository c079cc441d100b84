"""Every unit of a group against one target, for the Department: the farthest first."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import group_criteria_set
from server.campaigns.exclusions import excluded_codes
from server.extensions import db
from server.models import Assessment, Campaign, Unit, User
from server.planning.planner import Plan, PlanError
from server.planning.plans import answers_of, group_field, make_plan
from server.planning.targets import Target


@dataclass(frozen=True)
class GroupPlans:
    campaign_id: int
    group: str
    target: Target
    plans: list[Plan]  # out of reach first, then by how far each is now, the farthest first
    refused: list[tuple[str, str, str]]  # (unit code, name, why no plan): not ranked, ...


def group_plans(campaign: Campaign, group: str, target: Target, user: User) -> GroupPlans:
    """Administrators only: the group's units are all held at the same published (or current)
    figures, each planned as if the others stood still."""
    if not user.has_role("admin"):
        raise PlanError(_l("Only the Department of Home Affairs plans for a whole group."), 403)
    if campaign.pin_for(group) is None:
        raise PlanError(_l("No group %(group)s in this campaign.", group=group), 404, "group")
    criteria_set = group_criteria_set(campaign, group)
    field = group_field(campaign, group, user)
    plans, refused = [], []
    dossiers = db.session.execute(
        select(Unit, Assessment).join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
        .order_by(Unit.code)).all()
    # The group's answers and exclusions read once, not once a unit.
    answers = answers_of([assessment.id for _unit, assessment in dossiers], criteria_set)
    excluded = excluded_codes(campaign.id)
    for unit, assessment in dossiers:
        try:
            plans.append(make_plan(campaign, unit, assessment, criteria_set, field, target,
                                   answers[assessment.id], excluded.get(unit.id, ())))
        except PlanError as error:
            refused.append((unit.code, unit.name, str(error.message)))
    plans.sort(key=lambda plan: (plan.reached, -plan.gap, -(plan.shortfall or 0),
                                 plan.unit_code))
    return GroupPlans(campaign.id, group, target, plans, refused)
