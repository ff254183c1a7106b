"""Building the read model from other services' events: received, routed, linked, unlinked, corrected, withdrawn."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.settings import MonitoringSettings
from services.monitoring.tracking import history
from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking.lifecycle import Deadlines, PetitionLifecycle
from services.monitoring.tracking.models import Petition
from shared.events import (
    PetitionCorrected,
    PetitionLinked,
    PetitionReceived,
    PetitionRouted,
    PetitionUnlinked,
    PetitionWithdrawn,
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
        id=petition_id, code=data.code, unit_code=data.unit_code, topic=data.topic,
        received_at=data.created_at, disputed=False, repeat_of=data.repeat_of,
        changed_at=data.created_at, routing_seq=0, status_version=0, link_seq=0,
    )
    details = {"code": data.code, "unit_code": data.unit_code, "meeting_kind": data.meeting_kind,
               "session_id": data.session_id, "meeting_id": data.meeting_id, "topic": data.topic,
               "repeat_of": data.repeat_of}
    step = PetitionLifecycle(petition).receive(data.created_at, source, details)
    petition_repository.add(session, petition)
    petition_repository.move_to_matter(session, petition, matter_id)
    if matter_id:
        await petition_repository.set_matter(session, [data.repeat_of, matter_id], matter_id)
    await history.record(session, petition, step, tz, event_id=event_id)


async def apply_routed(uow: UnitOfWork, petition_id: uuid.UUID, data: PetitionRouted, at: datetime,
                       sequence: int | None, settings: MonitoringSettings, event_id: str | None = None) -> None:
    petition = await _known(uow.session, petition_id)
    step = PetitionLifecycle(petition).route(data, at, sequence, Deadlines(settings.deadline_days, settings.tz))
    if step is not None:  # None: an older decision than one already applied; the newer one stands
        await history.store(uow, petition, step, settings.tz, event_id=event_id)


async def apply_linked(session: AsyncSession, petition_id: uuid.UUID, data: PetitionLinked, at: datetime,
                       tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """A repeat of an earlier matter: reports count the matter once and show how often it came back."""
    petition = await _known(session, petition_id)
    if is_stale(sequence, petition.link_seq):
        return  # an older link than one already applied
    petition.link_seq = sequence if sequence is not None else petition.link_seq
    petition.repeat_of = data.earlier_id
    petition_repository.move_to_matter(session, petition, data.matter_id)
    await petition_repository.set_matter(session, [data.earlier_id, data.matter_id], data.matter_id)
    await history.record(session, petition, history.unversioned(
        "linked", at, data.by, data.model_dump(mode="json", exclude={"by"})), tz, event_id=event_id)


async def apply_unlinked(session: AsyncSession, petition_id: uuid.UUID, data: PetitionUnlinked, at: datetime,
                         tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """The secretariat undid a repeat link: the petition heads its own matter again if repeats follow it."""
    petition = await _known(session, petition_id)
    if is_stale(sequence, petition.link_seq):
        return  # a link or unlink newer than this one was applied already
    petition.link_seq = sequence if sequence is not None else petition.link_seq
    petition.repeat_of = None
    heads_own = await petition_repository.has_repeats(session, petition.id)
    petition_repository.move_to_matter(session, petition, petition.id if heads_own else None)
    await history.record(session, petition, history.unversioned(
        "unlinked", at, data.by, data.model_dump(mode="json", exclude={"by"})), tz, event_id=event_id)


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
    await history.record(session, petition, history.unversioned("corrected", at, data.by, details), tz,
                         event_id=event_id)


async def apply_withdrawn(uow: UnitOfWork, petition_id: uuid.UUID, data: PetitionWithdrawn, at: datetime,
                          tz: ZoneInfo, event_id: str | None = None, sequence: int | None = None) -> None:
    """Withdrawn (rút): out of the lists and deadlines, counted as withdrawn; the timeline keeps why."""
    petition = await _followed(uow.session, petition_id, sequence)
    step = None if petition is None else PetitionLifecycle(petition).withdraw(data.reason, data.by, at)
    if step is not None:
        await history.store(uow, petition, step, tz, event_id=event_id)
