"""Submissions (with the totals the unit head signed off) and per-unit deadline extensions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import Timestamp, utcnow


class Submission(db.Model):
    """One sign-off: the totals shown to the head and recorded as submitted; kept on withdrawal."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    criteria_set_id: Mapped[str] = mapped_column(String(80))
    criteria_set_version: Mapped[str] = mapped_column(String(40))
    # {"total", "max_points", "index", "domains": {code: {"points", "max_points"}}} as text.
    totals: Mapped[dict] = mapped_column(JSON)
    # SHA-256 of the self answers as submitted, so what was signed can be checked later.
    answers_digest: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(Timestamp)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DeadlineExtension(db.Model):
    """The administrator lets one unit self-assess until `until` (an instant)."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    until: Mapped[datetime] = mapped_column(Timestamp)
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
