"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


# Every timestamp is stored with its zone; the UI shows it in Asia/Ho_Chi_Minh.
Timestamp = DateTime(timezone=True)
