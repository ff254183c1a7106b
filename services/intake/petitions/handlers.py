"""What intake learns from monitoring's status events: each petition's latest outcome, for `similar`.

Monitoring is the one producer of a petition's status and agency (it announces routing's decisions as
status changes too), so intake orders them by monitoring's status version alone.
"""

from services.intake.petitions import repository as petition_repository
from shared.events import Envelope, StatusChanged
from shared.messaging import ConsumerSpec
from shared.unit_of_work import UnitOfWork

UNASSIGNED_STATUSES = frozenset({"awaiting_routing", "returned"})


async def record_outcome(uow: UnitOfWork, envelope: Envelope) -> None:
    data = envelope.parsed()
    if not isinstance(data, StatusChanged):
        return
    # A returned petition's event names the agency that gave it back; it no longer holds it.
    agency_code = None if data.to_status in UNASSIGNED_STATUSES else data.agency_code
    await petition_repository.set_outcome(uow.session, envelope.petition_id, status=data.to_status,
                                          agency_code=agency_code, at=envelope.occurred_at,
                                          version=envelope.sequence)


OUTCOME_CONSUMER = ConsumerSpec(
    durable="intake-outcomes",
    subjects=["petitions.status_changed"],
    handler=record_outcome,
)
