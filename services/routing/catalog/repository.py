from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.catalog.models import AdministrativeUnit, Agency, CatalogRevision
from shared.persistence import upsert

REVISION_ROW = 1


async def list_units(db: AsyncSession, level: str | None = None, parent: str | None = None) -> list[AdministrativeUnit]:
    query = select(AdministrativeUnit).order_by(AdministrativeUnit.code)
    if level:
        query = query.where(AdministrativeUnit.level == level)
    if parent:
        query = query.where(AdministrativeUnit.parent_code == parent)
    return list(await db.scalars(query))


async def get_unit(db: AsyncSession, code: str) -> AdministrativeUnit | None:
    return await db.get(AdministrativeUnit, code)


async def list_agencies(db: AsyncSession, level: str | None = None, unit: str | None = None) -> list[Agency]:
    query = select(Agency).order_by(Agency.code)
    if level:
        query = query.where(Agency.level == level)
    if unit:
        query = query.where(Agency.unit_code == unit)
    return list(await db.scalars(query))


async def get_agency(db: AsyncSession, code: str) -> Agency | None:
    return await db.get(Agency, code)


async def add(db: AsyncSession, row: AdministrativeUnit | Agency) -> None:
    db.add(row)
    await db.flush()


async def insert_missing(db: AsyncSession, model, rows: list[dict]) -> int:
    """Insert rows whose key is absent; existing rows (perhaps edited by an admin) are left alone."""
    if not rows:
        return 0
    result = await db.execute(upsert(db, model, rows))
    return max(result.rowcount or 0, 0)


def revision_query():
    """Bumped by every catalog change, so each process knows to rebuild its classifier. A scalar query: a
    caller reads it with something else in one round trip."""
    return select(CatalogRevision.revision).where(CatalogRevision.id == REVISION_ROW).scalar_subquery()


async def get_revision(db: AsyncSession) -> int:
    return await db.scalar(select(revision_query())) or 0


async def bump_revision(db: AsyncSession) -> int:
    row = await db.get(CatalogRevision, REVISION_ROW, with_for_update=True)
    if row is None:
        row = CatalogRevision(id=REVISION_ROW, revision=0)
        db.add(row)
    row.revision += 1
    await db.flush()
    return row.revision
