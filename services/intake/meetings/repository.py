import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings.models import Meeting


async def add(session: AsyncSession, meeting: Meeting) -> None:
    session.add(meeting)
    await session.flush()


async def get(session: AsyncSession, meeting_id: uuid.UUID) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def list_for(session: AsyncSession, session_id: uuid.UUID | None) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.created_at.desc())
    if session_id is not None:
        query = query.where(Meeting.session_id == session_id)
    return list(await session.scalars(query))
