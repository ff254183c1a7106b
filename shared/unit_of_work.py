"""One unit of work per request or consumed message: state changes and outgoing events commit together."""

import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Envelope, EventData, make_envelope
from shared.persistence import insert_many, upsert, utcnow


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], outbox_model, inbox_model,
                 source: str, on_commit: Callable[[], None] | None = None):
        self._session_factory = session_factory
        self._outbox_model = outbox_model
        self._inbox_model = inbox_model
        self._source = source
        self._on_commit = on_commit
        self._emitted = False  # the envelopes themselves are not kept: an import emits thousands
        self.session: AsyncSession

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        # Whatever was not committed is rolled back: nothing half-written stays behind.
        await self.session.rollback()
        await self.session.close()

    def emit(self, petition_id: uuid.UUID | None, data: EventData, sequence: int | None = None) -> Envelope:
        """Queue an event in the outbox; it is published only if this unit of work commits."""
        envelope = make_envelope(self._source, petition_id, data, sequence=sequence)
        self.session.add(self._outbox_model(
            event_id=str(envelope.id), subject=envelope.subject, payload=envelope.model_dump_json(),
        ))
        self._emitted = True
        return envelope

    async def emit_all(self, events: list[tuple[uuid.UUID, EventData]]) -> None:
        """Queue many events in one insert (a bulk import); published only if this unit of work commits.

        A Core insert of the table (one statement on PostgreSQL): the ORM's bulk insert of the class adds
        its bookkeeping to every row.
        """
        envelopes = [make_envelope(self._source, petition_id, data) for petition_id, data in events]
        now = utcnow()
        await insert_many(self.session, self._outbox_model, [
            {"event_id": str(e.id), "subject": e.subject, "payload": e.model_dump_json(), "created_at": now}
            for e in envelopes])
        self._emitted = self._emitted or bool(envelopes)

    async def claim(self, consumer: str, event_id: uuid.UUID) -> bool:
        """Record an inbound event id; False when this consumer has applied it before."""
        return event_id in await self.claim_all(consumer, [event_id])

    async def claim_all(self, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Record inbound event ids in one statement; the ones this consumer had not applied before."""
        table = self._inbox_model.__table__
        rows = [{"consumer": consumer, "event_id": str(event_id)} for event_id in dict.fromkeys(event_ids)]
        stmt = upsert(self.session, table, None).returning(table.c.event_id)
        return {uuid.UUID(value) for value in (await self.session.scalars(stmt, rows))}

    async def commit(self) -> None:
        await self.session.commit()
        if self._emitted and self._on_commit:
            self._on_commit()
