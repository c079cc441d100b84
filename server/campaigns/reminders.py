"""Deadline reminders, 7 days and 1 day before, for a cron job that may run as often as it likes.

Each (campaign, unit, kind) is reminded once: the `sent_reminders` row is inserted first, and
a unique constraint turns a second run (or two runs at once) into a no-op for that unit.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, SentReminder

WINDOWS = (1, 7)  # days before the deadline, most urgent first
# Which deadline applies to an assessment in which state.
DEADLINES = {
    "draft": ("self_assessment", "self_assessment_deadline"),
    "explanation_requested": ("explanation", "explanation_deadline"),
}



def due_reminders(now: datetime):
    """(assessment, which deadline, deadline, days) for every reminder due at `now`."""
    rows = db.session.scalars(
        select(Assessment).join(Campaign).where(Campaign.state == "open",
                                                Assessment.state.in_(DEADLINES))
        .order_by(Assessment.id)).unique()
    for assessment in rows:
        which, column = DEADLINES[assessment.state]
        deadline = getattr(assessment.campaign, column)
        if deadline is None:
            continue
        left = deadline - now
        if left <= timedelta(0):
            continue
        days = next((d for d in WINDOWS if left <= timedelta(days=d)), None)
        if days is not None:
            yield assessment, which, deadline, days


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Record and announce the reminders due now, each in its own transaction; return how many
    were sent."""
    now = now or datetime.now(UTC)
    sent = 0
    for assessment, which, deadline, days in list(due_reminders(now)):
        kind = f"{which}_{days}"
        if not _claim(assessment, kind):
            continue  # already sent (by an earlier run, or by one running alongside)
        # A 1-day reminder makes a 7-day one that was never sent pointless.
        for later in (f"{which}_{d}" for d in WINDOWS if d > days):
            _claim(assessment, later)
        emit("assessment.deadline_reminder", "assessment", assessment.id,
             unit_id=assessment.unit_id, after={"kind": kind, "deadline": deadline.isoformat()},
             extra={"days": days, "which": which, "deadline_at": deadline})
        db.session.commit()
        sent += 1
    return sent


def _claim(assessment: Assessment, kind: str) -> bool:
    """Insert the (campaign, unit, kind) row; False when it already exists."""
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(campaign_id=assessment.campaign_id,
                                        unit_id=assessment.unit_id, kind=kind))
        return True
    except IntegrityError:
        return False
