"""Petition use cases: read, list, link repeats (new ones: recording; search: search_service; repeats: repeats_service)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions import repository as petition_repository
from services.intake.petitions.models import Petition, Petitioner, PetitionLink
from services.intake.petitions.repository import PetitionFilters
from shared.auth import Principal
from shared.errors import conflict, invalid
from shared.events import PetitionLinked, PetitionUnlinked
from shared.pagination import decode_cursor, page_of
from shared.unit_of_work import UnitOfWork


async def get_petition(db: AsyncSession, petition_id: uuid.UUID) -> Petition | None:
    return await petition_repository.get(db, petition_id)


async def petitioners_of(db: AsyncSession, petition_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Petitioner]]:
    return await petition_repository.petitioners_of(db, petition_ids)


async def list_petitions(db: AsyncSession, filters: PetitionFilters, limit: int,
                         cursor: str | None) -> tuple[list[Petition], str | None]:
    rows = await petition_repository.page(db, filters, limit, decode_cursor(cursor))
    return page_of(rows, limit, lambda petition: (petition.created_at, petition.id))


async def link_petition(uow: UnitOfWork, petition: Petition, earlier_id: uuid.UUID, user: Principal,
                        request_id: str | None = None) -> Petition:
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
        petition_id=petition.id, earlier_id=earlier.id, matter_id=matter_id, linked_by=user.sub,
        request_id=request_id))
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
