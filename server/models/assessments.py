"""Assessments (campaign × unit) and their answers, one row per sub-criterion and source."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow

# The three sources are stored apart and never overwrite each other; the final score is derived.
SOURCES = ("self", "appraisal", "survey")


class Assessment(db.Model):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # A stable workflow state key (see server.campaigns.workflow); labels are translated when shown.
    state: Mapped[str] = mapped_column(String(30), default="draft")
    # Copied from the campaign's pin when the assessment is opened, so it never drifts.
    criteria_set_id: Mapped[str] = mapped_column(String(80))
    criteria_set_version: Mapped[str] = mapped_column(String(40))
    # The unit's group and parent when the campaign opened: regrouping units later (communes
    # moved under the province in 2025) never changes this year's ranking or reports.
    unit_group: Mapped[str] = mapped_column(String(40), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    # A unit can be scored but left out of the ranking (merged or newly created, say).
    ranked: Mapped[bool] = mapped_column(default=True, server_default=true())
    not_ranked_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": row_version}

    campaign = relationship("Campaign", lazy="joined")
    unit = relationship("Unit", lazy="joined", foreign_keys=[unit_id])
    parent = relationship("Unit", foreign_keys=[parent_id])
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


def dossier_for(campaign, unit, criteria_set_id: str, criteria_set_version: str) -> Assessment:
    """A new dossier of `unit` that keeps the unit's group and parent as they are now."""
    return Assessment(campaign=campaign, unit=unit, unit_group=unit.group, parent=unit.parent,
                      criteria_set_id=criteria_set_id, criteria_set_version=criteria_set_version)


class ExcludedItem(db.Model):
    """A domain, criterion or item the administrator decided does not apply to one unit in one
    campaign (a unit without administrative procedures skips domain 3). Set before or after the
    campaign opens; the unit cannot undo it, and it leaves numerator and denominator alike."""

    __tablename__ = "excluded_items"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "code", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20))
    # The rule's input (an outcome key, a percentage, counts...), as the engine accepts it.
    value: Mapped[object | None] = mapped_column(JSON)
    not_applicable: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    # For an item fed by the year's records: the answer the records proposed when the unit saved
    # it (server.records.feeds); a different value needs an explanation.
    proposal: Mapped[object | None] = mapped_column(JSON)
    # For appraisal rows: why the reviewer changed the score; for survey rows: the imported file.
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    row_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": row_version}

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
