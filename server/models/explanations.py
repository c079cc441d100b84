"""The unit's replies to the appraisal council's questions (giải trình).

A question is the `appraisal` Answer row of a sub-criterion with an empty value (see
server.appraisal.decisions); a reply belongs to one round of that question, named by the appraisal
row's version when it was asked, and keeps the question's text as it was then. When a reviewer asks
again, the new round gets a new reply row, so the question-and-reply history stays.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import Timestamp, utcnow


class ExplanationReply(db.Model):
    __tablename__ = "explanation_replies"
    __table_args__ = (UniqueConstraint("assessment_id", "code", "question_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    # The appraisal row's version when the question was asked, and the question's text then.
    question_version: Mapped[int] = mapped_column()
    question: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}
