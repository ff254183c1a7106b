"""What routing consumes: petitions.received (classify), .returned (back to review), .corrected, .withdrawn."""

from services.routing.routings import service as routing_service
from services.routing.routings.service import RoutingContext
from shared.events import (
    Envelope,
    PetitionCorrected,
    PetitionReceived,
    PetitionReturned,
    PetitionWithdrawn,
)
from shared.messaging import ConsumerSpec, PoisonMessage
from shared.unit_of_work import UnitOfWork

SUPPORTED_VERSION = 1
SUBJECTS = ["petitions.received", "petitions.returned", "petitions.corrected", "petitions.withdrawn"]


def petition_consumer(context: RoutingContext) -> ConsumerSpec:
    async def handle(uow: UnitOfWork, envelope: Envelope) -> None:
        if envelope.version != SUPPORTED_VERSION:
            raise PoisonMessage(f"{envelope.type} version {envelope.version} is not supported")
        data = envelope.parsed()
        source = f"event:{envelope.id}"
        if isinstance(data, PetitionReceived):
            await routing_service.route_received(uow, context, envelope.petition_id, data, source)
        elif isinstance(data, PetitionReturned):
            await routing_service.record_return(uow, context, envelope.petition_id, data, source)
        elif isinstance(data, PetitionCorrected):
            await routing_service.record_correction(uow, context, envelope.petition_id, data, envelope.sequence,
                                                    source)
        elif isinstance(data, PetitionWithdrawn):
            await routing_service.record_withdrawal(uow, envelope.petition_id, data, envelope.sequence, source)

    return ConsumerSpec(durable="routing-petitions", subjects=SUBJECTS,
                        handler=handle)
