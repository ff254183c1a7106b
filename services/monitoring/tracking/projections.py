"""Building the read model from other services' events: received, routed, linked, unlinked, corrected, withdrawn."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.settings import MonitoringSettings
from services.monitoring.tracking import history
from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.deadlines import due_date, overdue_from
from services.monitoring.tracking.models import Petition
from shared.events import (
    PetitionCorrected,
    PetitionLinked,
    PetitionReceived,
    PetitionRouted,
    PetitionUnlinked,
    PetitionWithdrawn,
    StatusChanged,
    is_stale,
)
from shared.unit_of_work import UnitOfWork


class PetitionNotYetKnown(RuntimeError):
    """An event about a petition whose `received` has not been applied yet: retried later."""


async def _known(session: AsyncSession, petition_id: uuid.UUID) -> Petition:
    petition = await petition_repository.get(session, petition_id, for_update=True)
    if petition is None:
        raise PetitionNotYetKnown(f"petition {petition_id} not received yet")
    return petition


async def apply_received(session: AsyncSession, petition_id: uuid.UUID, data: PetitionReceived,
                         source: str, tz: ZoneInfo, event_id: str | None = None) -> None:
    if await petition_repository.get(session, petition_id) is not None:
        return
    matter_id = None
    if data.repeat_of:
        matter_id = await petition_repository.matter_of(session, data.repeat_of) or data.repeat_of
    petition = Petition(
        id=petition_id, code=data.code, unit_code=data.unit_code, status=sm.AWAITING_ROUTING, topic=data.topic,
        received_at=data.created_at, disputed=False, matter_id=matter_id, repeat_of=data.repeat_of,
        changed_at=data.created_at, routing_seq=0, status_version=0, link_seq=0,
    )
    petition_repository.add(session, petition)
    if matter_id:
        await petition_repository.set_matter(session, [data.repeat_of, matter_id], matter_id)
    details = {"code": data.code, "unit_code": data.unit_code, "meeting_kind": data.meeting_kind,
               "session_id": data.session_id, "meeting_id": data.meeting_id, "topic": data.topic,
               "repeat_of": data.repeat_of, "to_status": sm.AWAITING_ROUTING}
    await history.record(session, petition, at=data.created_at, tz=tz, entry_type="received", by=source,
                         details=details, status_entered=True, event_id=event_id)


def assign(petition: Petition, agency_code: str, at: datetime, settings: MonitoringSettings) -> None:
    """Give the petition to an agency with a fresh answer deadline."""
    petition.status = sm.ASSIGNED
    petition.agency_code = agency_code
    petition.assigned_at = at
    petition.due_on = due_date(at, settings.deadline_days(petition.level), settings.tz)
    petition.deadline_at = overdue_from(petition.due_on, settings.tz)
    petition.answered_at = petition.planned_completion = None


async def apply_routed(uow: UnitOfWork, petition_id: uuid.UUID, data: PetitionRouted, at: datetime,
                       sequence: int | None, settings: MonitoringSettings, event_id: str | None = None) -> None:
    petition = await _known(uow.session, petition_id)
    if is_stale(sequence, petition.routing_seq):
        return  # an older decision than one already applied: the newer one stands
    petition.routing_seq = sequence if sequence is not None else petition.routing_seq
    if petition.status == sm.WITHDRAWN:  # a decision made before routing learnt of the withdrawal
        await history.record(uow.session, petition, at=at, tz=settings.tz, entry_type="routed_ignored",
                             by=data.decided_by, details=data.model_dump(mode="json"), state_changed=False,
                             event_id=event_id)
        return
    previous_status = petition.status
    # Confirming the same agency keeps the running deadline; a new agency starts a new one.
    reassigned = petition.status in sm.UNROUTED or petition.agency_code != data.agency_code
    changed = reassigned or petition.level != data.level or (data.topic and data.topic != petition.topic)
    petition.level = data.level
    petition.topic = data.topic or petition.topic
    if reassigned:
        assign(petition, data.agency_code, at, settings)
    details = {**data.model_dump(mode="json"), "deadline": petition.due_on,
               "to_status": sm.ASSIGNED if reassigned else None}
    await history.record(uow.session, petition, at=at, tz=settings.tz, entry_type="routed", by=data.decided_by,
                         details=details, state_changed=bool(changed), status_entered=reassigned, event_id=event_id)
    if reassigned:
        # Monitoring owns the status: it says so itself, so no one has to merge two producers' clocks.
        history.announce(uow, petition, StatusChanged(
            from_status=previous_status, to_status=sm.ASSIGNED, agency_code=petition.agency_code,
            by=data.decided_by))


async def apply_linked(session: AsyncSession, petition_id: uuid.UUID, data: PetitionLinked, at: datetime,
                       tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """A repeat of an earlier matter: reports count the matter once and show how often it came back."""
    petition = await _known(session, petition_id)
    if is_stale(sequence, petition.link_seq):
        return  # an older link than one already applied
    petition.link_seq = sequence if sequence is not None else petition.link_seq
    petition.repeat_of = data.earlier_id
    petition.matter_id = data.matter_id
    await petition_repository.set_matter(session, [data.earlier_id, data.matter_id], data.matter_id)
    await history.record(session, petition, at=at, tz=tz, entry_type="linked", by=data.by,
                         details=data.model_dump(mode="json", exclude={"by"}), state_changed=False,
                         event_id=event_id)


async def apply_unlinked(session: AsyncSession, petition_id: uuid.UUID, data: PetitionUnlinked, at: datetime,
                         tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """The secretariat undid a repeat link: the petition heads its own matter again if repeats follow it."""
    petition = await _known(session, petition_id)
    if is_stale(sequence, petition.link_seq):
        return  # a link or unlink newer than this one was applied already
    petition.link_seq = sequence if sequence is not None else petition.link_seq
    petition.repeat_of = None
    petition.matter_id = petition.id if await petition_repository.has_repeats(session, petition.id) else None
    await history.record(session, petition, at=at, tz=tz, entry_type="unlinked", by=data.by,
                         details=data.model_dump(mode="json", exclude={"by"}), state_changed=False,
                         event_id=event_id)


async def _followed(session: AsyncSession, petition_id: uuid.UUID, sequence: int | None) -> Petition | None:
    """The petition an intake change applies to; None when it is not newer than the last one applied."""
    petition = await _known(session, petition_id)
    if is_stale(sequence, petition.intake_revision):
        return None
    petition.intake_revision = sequence if sequence is not None else petition.intake_revision
    return petition


async def apply_corrected(session: AsyncSession, petition_id: uuid.UUID, data: PetitionCorrected, at: datetime,
                          tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """The secretariat corrected the petition: its unit follows; routing announces any new agency itself."""
    petition = await _followed(session, petition_id, sequence)
    if petition is None:
        return
    petition.unit_code = data.unit_code
    details = {"fields": data.fields, "reason": data.reason, "unit_code": data.unit_code,
               "meeting_id": data.meeting_id}
    await history.record(session, petition, at=at, tz=tz, entry_type="corrected", by=data.by, details=details,
                         state_changed=False, event_id=event_id)


async def apply_withdrawn(uow: UnitOfWork, petition_id: uuid.UUID, data: PetitionWithdrawn, at: datetime,
                          tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """Withdrawn (rút): out of the lists and deadlines, counted as withdrawn; the timeline keeps why."""
    petition = await _followed(uow.session, petition_id, sequence)
    if petition is None or petition.status == sm.WITHDRAWN:
        return
    previous_status = petition.status
    petition.status, petition.deadline_at = sm.WITHDRAWN, None
    await history.record(uow.session, petition, at=at, tz=tz, entry_type="withdrawn", by=data.by,
                         details={"reason": data.reason, "from_status": previous_status, "to_status": sm.WITHDRAWN},
                         status_entered=True, event_id=event_id)
    history.announce(uow, petition, StatusChanged(from_status=previous_status, to_status=sm.WITHDRAWN,
                                                  agency_code=petition.agency_code, note=data.reason, by=data.by))
