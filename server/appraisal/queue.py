"""The reviewer's queue: the dossiers waiting for the appraisal council × the domains the
reviewer may appraise in each, with how many items are done, pending and asked.

Read with a fixed number of queries whatever the number of dossiers: the reviewer's assignments,
the dossiers, their self and appraisal answers, the replies to questions and the items excluded
for their units (a domain wholly excluded is not in the queue).
"""

from dataclasses import dataclass

from sqlalchemy import select

from server.appraisal.decisions import APPRAISAL
from server.assessment.self_assessment import SELF
from server.campaigns.criteria import criteria_registry
from server.campaigns.exclusions import exclusions_by_dossier
from server.campaigns.reviewers import appraisable_domains
from server.engine.scoring import excluded_nodes
from server.extensions import db
from server.models import Answer, Assessment, Campaign, ExplanationReply, ReviewerAssignment, User

QUEUE_STATES = ("submitted", "in_appraisal", "explanation_requested", "explained", "appraised")


@dataclass
class QueueEntry:
    assessment: Assessment
    domain_code: str
    domain_title: str
    items: int  # self-assessed sub-criteria of the domain
    done: int  # accepted or adjusted
    asked: int  # open questions to the unit
    replied: int  # open questions the unit has answered

    @property
    def pending(self) -> int:
        return self.items - self.done - self.asked


def reviewer_queue(user: User, campaign_id: int | None = None) -> list[QueueEntry]:
    """The queue of `user`, of one campaign or of all (administrators see every dossier)."""
    user_assignments = list(db.session.scalars(select(ReviewerAssignment).where(
        ReviewerAssignment.reviewer_id == user.id)))
    query = (select(Assessment).join(Campaign).where(Assessment.state.in_(QUEUE_STATES))
             .order_by(Campaign.year.desc(), Assessment.id))
    if campaign_id is not None:
        query = query.where(Assessment.campaign_id == campaign_id)
    if not user.has_role("admin"):
        campaigns = {a.campaign_id for a in user_assignments}
        if not campaigns:
            return []
        query = query.where(Assessment.campaign_id.in_(campaigns))
    registry = criteria_registry()
    scoped = []
    for assessment in db.session.scalars(query):
        criteria_set = registry.get(assessment.criteria_set_id, assessment.criteria_set_version)
        if criteria_set is None:
            continue
        domains = appraisable_domains(user, assessment, [d.code for d in criteria_set.domains],
                                      user_assignments)
        if domains:
            scoped.append((assessment, criteria_set, domains))
    if not scoped:
        return []
    ids = [assessment.id for assessment, _cs, _d in scoped]
    # Per dossier and code: the appraisal row's version when it is a question, else "decided".
    answers: dict[int, dict[str, int | str]] = {}
    for assessment_id, code, value, not_applicable, version in db.session.execute(
            select(Answer.assessment_id, Answer.code, Answer.value, Answer.not_applicable,
                   Answer.row_version).where(Answer.assessment_id.in_(ids),
                                             Answer.source == APPRAISAL)):
        answers.setdefault(assessment_id, {})[code] = (
            version if value is None and not not_applicable else "decided")
    replied = set(db.session.execute(
        select(ExplanationReply.assessment_id, ExplanationReply.code,
               ExplanationReply.question_version)
        .where(ExplanationReply.assessment_id.in_(ids))).all())
    excluded = exclusions_by_dossier([assessment for assessment, _cs, _d in scoped])
    entries = []
    for assessment, criteria_set, domains in scoped:
        kinds = answers.get(assessment.id, {})
        left_out = excluded_nodes(criteria_set, excluded.get(assessment.id, {}))
        for domain in criteria_set.domains:
            if domain.code not in domains or domain.code in left_out:
                continue
            codes = [leaf.code for leaf in domain.leaves()
                     if leaf.source == SELF and leaf.code not in left_out]
            asked = [(assessment.id, c, kinds[c]) for c in codes
                     if isinstance(kinds.get(c), int)]
            entries.append(QueueEntry(
                assessment=assessment, domain_code=domain.code, domain_title=domain.title,
                items=len(codes), done=sum(1 for c in codes if kinds.get(c) == "decided"),
                asked=len(asked), replied=len(replied.intersection(asked))))
    return entries
