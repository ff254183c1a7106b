import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings import repository as meeting_repository
from services.intake.meetings.models import Meeting
from services.intake.meetings.schemas import MeetingCreate
from services.intake.sessions import service as session_service
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import invalid


async def create_meeting(db: AsyncSession, payload: MeetingCreate, user: Principal, catalog: Catalog) -> Meeting:
    if not await session_service.exists(db, payload.session_id):
        raise invalid("session_id", f"Kỳ họp {payload.session_id} không tồn tại")
    if payload.unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {payload.unit_code} không có trong danh mục")
    if payload.kind == "voter_meeting" and not payload.delegates:
        raise invalid("delegates", "Buổi tiếp xúc cử tri cần ít nhất một đại biểu")
    meeting = Meeting(**payload.model_dump(), created_by=user.sub)
    await meeting_repository.add(db, meeting)
    return meeting


async def get_meeting(db: AsyncSession, meeting_id: uuid.UUID) -> Meeting | None:
    return await meeting_repository.get(db, meeting_id)


async def list_meetings(db: AsyncSession, session_id: uuid.UUID | None) -> list[Meeting]:
    return await meeting_repository.list_for(db, session_id)
