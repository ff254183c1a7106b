import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.sessions.models import CouncilSession


async def add(session: AsyncSession, council_session: CouncilSession) -> None:
    session.add(council_session)
    await session.flush()


async def get(session: AsyncSession, session_id: uuid.UUID) -> CouncilSession | None:
    return await session.get(CouncilSession, session_id)


async def list_all(session: AsyncSession) -> list[CouncilSession]:
    result = await session.scalars(select(CouncilSession).order_by(CouncilSession.starts_on.desc()))
    return list(result)
