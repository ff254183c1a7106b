"""Storing a change: a new version of the petition's state (posted to the monthly ledgers), a timeline
entry, and the events the change announces, all in the caller's unit of work."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.base import FOREVER
from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking.lifecycle import Step, ledger_postings
from services.monitoring.tracking.models import Petition, PetitionVersion, TimelineEntry
from shared.unit_of_work import UnitOfWork


async def store(uow: UnitOfWork, petition: Petition, step: Step, tz: ZoneInfo, *, event_id: str | None = None,
                request_id: str | None = None) -> None:
    """Keep what a lifecycle step did to `petition` (already changed in memory) and emit its events."""
    await record(uow.session, petition, step, tz, event_id=event_id, request_id=request_id)
    for data in step.events:
        uow.emit(petition.id, data, sequence=step.sequence)


async def record(session: AsyncSession, petition: Petition, step: Step, tz: ZoneInfo, *, event_id: str | None = None,
                 request_id: str | None = None) -> None:
    """The step's version (if the state changed) and its timeline entry; events are the caller's."""
    if step.version_from is not None:
        current = await petition_repository.open_version(session, petition.id)
        version = PetitionVersion(
            petition_id=petition.id, valid_from=step.version_from, valid_to=FOREVER, status=petition.status,
            status_entered=step.status_entered, level=petition.level, agency_code=petition.agency_code,
            topic=petition.topic, deadline_at=petition.deadline_at, answered_at=petition.answered_at,
            disputed=petition.disputed,
        )
        petition_repository.replace_version(session, current, version)
        petition_repository.post(session, ledger_postings(current, version, step.version_from, tz))
    entry = TimelineEntry(
        petition_id=petition.id, at=step.at, type=step.entry_type, by=step.by, event_id=event_id,
        request_id=request_id,
        details=json.dumps({k: v for k, v in step.details.items() if v is not None}, ensure_ascii=False, default=str),
    )
    petition_repository.add_timeline(session, entry)


def unversioned(entry_type: str, at: datetime, by: str, details: dict) -> Step:
    """A timeline entry that changes nothing a version records (a link, an unlink)."""
    return Step(entry_type, at, by, details)
