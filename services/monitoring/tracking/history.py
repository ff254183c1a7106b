"""Recording a change: a new version of the petition's state and a timeline entry, together."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking.models import Petition, TimelineEntry
from shared.events import EventData
from shared.unit_of_work import UnitOfWork


def effective_time(petition: Petition, at: datetime) -> datetime:
    """Events may arrive late; a change never starts before the state it replaces."""
    return max(at, petition.changed_at) if petition.changed_at else at


async def record(session: AsyncSession, petition: Petition, *, at: datetime, tz: ZoneInfo, entry_type: str,
                 by: str, details: dict, state_changed: bool = True, status_entered: bool = False,
                 event_id: str | None = None, request_id: str | None = None) -> TimelineEntry:
    """Call after changing `petition`: versions its state (if it changed) and appends to its timeline.

    The timeline keeps the true time `at`; only the version interval is clamped so intervals never overlap.
    """
    if state_changed:
        petition.changed_at = effective_time(petition, at)
        await petition_repository.open_version(session, petition, petition.changed_at, tz, status_entered)
    entry = TimelineEntry(
        petition_id=petition.id, at=at, type=entry_type, by=by, event_id=event_id, request_id=request_id,
        details=json.dumps({k: v for k, v in details.items() if v is not None}, ensure_ascii=False, default=str),
    )
    petition_repository.add_timeline(session, entry)
    return entry


def announce(uow: UnitOfWork, petition: Petition, *events: EventData) -> None:
    """Emit a status change (and the events that go with it) under the petition's next status version."""
    petition.status_version += 1
    for data in events:
        uow.emit(petition.id, data, sequence=petition.status_version)
