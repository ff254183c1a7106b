from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.changes import service as changes
from services.intake.sessions import repository as session_repository
from services.intake.sessions.models import CouncilSession
from services.intake.sessions.schemas import SessionCorrection, SessionCreate
from shared.auth import Principal


async def create_session(db: AsyncSession, payload: SessionCreate, user: Principal) -> CouncilSession:
    council_session = CouncilSession(**payload.model_dump(), created_by=user.sub)
    await session_repository.add(db, council_session)
    return council_session


async def list_sessions(db: AsyncSession) -> list[CouncilSession]:
    return await session_repository.list_all(db)


async def exists(db: AsyncSession, session_id) -> bool:
    return await session_repository.get(db, session_id) is not None


async def open_for_meetings(db: AsyncSession, session_id) -> bool:
    council_session = await session_repository.get(db, session_id)
    return council_session is not None and not council_session.withdrawn


ENTITY = "session"


def _what(council_session: CouncilSession) -> str:
    return f"Kỳ họp «{council_session.name}»"


async def get_session(db: AsyncSession, session_id) -> CouncilSession | None:
    return await session_repository.get(db, session_id)


async def correct_session(db: AsyncSession, council_session: CouncilSession, payload: SessionCorrection,
                          user: Principal) -> CouncilSession:
    await changes.correct_record(db, ENTITY, council_session, _what(council_session), payload, user)
    return council_session


async def withdraw_session(db: AsyncSession, council_session: CouncilSession, reason: str,
                           user: Principal) -> CouncilSession:
    standing = await session_repository.standing_meetings(db, council_session.id)
    await changes.withdraw_record(db, ENTITY, council_session, _what(council_session), reason, user, standing,
                                  "buổi tiếp xúc")
    return council_session
