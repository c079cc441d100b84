"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class _AwareDateTime(TypeDecorator):
    """A zoned timestamp that always reads back zoned: SQLite drops the zone, and every
    instant is stored as UTC, so a naive value read back is UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# Every timestamp is stored with its zone; the UI shows it in Asia/Ho_Chi_Minh.
Timestamp = _AwareDateTime()
