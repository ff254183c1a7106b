"""Queries on the read model: petitions, their versions and their timeline."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.base import FOREVER
from services.monitoring.tracking.ledger import deadline_key, month_of, state_key, topic_key
from services.monitoring.tracking.models import (
    DeadlineCount, Petition, PetitionVersion, StateCount, TimelineEntry, TopicCount,
)


@dataclass(frozen=True)
class PetitionFilter:
    status: str | None = None
    agency_code: str | None = None
    level: str | None = None
    overdue: bool | None = None  # overdue (True) or not overdue (False) at `now`
    now: datetime | None = None
    after: tuple[datetime, uuid.UUID] | None = None  # keyset cursor: (received_at, id) of the last item
    limit: int = 50


async def get(session: AsyncSession, petition_id: uuid.UUID, for_update: bool = False) -> Petition | None:
    stmt = select(Petition).where(Petition.id == petition_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()


def add(session: AsyncSession, petition: Petition) -> None:
    session.add(petition)


async def open_version(session: AsyncSession, petition: Petition, at: datetime, tz: ZoneInfo,
                       status_entered: bool) -> None:
    """Close the petition's current version at `at`, open one holding its present state, post both to the ledgers."""
    await session.flush()
    current = (await session.scalars(select(PetitionVersion).where(
        PetitionVersion.petition_id == petition.id, PetitionVersion.valid_to == FOREVER))).one_or_none()
    if current is not None:
        current.valid_to = at
        await _post(session, current, at, tz, -1)
    version = PetitionVersion(
        petition_id=petition.id, valid_from=at, valid_to=FOREVER, status=petition.status,
        status_entered=status_entered, level=petition.level, agency_code=petition.agency_code,
        topic=petition.topic, deadline_at=petition.deadline_at, answered_at=petition.answered_at,
        disputed=petition.disputed,
    )
    session.add(version)
    await _post(session, version, at, tz, +1)


async def _post(session: AsyncSession, version: PetitionVersion, at: datetime, tz: ZoneInfo, delta: int) -> None:
    month = month_of(at, tz)
    for model, key in ((StateCount, state_key(version)), (TopicCount, topic_key(version)),
                       (DeadlineCount, deadline_key(version, tz))):
        await _add_delta(session, model, {"month": month, **key}, delta)


async def _add_delta(session: AsyncSession, model, key: dict, delta: int) -> None:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(model).values(**key, delta=delta)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={"delta": model.delta + stmt.excluded.delta})
    await session.execute(stmt)


def add_timeline(session: AsyncSession, entry: TimelineEntry) -> None:
    session.add(entry)


async def timeline(session: AsyncSession, petition_id: uuid.UUID) -> list[TimelineEntry]:
    result = await session.scalars(
        select(TimelineEntry).where(TimelineEntry.petition_id == petition_id).order_by(TimelineEntry.id)
    )
    return list(result)


async def find(session: AsyncSession, criteria: PetitionFilter) -> list[Petition]:
    stmt = select(Petition)
    if criteria.status:
        stmt = stmt.where(Petition.status == criteria.status)
    if criteria.agency_code:
        stmt = stmt.where(Petition.agency_code == criteria.agency_code)
    if criteria.level:
        stmt = stmt.where(Petition.level == criteria.level)
    if criteria.overdue is True:
        stmt = stmt.where(Petition.answered_at.is_(None), Petition.deadline_at <= criteria.now)
    elif criteria.overdue is False:
        stmt = stmt.where(or_(Petition.answered_at.is_not(None), Petition.deadline_at.is_(None),
                              Petition.deadline_at > criteria.now))
    if criteria.after is not None:
        received_at, last_id = criteria.after
        stmt = stmt.where(or_(Petition.received_at < received_at,
                              and_(Petition.received_at == received_at, Petition.id < last_id)))
    stmt = stmt.order_by(Petition.received_at.desc(), Petition.id.desc()).limit(criteria.limit)
    return list(await session.scalars(stmt))


async def matter_of(session: AsyncSession, petition_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(select(Petition.matter_id).where(Petition.id == petition_id))


async def set_matter(session: AsyncSession, petition_ids: list[uuid.UUID], matter_id: uuid.UUID) -> None:
    """Mark the petitions as belonging to a repeated matter (the head included)."""
    await session.execute(
        update(Petition).where(Petition.id.in_(petition_ids), Petition.matter_id.is_(None))
        .values(matter_id=matter_id)
    )


async def has_repeats(session: AsyncSession, petition_id: uuid.UUID) -> bool:
    query = select(Petition.id).where(Petition.repeat_of == petition_id).limit(1)
    return (await session.scalars(query)).first() is not None


async def resolved_between(session: AsyncSession, start: datetime, end: datetime,
                           agency_codes: list[str] | None, level: str | None) -> list[tuple[uuid.UUID, str]]:
    """Petitions whose agency reported them resolved in [start, end) and that still stand resolved."""
    stmt = select(Petition.id, Petition.agency_code).where(
        Petition.status == "resolved", Petition.resolved_at >= start, Petition.resolved_at < end,
        Petition.agency_code.is_not(None),
    )
    if agency_codes:
        stmt = stmt.where(Petition.agency_code.in_(agency_codes))
    if level:
        stmt = stmt.where(Petition.level == level)
    return [(row.id, row.agency_code) for row in await session.execute(stmt)]


async def codes(session: AsyncSession, petition_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not petition_ids:
        return {}
    rows = await session.execute(select(Petition.id, Petition.code).where(Petition.id.in_(petition_ids)))
    return {row.id: row.code for row in rows}

