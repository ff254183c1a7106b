"""Queries on the read model: petitions, their versions and their timeline."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.monitoring.base import FOREVER
from services.monitoring.tracking import ledger_buffer
from services.monitoring.tracking.lifecycle import Posting
from services.monitoring.tracking.models import (
    DeadlineCount,
    MatterCount,
    Petition,
    PetitionVersion,
    StateCount,
    TimelineEntry,
    TopicCount,
)
from shared import pagination
from services.monitoring.tracking.state_machine import WITHDRAWN


@dataclass(frozen=True)
class PetitionFilter:
    status: str | None = None
    agency_code: str | None = None
    level: str | None = None
    overdue: bool | None = None  # overdue (True) or not overdue (False) at `now`
    now: datetime | None = None
    after: tuple[datetime, uuid.UUID] | None = None  # keyset cursor: (received_at, id) of the last item
    limit: int = 50


# What this transaction already holds, so a batch of events about one petition asks the database once:
# petitions it created or locked, and each one's open version.
_HELD, _OPEN_VERSIONS = "monitoring_held_petitions", "monitoring_open_versions"


def _held(session: AsyncSession, key: str) -> dict:
    return session.sync_session.info.setdefault(key, {})


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction) -> None:
    if transaction.parent is None:  # locks and loaded rows end with the transaction
        session.info.pop(_HELD, None)
        session.info.pop(_OPEN_VERSIONS, None)


async def get(session: AsyncSession, petition_id: uuid.UUID, for_update: bool = False) -> Petition | None:
    held = _held(session, _HELD)
    if petition_id in held:
        return held[petition_id]
    stmt = select(Petition).where(Petition.id == petition_id)
    if for_update:  # the row as its last writer committed it, not as this session may have loaded it
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    petition = (await session.scalars(stmt)).one_or_none()
    if for_update and petition is not None:
        held[petition_id] = petition
    return petition


async def hold_all(session: AsyncSession, petition_ids: list[uuid.UUID]) -> None:
    """Lock a batch's petitions, then load their open versions; absent ones are noted too.

    Two statements, not one join: a row that had to wait for another replica's lock comes back as that
    replica committed it, but a row joined to it comes back as the statement first saw it, so the version
    read with the lock could be one the other replica had just closed. The second statement starts after
    the locks are held and sees every version their holders committed.
    """
    held, open_versions = _held(session, _HELD), _held(session, _OPEN_VERSIONS)
    wanted = sorted(set(petition_ids) - held.keys())  # one lock order for every replica
    if not wanted:
        return
    locked = await session.scalars(select(Petition).where(Petition.id.in_(wanted)).order_by(Petition.id)
                                   .with_for_update().execution_options(populate_existing=True))
    held.update(dict.fromkeys(wanted))
    open_versions.update(dict.fromkeys(wanted))
    held.update({petition.id: petition for petition in locked})
    found = [petition_id for petition_id in wanted if held[petition_id] is not None]
    if found:
        versions = await session.scalars(select(PetitionVersion).where(
            PetitionVersion.petition_id.in_(found), PetitionVersion.valid_to == FOREVER)
            .execution_options(populate_existing=True))
        open_versions.update({version.petition_id: version for version in versions})


def add(session: AsyncSession, petition: Petition) -> None:
    session.add(petition)
    _held(session, _HELD)[petition.id] = petition
    _held(session, _OPEN_VERSIONS)[petition.id] = None  # new: no version to close


async def open_version(session: AsyncSession, petition_id: uuid.UUID) -> PetitionVersion | None:
    """The petition's current version (the batch's loaded one when it was held)."""
    open_versions = _held(session, _OPEN_VERSIONS)
    if petition_id in open_versions:
        return open_versions[petition_id]
    return (await session.scalars(select(PetitionVersion).where(
        PetitionVersion.petition_id == petition_id, PetitionVersion.valid_to == FOREVER))).one_or_none()


def replace_version(session: AsyncSession, current: PetitionVersion | None, version: PetitionVersion) -> None:
    """Close `current` where `version` starts and keep `version` as the petition's open one."""
    if current is not None:
        current.valid_to = version.valid_from
    session.add(version)
    _held(session, _OPEN_VERSIONS)[version.petition_id] = version


LEDGERS = {"state": StateCount, "topic": TopicCount, "deadline": DeadlineCount}


def post(session: AsyncSession, postings: list[Posting]) -> None:
    for posting in postings:
        ledger_buffer.add(session, LEDGERS[posting.ledger], posting.key, posting.delta)


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
    else:  # a withdrawn petition is no longer followed up: listed only when asked for
        stmt = stmt.where(Petition.status != WITHDRAWN)
    if criteria.agency_code:
        stmt = stmt.where(Petition.agency_code == criteria.agency_code)
    if criteria.level:
        stmt = stmt.where(Petition.level == criteria.level)
    if criteria.overdue is True:
        stmt = stmt.where(Petition.answered_at.is_(None), Petition.deadline_at <= criteria.now)
    elif criteria.overdue is False:
        stmt = stmt.where(or_(Petition.answered_at.is_not(None), Petition.deadline_at.is_(None),
                              Petition.deadline_at > criteria.now))
    stmt = pagination.after(stmt, Petition.received_at, Petition.id, criteria.after, criteria.limit)
    return list(await session.scalars(stmt))


async def matter_of(session: AsyncSession, petition_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(select(Petition.matter_id).where(Petition.id == petition_id))


async def set_matter(session: AsyncSession, petition_ids: list[uuid.UUID], matter_id: uuid.UUID) -> None:
    """Mark the petitions as belonging to a repeated matter (the head included); the matter counts those that joined."""
    joined = await session.execute(
        update(Petition).where(Petition.id.in_(petition_ids), Petition.matter_id.is_(None))
        .values(matter_id=matter_id).returning(Petition.id)
    )
    count_in_matter(session, matter_id, len(joined.all()))


def move_to_matter(session: AsyncSession, petition: Petition, matter_id: uuid.UUID | None) -> None:
    """Set the petition's matter, taking it off its former matter's count and onto the new one's."""
    if petition.matter_id == matter_id:
        return
    count_in_matter(session, petition.matter_id, -1)
    count_in_matter(session, matter_id, +1)
    petition.matter_id = matter_id


def count_in_matter(session: AsyncSession, matter_id: uuid.UUID | None, delta: int) -> None:
    """Post to the matters' ledger, written with the other ledgers at commit (same transaction)."""
    if matter_id is not None and delta:
        ledger_buffer.add(session, MatterCount, {"matter_id": matter_id}, delta)


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

