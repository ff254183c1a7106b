"""Routing's own declarative base, outbox, inbox and idempotency keys (its database is nobody else's)."""

from shared.persistence import service_base

_tables = service_base()
Base = _tables.Base
OutboxMessage = _tables.OutboxMessage
InboxEntry = _tables.InboxEntry
IdempotencyRecord = _tables.IdempotencyRecord
