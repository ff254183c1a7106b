"""Every query intake makes about petitions."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions.models import Petition, PetitionCodeCounter, Petitioner, PetitionLink
from shared import pagination
from shared.persistence import insert_many, upsert


@dataclass
class PetitionFilters:
    session_id: uuid.UUID | None = None
    meeting_id: uuid.UUID | None = None
    unit_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


async def take_next_number(session: AsyncSession, year: int) -> int:
    """Increment the year's counter inside the caller's transaction (a row lock on PostgreSQL)."""
    return await take_numbers(session, year, 1)


async def take_numbers(session: AsyncSession, year: int, count: int) -> int:
    """Take `count` consecutive numbers of the year's counter at once (an import); the last one taken."""
    table = PetitionCodeCounter.__table__
    stmt = upsert(session, table, {"year": year, "last_number": count}, key=[table.c.year],
                  update=lambda _: {"last_number": table.c.last_number + count}).returning(table.c.last_number)
    return (await session.execute(stmt)).scalar_one()


async def add_many(session: AsyncSession, petitions: list[dict], petitioners: list[dict]) -> None:
    """Many petitions and their petitioners, one insert each (a group of new ones, an import).

    Core inserts of the tables, not the ORM's bulk insert of the classes: the same column defaults,
    without the ORM's bookkeeping for each row (a tenth of the write, profiled on 5,000 rows).
    """
    await insert_many(session, Petition, petitions)
    await insert_many(session, Petitioner, petitioners)


async def replace_petitioners(session: AsyncSession, petition_id: uuid.UUID, petitioners: list[Petitioner]) -> None:
    """A correction of who raised the petition (the change record keeps the previous ones)."""
    await session.execute(delete(Petitioner).where(Petitioner.petition_id == petition_id))
    session.add_all(petitioners)
    await session.flush()


async def get(session: AsyncSession, petition_id: uuid.UUID) -> Petition | None:
    return await session.get(Petition, petition_id)


async def petitioners_of(session: AsyncSession, petition_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Petitioner]]:
    found: dict[uuid.UUID, list[Petitioner]] = {pid: [] for pid in petition_ids}
    if petition_ids:
        rows = await session.scalars(select(Petitioner).where(Petitioner.petition_id.in_(petition_ids)))
        for petitioner in rows:
            found[petitioner.petition_id].append(petitioner)
    return found


def filtered(filters: PetitionFilters) -> Select:
    query = select(Petition)
    if filters.session_id:
        query = query.where(Petition.session_id == filters.session_id)
    if filters.meeting_id:
        query = query.where(Petition.meeting_id == filters.meeting_id)
    if filters.unit_code:
        query = query.where(Petition.unit_code == filters.unit_code)
    if filters.created_from:
        query = query.where(Petition.created_at >= filters.created_from)
    if filters.created_to:
        query = query.where(Petition.created_at < filters.created_to)
    return query


async def page(session: AsyncSession, filters: PetitionFilters, limit: int,
               after: tuple[datetime, uuid.UUID] | None) -> list[Petition]:
    """Newest first, keyset-paginated on (created_at, id)."""
    query = pagination.after(filtered(filters), Petition.created_at, Petition.id, after, limit)
    return list(await session.scalars(query))




async def add_link(session: AsyncSession, link: PetitionLink) -> None:
    session.add(link)
    await session.flush()


async def active_link(session: AsyncSession, petition_id: uuid.UUID) -> PetitionLink | None:
    query = (select(PetitionLink).where(PetitionLink.petition_id == petition_id, PetitionLink.undone_at.is_(None))
             .order_by(PetitionLink.linked_at.desc()).limit(1))
    return (await session.scalars(query)).first()


async def links_of(session: AsyncSession, petition_id: uuid.UUID) -> list[PetitionLink]:
    query = select(PetitionLink).where(PetitionLink.petition_id == petition_id).order_by(PetitionLink.linked_at)
    return list(await session.scalars(query))


async def repeats_of(session: AsyncSession, petition_ids: list[uuid.UUID]) -> list[Petition]:
    return list(await session.scalars(select(Petition).where(Petition.repeat_of.in_(petition_ids))))


async def in_matter(session: AsyncSession, matter_id: uuid.UUID) -> list[Petition]:
    return list(await session.scalars(select(Petition).where(Petition.matter_id == matter_id)))


async def set_outcome(session: AsyncSession, petition_id: uuid.UUID, *, status: str, agency_code: str | None,
                      at: datetime, version: int | None) -> int:
    """Record monitoring's status report, unless a newer one is already stored."""
    values: dict = {"status_changed_at": at, "latest_status": status, "agency_code": agency_code}
    if version is None:  # an event from before versions: only its clock can order it
        newer = or_(Petition.status_changed_at.is_(None), Petition.status_changed_at <= at)
    else:
        values["status_version"] = version
        newer = Petition.status_version < version
    result = await session.execute(update(Petition).where(Petition.id == petition_id, newer).values(**values))
    return result.rowcount
