"""Repeat use cases: likely repeats of an entered petition or of a draft being typed; undoing a link."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.meetings import service as meeting_service
from services.intake.petitions import repeats
from services.intake.petitions import repository as petition_repository
from services.intake.petitions import service as petition_service
from services.intake.petitions.models import Petition
from services.intake.petitions.schemas import DraftIn, SimilarPetition
from shared.auth import Principal
from shared.catalog import Catalog
from shared.errors import conflict, invalid
from shared.events import PetitionLinked, PetitionUnlinked
from shared.persistence import utcnow
from shared.unit_of_work import UnitOfWork


def _out(found: repeats.Repeat) -> SimilarPetition:
    petition = found.petition
    return SimilarPetition(
        id=petition.id, code=petition.code, content=petition.content, unit_code=petition.unit_code,
        created_at=petition.created_at, score=round(found.score, 3), place=found.place, topic=petition.topic,
        latest_status=petition.latest_status, agency_code=petition.agency_code, matter_id=petition.matter_id)


async def similar_to_petition(db: AsyncSession, petition: Petition, catalog: Catalog,
                              rarity: repeats.WordRarity) -> list[SimilarPetition]:
    draft = repeats.Draft(petition.content, petition.unit_code, petition.topic,
                          before=petition.created_at, exclude=petition.id)
    return [_out(found) for found in await repeats.find_repeats(db, draft, catalog, rarity)]


async def similar_to_draft(db: AsyncSession, payload: DraftIn, catalog: Catalog,
                           rarity: repeats.WordRarity) -> list[SimilarPetition]:
    unit_code = payload.unit_code
    if unit_code is None and payload.meeting_id is not None:
        meeting = await meeting_service.get_meeting(db, payload.meeting_id)
        if meeting is None:
            raise invalid("meeting_id", f"Buổi tiếp xúc {payload.meeting_id} không tồn tại")
        unit_code = meeting.unit_code
    if unit_code is None:
        raise invalid("unit_code", "Cần mã đơn vị hành chính hoặc buổi tiếp xúc để so sánh nơi kiến nghị")
    if unit_code not in catalog.units:
        raise invalid("unit_code", f"Mã đơn vị hành chính {unit_code} không có trong danh mục")
    draft = repeats.Draft(payload.content, unit_code, payload.topic)
    return [_out(found) for found in await repeats.find_repeats(db, draft, catalog, rarity)]


async def unlink_petition(uow: UnitOfWork, petition: Petition, user: Principal,
                          request_id: str | None = None) -> Petition:
    """Undo the petition's repeat link; the link row stays, marked undone. Its own repeats stay with it."""
    link = await petition_repository.active_link(uow.session, petition.id)
    if petition.repeat_of is None or link is None:
        raise conflict("Kiến nghị này không được liên kết là lặp lại của kiến nghị nào")
    link.undone_at, link.undone_by, link.undone_request_id = utcnow(), user.sub, request_id
    earlier_id, petition.repeat_of, petition.matter_id = petition.repeat_of, None, None
    petition_service.emit_link_change(uow, petition, PetitionUnlinked(earlier_id=earlier_id, by=user.sub))
    await _regroup_under(uow, petition, user)
    return petition


async def _regroup_under(uow: UnitOfWork, root: Petition, user: Principal) -> None:
    """Petitions linked (directly or not) to `root` form its matter again."""
    frontier: list[uuid.UUID] = [root.id]
    while frontier:
        children = await petition_repository.repeats_of(uow.session, frontier)
        for child in children:
            child.matter_id = root.id
            petition_service.emit_link_change(
                uow, child, PetitionLinked(earlier_id=child.repeat_of, matter_id=root.id, by=user.sub))
        frontier = [child.id for child in children]
