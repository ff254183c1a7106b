"""Monitoring's own declarative base, outbox, inbox and idempotency keys (its database is nobody else's)."""

from datetime import UTC, datetime

from shared.persistence import service_base

_tables = service_base()
Base = _tables.Base
OutboxMessage = _tables.OutboxMessage
InboxEntry = _tables.InboxEntry
IdempotencyRecord = _tables.IdempotencyRecord

# The open end of a history interval: comparisons stay plain `valid_to > t`, no NULL cases.
FOREVER = datetime(9999, 12, 31, tzinfo=UTC)
