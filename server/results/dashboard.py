"""A unit's first page: this year's dossier at a glance (state, deadline countdown, items left,
questions waiting for a reply) beside last year's published index and rank."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from server.appraisal.explanations import EXPLANATION_STATE, questions
from server.appraisal.progress import ProgressRow, dossier_progress
from server.config import LOCAL_TIME
from server.extensions import db
from server.models import Assessment, Campaign, Unit
from server.results.history import PastFigures, last_year


@dataclass(frozen=True)
class UnitDashboard:
    unit: Unit
    assessment: Assessment | None  # the dossier of the unit's latest campaign
    progress: ProgressRow | None
    days_left: int | None  # to the deadline that binds now, in Vietnam calendar days
    waiting_questions: int  # open questions of the council without the unit's reply
    last_year: PastFigures | None  # the unit's own published figures of the year before
    last_year_campaign_id: int | None = None

    @property
    def items_left(self) -> int:
        return 0 if self.progress is None else self.progress.items - self.progress.answered


def days_until(deadline: datetime, now: datetime) -> int:
    """Calendar days from today to the deadline's day, in Vietnam time (negative: passed)."""
    return (deadline.astimezone(LOCAL_TIME).date() - now.astimezone(LOCAL_TIME).date()).days


def unit_dashboard(unit: Unit, now: datetime | None = None) -> UnitDashboard:
    now = now or datetime.now(UTC)
    assessment = db.session.scalar(
        select(Assessment).join(Campaign, Assessment.campaign_id == Campaign.id)
        .where(Assessment.unit_id == unit.id)
        .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1))
    if assessment is None:
        return UnitDashboard(unit, None, None, None, 0, None)
    progress = dossier_progress(assessment, now)
    days_left = None if progress.deadline is None else days_until(progress.deadline, now)
    waiting = 0
    if assessment.state == EXPLANATION_STATE:
        waiting = sum(1 for question in questions(assessment) if question["reply"] is None)
    before = last_year(assessment.campaign, unit, live=False)
    own = None if before is None else next(
        (figures for figures in before.found if not figures.replaced), None)
    return UnitDashboard(unit, assessment, progress, days_left, waiting, own,
                         None if before is None else before.campaign_id)
