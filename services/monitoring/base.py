"""Monitoring's own declarative base, outbox and inbox (its database is nobody else's)."""

from datetime import datetime, timezone

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

from shared.idempotency import IdempotencyMixin
from shared.persistence import InboxMixin, OutboxMixin

# The open end of a history interval: comparisons stay plain `valid_to > t`, no NULL cases.
FOREVER = datetime(9999, 12, 31, tzinfo=timezone.utc)


class UtcDateTime(TypeDecorator):
    """Aware datetimes stored as UTC on every database (SQLite would silently drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class IdempotencyRecord(IdempotencyMixin, Base):
    pass
