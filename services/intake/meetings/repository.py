import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings.models import Meeting
from services.intake.petitions.models import Petition


async def add(session: AsyncSession, meeting: Meeting) -> None:
    session.add(meeting)
    await session.flush()


async def get(session: AsyncSession, meeting_id: uuid.UUID) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def get_many(session: AsyncSession, meeting_ids: set[uuid.UUID]) -> dict[uuid.UUID, Meeting]:
    if not meeting_ids:
        return {}
    result = await session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
    return {meeting.id: meeting for meeting in result}


async def list_for(session: AsyncSession, session_id: uuid.UUID | None) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.created_at.desc())
    if session_id is not None:
        query = query.where(Meeting.session_id == session_id)
    return list(await session.scalars(query))


async def standing_petitions(session: AsyncSession, meeting_id: uuid.UUID) -> int:
    """Petitions of the meeting that were not withdrawn."""
    query = select(func.count()).select_from(Petition).where(Petition.meeting_id == meeting_id,
                                                             Petition.withdrawn_at.is_(None))
    return (await session.execute(query)).scalar_one()
