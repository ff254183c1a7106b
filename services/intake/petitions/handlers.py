"""What intake learns from monitoring's status events: each petition's latest outcome, for `similar`.

Monitoring is the one producer of a petition's status and agency (it announces routing's decisions as
status changes too), so intake orders them by monitoring's status version alone.
"""

from services.intake.petitions import repository as petition_repository
from shared.consumers import consumer_spec
from shared.events import Envelope, Status, StatusChanged
from shared.unit_of_work import UnitOfWork

UNASSIGNED_STATUSES = frozenset({Status.AWAITING_ROUTING, Status.RETURNED})


async def record_outcome(uow: UnitOfWork, envelope: Envelope, data: StatusChanged) -> None:
    # A returned petition's event names the agency that gave it back; it no longer holds it.
    agency_code = None if data.to_status in UNASSIGNED_STATUSES else data.agency_code
    await petition_repository.set_outcome(uow.session, envelope.petition_id, status=data.to_status,
                                          agency_code=agency_code, at=envelope.occurred_at,
                                          version=envelope.sequence)


OUTCOME_CONSUMER = consumer_spec("intake-outcomes", {("status_changed", 1): record_outcome})
