"""Routing's own declarative base, outbox and inbox (its database is nobody else's)."""

from sqlalchemy.orm import DeclarativeBase

from shared.persistence import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    pass


class InboxEntry(InboxMixin, Base):
    pass
