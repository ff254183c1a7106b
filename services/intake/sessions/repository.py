import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings.models import Meeting
from services.intake.sessions.models import CouncilSession


async def add(session: AsyncSession, council_session: CouncilSession) -> None:
    session.add(council_session)
    await session.flush()


async def get(session: AsyncSession, session_id: uuid.UUID) -> CouncilSession | None:
    return await session.get(CouncilSession, session_id)


async def list_all(session: AsyncSession) -> list[CouncilSession]:
    result = await session.scalars(select(CouncilSession).order_by(CouncilSession.starts_on.desc()))
    return list(result)


async def standing_meetings(session: AsyncSession, session_id: uuid.UUID) -> int:
    """Meetings of the session that were not withdrawn."""
    query = select(func.count()).select_from(Meeting).where(Meeting.session_id == session_id,
                                                            Meeting.withdrawn_at.is_(None))
    return (await session.execute(query)).scalar_one()
