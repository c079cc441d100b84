"""Evidence (tài liệu kiểm chứng): documents with append-only revisions, their stored bytes and
the sub-criteria they support.

A blob is one stored content per unit, addressed by its SHA-256: the same bytes uploaded again by
the same unit reuse it. A document (số hiệu, ngày ban hành, cơ quan ban hành, trích yếu) belongs to
one unit and campaign; each upload of a new file adds a revision, never replaces one. A link ties
a document to one sub-criterion of an assessment; one document may support many.
"""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow


class EvidenceBlob(db.Model):
    __tablename__ = "evidence_blobs"
    __table_args__ = (UniqueConstraint("unit_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(120))
    # Where the storage backend keeps the bytes (its own key, content-addressed).
    storage_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class EvidenceDocument(db.Model):
    __tablename__ = "evidence_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[str] = mapped_column(String(120), default="")  # số hiệu
    issued_on: Mapped[date | None] = mapped_column(Date)  # ngày ban hành
    issuer: Mapped[str] = mapped_column(String(255), default="")  # cơ quan ban hành
    title: Mapped[str] = mapped_column(Text, default="")  # trích yếu
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    revisions: Mapped[list["EvidenceRevision"]] = relationship(
        back_populates="document", order_by="EvidenceRevision.number", lazy="selectin"
    )

    @property
    def current(self) -> "EvidenceRevision | None":
        return self.revisions[-1] if self.revisions else None


class EvidenceRevision(db.Model):
    """One uploaded file of a document; rows are only ever added."""

    __tablename__ = "evidence_revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_documents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    blob_id: Mapped[int] = mapped_column(ForeignKey("evidence_blobs.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    document: Mapped[EvidenceDocument] = relationship(back_populates="revisions")
    blob: Mapped[EvidenceBlob] = relationship(lazy="joined")


class EvidenceLink(db.Model):
    """A document supporting one sub-criterion of an assessment."""

    __tablename__ = "evidence_links"
    __table_args__ = (UniqueConstraint("assessment_id", "code", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_documents.id", ondelete="CASCADE"), index=True
    )
    # The file the link points to: a later revision of the document never changes what was
    # signed or appraised. None for a document that had no file yet when it was linked.
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_revisions.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    document: Mapped[EvidenceDocument] = relationship(lazy="joined")
    revision: Mapped["EvidenceRevision | None"] = relationship(lazy="joined")
