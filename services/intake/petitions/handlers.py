"""What intake learns from other services' events: each petition's latest outcome, for `similar`."""

from services.intake.petitions import repository as petition_repository
from shared.events import Envelope, PetitionRouted, StatusChanged
from shared.messaging import ConsumerSpec
from shared.unit_of_work import UnitOfWork


async def record_outcome(uow: UnitOfWork, envelope: Envelope) -> None:
    data = envelope.parsed()
    if isinstance(data, PetitionRouted):
        status, agency_code = "assigned", data.agency_code
    elif isinstance(data, StatusChanged):
        status, agency_code = data.to_status, data.agency_code
    else:
        return
    await petition_repository.set_outcome(uow.session, envelope.petition_id, status=status,
                                          agency_code=agency_code, at=envelope.occurred_at)


OUTCOME_CONSUMER = ConsumerSpec(
    durable="intake-outcomes",
    subjects=["petitions.routed", "petitions.status_changed"],
    handler=record_outcome,
)
