"""What a dossier still lacks before the council finalises it or the group is published: the
applicable items the unit left unanswered and the answered ones no reviewer decided (the same
counting as the appraisal's completion check). Finalising and publishing with gaps needs an
explicit confirmation and a reason, which the audit event keeps.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, case, cast, func, literal, null, select

from server.appraisal.decisions import APPRAISAL, undecided_in
from server.assessment.self_assessment import SELF, criteria_set_for, unanswered_items
from server.campaigns.exclusions import exclusions_by_dossier
from server.campaigns.workflow import TransitionError
from server.extensions import db
from server.models import Answer, Assessment, Unit


@dataclass(frozen=True)
class DossierGaps:
    assessment_id: int
    unit_code: str
    unit_name: str
    # {domain code: [item codes]}
    unanswered: dict[str, list[str]]
    unappraised: dict[str, list[str]]

    @property
    def unanswered_count(self) -> int:
        return sum(len(codes) for codes in self.unanswered.values())

    @property
    def unappraised_count(self) -> int:
        return sum(len(codes) for codes in self.unappraised.values())

    def to_dict(self) -> dict:
        return {"assessment_id": self.assessment_id, "unit_code": self.unit_code,
                "unit_name": self.unit_name,
                "unanswered": {d: len(c) for d, c in self.unanswered.items()},
                "unappraised": {d: len(c) for d, c in self.unappraised.items()},
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
    """The dossiers among `assessments` that have gaps, in the order given; three queries
    whatever their number."""
    if not assessments:
        return []
    ids = [a.id for a in assessments]
    rows: dict[int, dict[str, dict]] = defaultdict(lambda: {SELF: {}, APPRAISAL: {}})
    # The checks ask only whether an answer has a value, never which: `value` is read as 1 or
    # None, so a group's hundred thousand answers are not decoded from JSON.
    has_value = case((func.coalesce(cast(Answer.value, Text), "null") == "null", null()),
                     else_=literal(1)).label("value")
    for row in db.session.execute(select(
            Answer.assessment_id, Answer.source, Answer.code, has_value,
            Answer.not_applicable).where(Answer.assessment_id.in_(ids),
                                         Answer.source.in_((SELF, APPRAISAL)))):
        rows[row.assessment_id][row.source][row.code] = row
    units = {id_: (code, name) for id_, code, name in db.session.execute(
        select(Assessment.id, Unit.code, Unit.name).join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.id.in_(ids)))}
    excluded = exclusions_by_dossier(assessments)
    found = []
    for assessment in assessments:
        criteria_set = criteria_set_for(assessment)
        own, appraised = rows[assessment.id][SELF], rows[assessment.id][APPRAISAL]
        left_out = excluded.get(assessment.id, {})
        gaps = DossierGaps(assessment.id, *units[assessment.id],
                           unanswered_items(criteria_set, own, left_out),
                           undecided_in(criteria_set, own, appraised, left_out))
        if gaps.unanswered or gaps.unappraised:
            found.append(gaps)
    return found


def missing_confirmation(gaps: list[DossierGaps], confirm_gaps: bool, reason: str
                         ) -> list[str]:
    """The fields a step over `gaps` still needs: confirm_gaps and reason (none without gaps)."""
    if not gaps:
        return []
    return ([] if confirm_gaps else ["confirm_gaps"]) + ([] if reason.strip() else ["reason"])


def gaps_message(gaps: list[DossierGaps]):
    return _l("Some dossiers have unanswered or unappraised items: %(list)s. Confirm and give "
              "a reason to go on.", list="; ".join(g.summary() for g in gaps))
