"""Reviewer assignments: which reviewer appraises which domains (optionally of one unit group)
in one campaign."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow


class ReviewerAssignment(db.Model):
    __tablename__ = "reviewer_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Domain codes ("1", "4"); never empty.
    domains: Mapped[list[str]] = mapped_column(JSON)
    # A unit group ("department", "commune"); None means every group.
    unit_group: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    campaign = relationship("Campaign", lazy="joined")
    reviewer = relationship("User", lazy="joined")

    def covers(self, unit_group: str, domain_code: str | None = None) -> bool:
        if self.unit_group and self.unit_group != unit_group:
            return False
        return domain_code is None or domain_code in self.domains
