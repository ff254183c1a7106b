"""Routing's own declarative base, outbox and inbox (its database is nobody else's)."""

from sqlalchemy.orm import DeclarativeBase

from shared.idempotency import IdempotencyMixin
from shared.persistence import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass


class IdempotencyRecord(IdempotencyMixin, Base):
    pass
