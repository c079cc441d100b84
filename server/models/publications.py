"""Publications: frozen snapshots of a unit group's ranking, as the Department of Home Affairs
announced it. Never edited; a correction is a new publication that lists what changed."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import Timestamp, utcnow


class Publication(db.Model):
    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_group", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_group: Mapped[str] = mapped_column(String(40))
    # 1 for the first publication of the group, 2, 3... for its corrections.
    number: Mapped[int] = mapped_column()
    criteria_set_id: Mapped[str] = mapped_column(String(80))
    criteria_set_version: Mapped[str] = mapped_column(String(40))
    engine_version: Mapped[str] = mapped_column(String(20))
    # {"compare": ..., "ranks": ...} as applied; the campaign's rule, else the set's.
    tie_rule: Mapped[dict] = mapped_column(JSON)
    # SHA-256 over every unit's scored inputs, so later drift in the data can be detected.
    inputs_digest: Mapped[str] = mapped_column(String(64))
    # {"ranking": server.results.ranking_data.ranking_dict of the group}; each unit's full score
    # is a PublicationScore row, so a page reads one unit without loading the whole group.
    results: Mapped[dict] = mapped_column(JSON)
    # For a correction: [{"unit_code", "field", "before", "after"}] against the previous number.
    changes: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Imported from a past year's official table (unit, points per domain, survey, total,
    # index, rank) rather than scored here; read-only like every publication.
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class PublicationScore(db.Model):
    """One unit's frozen ScoreResult in a publication.

    See server.results.publications.freeze_result.
    """

    __tablename__ = "publication_scores"
    __table_args__ = (UniqueConstraint("publication_id", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict] = mapped_column(JSON)
