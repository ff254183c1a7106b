from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.sessions import repository as session_repository
from services.intake.sessions.models import CouncilSession
from services.intake.sessions.schemas import SessionCreate
from shared.auth import Principal


async def create_session(db: AsyncSession, payload: SessionCreate, user: Principal) -> CouncilSession:
    council_session = CouncilSession(**payload.model_dump(), created_by=user.sub)
    await session_repository.add(db, council_session)
    return council_session


async def list_sessions(db: AsyncSession) -> list[CouncilSession]:
    return await session_repository.list_all(db)


async def exists(db: AsyncSession, session_id) -> bool:
    return await session_repository.get(db, session_id) is not None
