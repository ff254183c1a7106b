"""What routing consumes: petitions.received (classify), .returned (back to review), .corrected, .withdrawn."""

from services.routing.routings import repository as routing_repository
from services.routing.routings import service as routing_service
from services.routing.routings.service import RoutingContext
from shared.consumers import consumer_spec
from shared.events import Envelope, PetitionCorrected, PetitionReceived, PetitionReturned, PetitionWithdrawn
from shared.messaging import ConsumerSpec
from shared.unit_of_work import UnitOfWork


def petition_consumer(context: RoutingContext) -> ConsumerSpec:
    async def received(uow: UnitOfWork, envelope: Envelope, data: PetitionReceived) -> None:
        await routing_service.route_received(uow, context, envelope.petition_id, data, f"event:{envelope.id}")

    async def returned(uow: UnitOfWork, envelope: Envelope, data: PetitionReturned) -> None:
        await routing_service.record_return(uow, context, envelope.petition_id, data, f"event:{envelope.id}")

    async def corrected(uow: UnitOfWork, envelope: Envelope, data: PetitionCorrected) -> None:
        await routing_service.record_correction(uow, context, envelope.petition_id, data, envelope.sequence,
                                                f"event:{envelope.id}")

    async def withdrawn(uow: UnitOfWork, envelope: Envelope, data: PetitionWithdrawn) -> None:
        await routing_service.record_withdrawal(uow, envelope.petition_id, data, envelope.sequence,
                                                f"event:{envelope.id}")

    async def prepare(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
        # One query for the batch's routings instead of one per event (a receipt's redelivery check,
        # a change's locked read).
        await routing_repository.hold_all(uow.session, [envelope.petition_id for envelope in envelopes])

    return consumer_spec("routing-petitions", {("received", 1): received, ("returned", 1): returned,
                                               ("corrected", 1): corrected, ("withdrawn", 1): withdrawn},
                         prepare=prepare)
