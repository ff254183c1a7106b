"""What routing consumes: petitions.received (classify) and petitions.returned (back to review)."""

from services.routing.routings import service as routing_service
from services.routing.routings.service import RoutingContext
from shared.consumers import consumer_spec
from shared.events import Envelope, PetitionReceived, PetitionReturned
from shared.messaging import ConsumerSpec
from shared.unit_of_work import UnitOfWork


def petition_consumer(context: RoutingContext) -> ConsumerSpec:
    async def received(uow: UnitOfWork, envelope: Envelope, data: PetitionReceived) -> None:
        await routing_service.route_received(uow, context, envelope.petition_id, data, f"event:{envelope.id}")

    async def returned(uow: UnitOfWork, envelope: Envelope, data: PetitionReturned) -> None:
        await routing_service.record_return(uow, context, envelope.petition_id, data, f"event:{envelope.id}")

    return consumer_spec("routing-petitions", {("received", 1): received, ("returned", 1): returned})
