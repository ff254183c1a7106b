"""What routing consumes: petitions.received (classify) and petitions.returned (back to review)."""

from services.routing.routings import service as routing_service
from services.routing.routings.service import RoutingContext
from shared.events import Envelope, PetitionReceived, PetitionReturned
from shared.messaging import ConsumerSpec, PoisonMessage
from shared.unit_of_work import UnitOfWork

SUPPORTED_VERSION = 1


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

    return ConsumerSpec(durable="routing-petitions", subjects=["petitions.received", "petitions.returned"],
                        handler=handle)
