import uuid
from datetime import datetime

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.routing.routings.models import WITHDRAWN, Routing, RoutingEntry
from shared import pagination

# The routings this transaction holds: locked (or added) by it, or None when known absent. A consumer's
# batch loads its petitions' routings in one query (hold_all), so its events ask the database nothing more.
_HELD = "routing_held_routings"


def _held(db: AsyncSession) -> dict[uuid.UUID, Routing | None]:
    return db.sync_session.info.setdefault(_HELD, {})


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction) -> None:
    if transaction.parent is None:  # locks and loaded rows end with the transaction
        session.info.pop(_HELD, None)


async def hold_all(db: AsyncSession, petition_ids: list[uuid.UUID]) -> None:
    """Lock the petitions' routings in one query (in one order for every replica); absent ones are noted."""
    held = _held(db)
    wanted = sorted(set(petition_ids) - held.keys())
    if not wanted:
        return
    found = await db.scalars(select(Routing).where(Routing.petition_id.in_(wanted)).order_by(Routing.petition_id)
                             .with_for_update().execution_options(populate_existing=True))
    held.update(dict.fromkeys(wanted))
    held.update({routing.petition_id: routing for routing in found})


async def get(db: AsyncSession, petition_id: uuid.UUID, for_update: bool = False) -> Routing | None:
    held = _held(db)
    if held.get(petition_id) is not None:  # locked in this transaction: current, with its changes
        return held[petition_id]
    # Known absent is asked again: a routing another replica committed since is found (and locked).
    routing = await db.get(Routing, petition_id, with_for_update=for_update, populate_existing=for_update)
    if for_update and routing is not None:
        held[petition_id] = routing
    return routing


async def exists(db: AsyncSession, petition_id: uuid.UUID) -> bool:
    """Whether the petition was routed before, without writing the batch's pending rows first."""
    held = _held(db)
    if petition_id in held:
        return held[petition_id] is not None
    with db.no_autoflush:
        return await db.get(Routing, petition_id) is not None


async def add(db: AsyncSession, routing: Routing) -> None:
    # Not flushed here: a consumer's batch writes its routings, history and outbox rows together at
    # commit, one insert per table, instead of three round trips for every petition.
    db.add(routing)
    _held(db)[routing.petition_id] = routing  # a second receipt in the batch sees it without a flush


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
