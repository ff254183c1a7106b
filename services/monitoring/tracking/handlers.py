"""Consumers of other services' events (durable, idempotent through the inbox)."""

from services.monitoring.settings import MonitoringSettings
from services.monitoring.tracking import projections
from services.monitoring.tracking import repository as petition_repository
from shared.consumers import consumer_spec
from shared.events import (
    Envelope,
    EventData,
    PetitionCorrected,
    PetitionLinked,
    PetitionReceived,
    PetitionRouted,
    PetitionUnlinked,
    PetitionWithdrawn,
)
from shared.messaging import ConsumerSpec
from shared.unit_of_work import UnitOfWork

DURABLE = "monitoring-tracking"
EVENTS = [("received", 1), ("routed", 1), ("linked", 1), ("unlinked", 1), ("corrected", 1), ("withdrawn", 1)]


def consumers(settings: MonitoringSettings) -> list[ConsumerSpec]:
    async def handle(uow: UnitOfWork, envelope: Envelope, data: EventData) -> None:
        event_id = str(envelope.id)
        if isinstance(data, PetitionReceived):
            await projections.apply_received(uow.session, envelope.petition_id, data, envelope.source, settings.tz,
                                              event_id)
        elif isinstance(data, PetitionRouted):
            await projections.apply_routed(uow, envelope.petition_id, data, envelope.occurred_at,
                                           envelope.sequence, settings, event_id)
        elif isinstance(data, PetitionLinked):
            await projections.apply_linked(uow.session, envelope.petition_id, data, envelope.occurred_at,
                                           settings.tz, event_id, envelope.sequence)
        elif isinstance(data, PetitionUnlinked):
            await projections.apply_unlinked(uow.session, envelope.petition_id, data, envelope.occurred_at,
                                             settings.tz, event_id, envelope.sequence)
        elif isinstance(data, PetitionCorrected):
            await projections.apply_corrected(uow.session, envelope.petition_id, data, envelope.occurred_at,
                                              settings.tz, event_id, envelope.sequence)
        elif isinstance(data, PetitionWithdrawn):
            await projections.apply_withdrawn(uow, envelope.petition_id, data, envelope.occurred_at,
                                              settings.tz, event_id, envelope.sequence)

    async def prepare(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
        await petition_repository.hold_all(uow.session, [envelope.petition_id for envelope in envelopes])

    return [consumer_spec(DURABLE, dict.fromkeys(EVENTS, handle), prepare=prepare)]
