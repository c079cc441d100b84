"""A dossier in appraisal with the people of an appraisal round, for the round's tests."""

from dataclasses import dataclass

from server.appraisal import decisions as ap
from server.appraisal.dossier_steps import take_transition
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Assessment, ReviewerAssignment, Unit, User


@dataclass
class Round:
    assessment: Assessment
    unit: Unit
    editor: User
    head: User
    reviewer: User  # assigned domain 1
    viewer: User
    admin: User

    def ask(self, code="1.1.2", question="Số liệu 95% lấy từ báo cáo nào?", version=None):
        return ap.appraise(self.assessment, self.reviewer, code, "request_explanation",
                           reason=question, version=version)

    def step(self, key, user=None, reason=""):
        take_transition(self.assessment, key, user or self.reviewer, reason)
        db.session.commit()


def appraisal_round(make, **campaign_fields) -> Round:
    unit = make.unit("QB", level="province", name="UBND tỉnh Quảng Bình")
    assessment = make.assessment(make.campaign(**campaign_fields), unit)
    editor = make.user("unit_editor", unit, username="canbo")
    head = make.user("unit_head", unit, username="lanhdao")
    sa.save_answers(assessment, editor, {"1.1.1": {"value": "timely"},
                                         "1.1.2": {"value": "95"},
                                         "2.2.1": {"value": "timely"}})
    assessment.state = "in_appraisal"
    db.session.commit()
    reviewer = make.user("reviewer", username="thamdinh")
    db.session.add(ReviewerAssignment(campaign_id=assessment.campaign_id,
                                      reviewer_id=reviewer.id, domains=["1"]))
    db.session.commit()
    return Round(assessment, unit, editor, head, reviewer, make.user("viewer", username="xem"),
                 make.user("admin", username="admin"))


def questioned(round_: Round) -> Round:
    """The reviewer adjusted 1.1.1, asked about 1.1.2 and requested the explanation."""
    ap.appraise(round_.assessment, round_.reviewer, "1.1.1", "adjust", value="late",
                reason="Kế hoạch ban hành muộn")
    round_.ask()
    round_.step("request_explanation")
    return round_
