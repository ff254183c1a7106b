import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.routings.models import WITHDRAWN, Routing, RoutingEntry
from shared import pagination


async def get(db: AsyncSession, petition_id: uuid.UUID, for_update: bool = False) -> Routing | None:
    return await db.get(Routing, petition_id, with_for_update=for_update, populate_existing=for_update)


async def exists(db: AsyncSession, petition_id: uuid.UUID) -> bool:
    """Whether the petition was routed before, without writing the batch's pending rows first."""
    with db.no_autoflush:
        return await db.get(Routing, petition_id) is not None


async def add(db: AsyncSession, routing: Routing) -> None:
    # Not flushed here: a consumer's batch writes its routings, history and outbox rows together at
    # commit, one insert per table, instead of three round trips for every petition.
    db.add(routing)


async def add_entry(db: AsyncSession, entry: RoutingEntry) -> None:
    db.add(entry)


async def history(db: AsyncSession, petition_id: uuid.UUID) -> list[RoutingEntry]:
    query = select(RoutingEntry).where(RoutingEntry.petition_id == petition_id).order_by(RoutingEntry.id)
    return list(await db.scalars(query))


async def page(db: AsyncSession, *, state: str | None, agency_code: str | None, level: str | None,
               topic: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int,
               petition_ids: list[uuid.UUID] | None = None) -> list[Routing]:
    """Oldest in the queue first; keyset pagination on (queued_at, petition_id)."""
    query = select(Routing)
    if petition_ids:
        query = query.where(Routing.petition_id.in_(petition_ids))
    for column, value in ((Routing.state, state), (Routing.agency_code, agency_code), (Routing.level, level),
                          (Routing.topic, topic)):
        if value:
            query = query.where(column == value)
    if not state:
        query = query.where(Routing.state != WITHDRAWN)
    query = pagination.after(query, Routing.queued_at, Routing.petition_id, after, limit, newest_first=False)
    return list(await db.scalars(query))


PERSON_DECISIONS = ("confirmed", "corrected")


async def decided_by_person(db: AsyncSession, petition_id: uuid.UUID) -> bool:
    """Whether the secretariat has confirmed or corrected this petition's routing."""
    query = select(RoutingEntry.id).where(RoutingEntry.petition_id == petition_id,
                                          RoutingEntry.action.in_(PERSON_DECISIONS)).limit(1)
    return (await db.scalars(query)).first() is not None
