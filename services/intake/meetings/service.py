import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.changes import service as changes
from services.intake.meetings import repository as meeting_repository
from services.intake.meetings.models import Meeting
from services.intake.meetings.schemas import MeetingCorrection, MeetingCreate
from services.intake.sessions import service as session_service
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import invalid

ENTITY = "meeting"


def _what(meeting: Meeting) -> str:
    return f"Buổi tiếp xúc ngày {meeting.held_on:%d/%m/%Y}"


async def correct_meeting(db: AsyncSession, meeting: Meeting, payload: MeetingCorrection, user: Principal,
                          catalog: Catalog) -> Meeting:
    if payload.unit_code is not None and payload.unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {payload.unit_code} không có trong danh mục")
    if payload.delegates == [] and (payload.kind or meeting.kind) == "voter_meeting":
        raise invalid("delegates", "Buổi tiếp xúc cử tri cần ít nhất một đại biểu")
    await changes.correct_record(db, ENTITY, meeting, _what(meeting), payload, user)
    return meeting


async def withdraw_meeting(db: AsyncSession, meeting: Meeting, reason: str, user: Principal) -> Meeting:
    standing = await meeting_repository.standing_petitions(db, meeting.id)
    await changes.withdraw_record(db, ENTITY, meeting, _what(meeting), reason, user, standing, "kiến nghị")
    return meeting


async def create_meeting(db: AsyncSession, payload: MeetingCreate, user: Principal, catalog: Catalog) -> Meeting:
    if not await session_service.open_for_meetings(db, payload.session_id):
        raise invalid("session_id", f"Kỳ họp {payload.session_id} không tồn tại hoặc đã bị rút")
    if payload.unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {payload.unit_code} không có trong danh mục")
    if payload.kind == "voter_meeting" and not payload.delegates:
        raise invalid("delegates", "Buổi tiếp xúc cử tri cần ít nhất một đại biểu")
    meeting = Meeting(**payload.model_dump(), created_by=user.sub)
    await meeting_repository.add(db, meeting)
    return meeting


async def get_meeting(db: AsyncSession, meeting_id: uuid.UUID) -> Meeting | None:
    return await meeting_repository.get(db, meeting_id)


async def get_meetings(db: AsyncSession, meeting_ids: set[uuid.UUID]) -> dict[uuid.UUID, Meeting]:
    return await meeting_repository.get_many(db, meeting_ids)


async def list_meetings(db: AsyncSession, session_id: uuid.UUID | None) -> list[Meeting]:
    return await meeting_repository.list_for(db, session_id)
