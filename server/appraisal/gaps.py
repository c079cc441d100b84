"""What a dossier still lacks before the council finalises it or the group is published: the
applicable items the unit left unanswered and the answered ones no reviewer decided (the same
counting as the appraisal's completion check). Finalising and publishing with gaps needs an
explicit confirmation and a reason, which the audit event keeps.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, cast, func, or_, select

from server.appraisal.decisions import APPRAISAL
from server.assessment.self_assessment import SELF, criteria_set_for
from server.campaigns.stored_scores import rescore
from server.campaigns.workflow import TransitionError
from server.engine.results import SCORED, UNANSWERED
from server.extensions import db, id_in
from server.models import Answer, Assessment, DossierScore, LeafScore, Unit


@dataclass(frozen=True)
class DossierGaps:
    assessment_id: int
    unit_code: str
    unit_name: str
    # {domain code: how many items}, in the set's domain order
    unanswered: dict[str, int]
    unappraised: dict[str, int]

    @property
    def unanswered_count(self) -> int:
        return sum(self.unanswered.values())

    @property
    def unappraised_count(self) -> int:
        return sum(self.unappraised.values())

    def to_dict(self) -> dict:
        return {"assessment_id": self.assessment_id, "unit_code": self.unit_code,
                "unit_name": self.unit_name, "unanswered": dict(self.unanswered),
                "unappraised": dict(self.unappraised),
                "unanswered_count": self.unanswered_count,
                "unappraised_count": self.unappraised_count}

    def summary(self) -> str:
        return str(_l("%(unit)s: %(unanswered)s unanswered, %(unappraised)s not appraised",
                      unit=self.unit_code, unanswered=self.unanswered_count,
                      unappraised=self.unappraised_count))


class GapsNotConfirmed(TransitionError):
    """Finalising a dossier with gaps, without the confirmation or the reason (422); `fields`
    names what is missing, `gaps` lists the dossiers."""

    status = 422

    def __init__(self, message, gaps: list[DossierGaps], fields: list[str]):
        super().__init__(message)
        self.gaps, self.fields = gaps, fields


def dossier_gaps(assessments: Sequence[Assessment]) -> list[DossierGaps]:
    """The dossiers among `assessments` that have gaps, in the order given, counted per domain
    from their stored leaf scores: a self-assessed item whose self score is `unanswered`, or
    `scored` (a value, not marked not applicable; excluded items are stored as not applicable)
    with no reviewer decision (an appraisal answer with a value or marked not applicable; a
    question decides nothing). SQL counts only the gaps, so a complete group costs next to
    nothing and a national one no more than its count rows. A fixed number of queries."""
    if not assessments:
        return []
    ids = [a.id for a in assessments]
    stored = set(db.session.scalars(select(DossierScore.assessment_id)
                                    .where(id_in(DossierScore.assessment_id, ids))))
    if len(stored) < len(ids):  # not scored yet (e.g. just upgraded): score them now
        rescore(set(ids) - stored)
    appraisal_value = func.coalesce(cast(Answer.value, Text), "null") != "null"
    # An outer join, not NOT EXISTS: inside the OR PostgreSQL runs a NOT EXISTS once per
    # leaf (740,000 probes for an unappraised national group, 4x the join's time).
    decision = and_(Answer.assessment_id == LeafScore.assessment_id,
                    Answer.code == LeafScore.code, Answer.source == APPRAISAL,
                    or_(appraisal_value, Answer.not_applicable))
    found: dict[int, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    for id_, domain, status, count in db.session.execute(
            select(LeafScore.assessment_id, LeafScore.domain, LeafScore.self_status,
                   func.count())
            .outerjoin(Answer, decision)
            .where(id_in(LeafScore.assessment_id, ids), LeafScore.part == SELF,
                   or_(LeafScore.self_status == UNANSWERED,
                       and_(LeafScore.self_status == SCORED, Answer.id.is_(None))))
            .group_by(LeafScore.assessment_id, LeafScore.domain, LeafScore.self_status)):
        unanswered, unappraised = found[id_]
        (unanswered if status == UNANSWERED else unappraised)[domain] = count
    if not found:
        return []
    units = {id_: (code, name) for id_, code, name in db.session.execute(
        select(Assessment.id, Unit.code, Unit.name).join(Unit, Assessment.unit_id == Unit.id)
        .where(id_in(Assessment.id, found)))}
    gaps = []
    for assessment in assessments:
        if assessment.id not in found:
            continue
        domains = [domain.code for domain in criteria_set_for(assessment).domains]
        unanswered, unappraised = (
            {domain: part[domain] for domain in domains if domain in part}
            for part in found[assessment.id])
        gaps.append(DossierGaps(assessment.id, *units[assessment.id], unanswered, unappraised))
    return gaps


def missing_confirmation(gaps: list[DossierGaps], confirm_gaps: bool, reason: str
                         ) -> list[str]:
    """The fields a step over `gaps` still needs: confirm_gaps and reason (none without gaps)."""
    if not gaps:
        return []
    return ([] if confirm_gaps else ["confirm_gaps"]) + ([] if reason.strip() else ["reason"])


def gaps_message(gaps: list[DossierGaps]):
    return _l("Some dossiers have unanswered or unappraised items: %(list)s. Confirm and give "
              "a reason to go on.", list="; ".join(g.summary() for g in gaps))
