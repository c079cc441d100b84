"""Campaigns: one year's index, with the criteria-set version pinned for each unit group."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow

# The campaign's own workflow (server.campaigns.workflow): draft -> open -> closed.
CAMPAIGN_STATES = ("draft", "open", "closed")


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # The year's phases. Every date is an instant; the server compares them in Asia/Ho_Chi_Minh
    # time. Records (plans, periodic reports) may be kept from `records_open` (December of the
    # year before); units self-assess from `self_assessment_opens` to the deadline.
    records_open: Mapped[datetime | None] = mapped_column(Timestamp)
    self_assessment_opens: Mapped[datetime | None] = mapped_column(Timestamp)
    self_assessment_deadline: Mapped[datetime | None] = mapped_column(Timestamp)
    appraisal_deadline: Mapped[datetime | None] = mapped_column(Timestamp)
    explanation_deadline: Mapped[datetime | None] = mapped_column(Timestamp)
    publication_date: Mapped[datetime | None] = mapped_column(Timestamp)
    # After this instant the campaign takes no more writes (it is closed on that date).
    closes_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # The data cut-off dates the criteria count to: [{"label": ..., "date": "YYYY-MM-DD"}].
    data_cutoffs: Mapped[list] = mapped_column(JSON, default=list)
    # Whether the people's satisfaction survey runs; without it appraised points rescale to 100.
    survey: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Classification bands when they override the criteria set's: [{"key", "label", "min"}].
    bands: Mapped[list | None] = mapped_column(JSON)
    # The campaign this one was started from ("start from last year"), if any.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    # The campaign's tie rule, when it overrides the criteria set's (both or neither are set).
    tie_compare: Mapped[str | None] = mapped_column(String(20))
    tie_ranks: Mapped[str | None] = mapped_column(String(20))
    # The planner's effort weight per item where it is not 1: {group: {leaf code: weight}}.
    plan_weights: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    pins: Mapped[list["CampaignCriteriaSet"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", lazy="selectin"
    )

    def pin_for(self, group: str) -> "CampaignCriteriaSet | None":
        return next((p for p in self.pins if p.unit_group == group), None)


class CampaignCriteriaSet(db.Model):
    """The criteria-set id and version a campaign uses for one unit group; never edited in place."""

    __tablename__ = "campaign_criteria_sets"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_group: Mapped[str] = mapped_column(String(40))
    criteria_set_id: Mapped[str] = mapped_column(String(80))
    criteria_set_version: Mapped[str] = mapped_column(String(40))

    campaign: Mapped[Campaign] = relationship(back_populates="pins")
