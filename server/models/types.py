"""Column helpers shared by the models."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String
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


class ExactDecimalType(TypeDecorator):
    """A Decimal kept exactly: PostgreSQL's `numeric` (which SQL sums exactly); text on SQLite,
    whose numeric affinity would round it through a float."""

    impl = String(60)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String(60))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name == "postgresql":
            return value
        return format(value, "f")

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


# Points, totals and indices as the engine computed them, to the last digit.
ExactDecimal = ExactDecimalType()
