"""Petition use cases: record, list, link repeats (search: search_service; repeats: repeats_service)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings import service as meeting_service
from services.intake.meetings.models import Meeting
from services.intake.petitions import repository as petition_repository
from services.intake.petitions.codes import code_year, format_code
from services.intake.petitions.models import Petition, Petitioner, PetitionLink
from services.intake.petitions.repository import PetitionFilters
from services.intake.petitions.schemas import PetitionCreate
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import conflict, invalid
from shared.events import PetitionLinked, PetitionReceived, PetitionUnlinked
from shared.pagination import decode_cursor, page_of
from shared.persistence import utcnow
from shared.text import fold
from shared.unit_of_work import UnitOfWork

async def resolve_meeting(db: AsyncSession, payload: PetitionCreate, catalog: Catalog) -> tuple[Meeting, str]:
    """The petition's meeting and unit, or a 422 naming the field at fault."""
    meeting = await meeting_service.get_meeting(db, payload.meeting_id)
    if meeting is None:
        raise invalid("meeting_id", f"Buổi tiếp xúc {payload.meeting_id} không tồn tại")
    if meeting.withdrawn:
        raise invalid("meeting_id", f"Buổi tiếp xúc ngày {meeting.held_on:%d/%m/%Y} đã bị rút: không nhận thêm kiến nghị")
    unit_code = payload.unit_code or meeting.unit_code
    if unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {unit_code} không có trong danh mục")
    return meeting, unit_code


async def record_petition(uow: UnitOfWork, payload: PetitionCreate, meeting: Meeting, unit_code: str,
                          user: Principal, code_timezone: str) -> tuple[Petition, list[Petitioner]]:
    now = utcnow()
    year = code_year(now, code_timezone)
    number = await petition_repository.take_next_number(uow.session, year)
    petition = Petition(
        id=uuid.uuid4(), code=format_code(year, number), meeting_id=meeting.id, session_id=meeting.session_id,
        unit_code=unit_code, content=payload.content, content_folded=fold(payload.content), topic=payload.topic,
        voters_count=payload.voters_count, created_at=now, created_by=user.sub,
    )
    petitioners = [Petitioner(petition_id=petition.id, **p.model_dump()) for p in payload.petitioners]
    await petition_repository.add(uow.session, petition, petitioners)
    uow.emit(petition.id, PetitionReceived(
        code=petition.code, session_id=meeting.session_id, meeting_id=meeting.id, meeting_kind=meeting.kind,
        meeting_unit_code=meeting.unit_code, unit_code=unit_code, content=petition.content, topic=petition.topic,
        voters_count=petition.voters_count, held_on=meeting.held_on, created_at=now,
    ))
    return petition, petitioners


async def create_petition(uow: UnitOfWork, payload: PetitionCreate, user: Principal, catalog: Catalog,
                          code_timezone: str) -> tuple[Petition, list[Petitioner]]:
    meeting, unit_code = await resolve_meeting(uow.session, payload, catalog)
    return await record_petition(uow, payload, meeting, unit_code, user, code_timezone)


async def get_petition(db: AsyncSession, petition_id: uuid.UUID) -> Petition | None:
    return await petition_repository.get(db, petition_id)


async def petitioners_of(db: AsyncSession, petition_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Petitioner]]:
    return await petition_repository.petitioners_of(db, petition_ids)


async def list_petitions(db: AsyncSession, filters: PetitionFilters, limit: int,
                         cursor: str | None) -> tuple[list[Petition], str | None]:
    rows = await petition_repository.page(db, filters, limit, decode_cursor(cursor))
    return page_of(rows, limit, lambda petition: (petition.created_at, petition.id))


async def link_petition(uow: UnitOfWork, petition: Petition, earlier_id: uuid.UUID, user: Principal) -> Petition:
    earlier = await petition_repository.get(uow.session, earlier_id)
    if earlier is None:
        raise invalid("earlier_id", f"Kiến nghị {earlier_id} không tồn tại")
    if earlier.id == petition.id or earlier.created_at > petition.created_at:
        raise invalid("earlier_id", "Chỉ liên kết được với một kiến nghị ghi nhận trước kiến nghị này")
    matter_id = earlier.matter_id or earlier.id
    if matter_id == petition.id:
        raise conflict("Liên kết này tạo vòng lặp: kiến nghị trước đã được liên kết với kiến nghị này")
    petition.repeat_of, petition.matter_id = earlier.id, matter_id
    await petition_repository.add_link(uow.session, PetitionLink(
        petition_id=petition.id, earlier_id=earlier.id, matter_id=matter_id, linked_by=user.sub))
    emit_link_change(uow, petition, PetitionLinked(earlier_id=earlier.id, matter_id=matter_id, by=user.sub))
    # Repeats already linked to this petition now belong to the older matter too.
    for repeat in await petition_repository.in_matter(uow.session, petition.id):
        repeat.matter_id = matter_id
        emit_link_change(uow, repeat, PetitionLinked(earlier_id=repeat.repeat_of, matter_id=matter_id, by=user.sub))
    return petition


def emit_link_change(uow: UnitOfWork, petition: Petition, data: PetitionLinked | PetitionUnlinked) -> None:
    # The link version orders a petition's links and unlinks: monitoring keeps the newest even if it
    # arrives first.
    petition.link_version = (petition.link_version or 0) + 1
    uow.emit(petition.id, data, sequence=petition.link_version)


async def links_of(db: AsyncSession, petition_id: uuid.UUID) -> list[PetitionLink]:
    return await petition_repository.links_of(db, petition_id)
