"""Scores stored when answers change: each dossier's totals and each leaf's points, as the engine
computed them in the transaction that changed the answers. Rankings, previews, the progress grid
and exports read these; `parindex scores check` re-scores with the engine and compares."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import ExactDecimal, Timestamp, utcnow


class DossierScore(db.Model):
    """A dossier's figures under its group's criteria set as the campaign applies it (its survey
    setting, exclusions): the self-assessment alone, and the effective score (the appraisal
    replacing the self score where there is one, the survey's points on survey items)."""

    __tablename__ = "dossier_scores"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    criteria_set_id: Mapped[str] = mapped_column(String(80))
    criteria_set_version: Mapped[str] = mapped_column(String(40))
    # SHA-256 of the unit code, the effective inputs and the excluded codes, as scored.
    inputs_digest: Mapped[str] = mapped_column(String(64))
    self_total: Mapped[object] = mapped_column(ExactDecimal)
    self_max_total: Mapped[object] = mapped_column(ExactDecimal)
    total: Mapped[object] = mapped_column(ExactDecimal)
    max_points: Mapped[object] = mapped_column(ExactDecimal)
    index: Mapped[object | None] = mapped_column(ExactDecimal, nullable=True)
    # The effective total split by where points come from: self-assessed (appraised) and survey.
    self_points: Mapped[object] = mapped_column(ExactDecimal)
    survey_points: Mapped[object] = mapped_column(ExactDecimal)
    self_max_points: Mapped[object] = mapped_column(ExactDecimal)
    survey_max_points: Mapped[object] = mapped_column(ExactDecimal)
    survey_absent: Mapped[bool] = mapped_column(default=False)
    unanswered: Mapped[int] = mapped_column(default=0)
    # {domain code: [points, max points, not applicable]} of the effective score, points as text.
    domains: Mapped[dict] = mapped_column(JSON)
    scored_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)


class LeafScore(db.Model):
    """One leaf of one dossier: effective and self points, with the tree codes SQL groups by."""

    __tablename__ = "leaf_scores"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(40))
    domain: Mapped[str] = mapped_column(String(40))
    # "self" or "survey": where the leaf's points come from.
    part: Mapped[str] = mapped_column(String(10))
    # The engine's trace status (scored, unanswered, not_applicable, survey_absent) and outcome.
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    points: Mapped[object] = mapped_column(ExactDecimal)
    self_status: Mapped[str] = mapped_column(String(20))
    self_points: Mapped[object] = mapped_column(ExactDecimal)
