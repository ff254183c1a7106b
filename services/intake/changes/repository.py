import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.changes.models import ChangeRecord


async def add(session: AsyncSession, record: ChangeRecord) -> None:
    session.add(record)
    await session.flush()


async def of(session: AsyncSession, entity: str, entity_id: uuid.UUID) -> list[ChangeRecord]:
    query = (select(ChangeRecord).where(ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id)
             .order_by(ChangeRecord.id))
    return list(await session.scalars(query))
