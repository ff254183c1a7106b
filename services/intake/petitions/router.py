import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from services.intake.base import IdempotencyRecord
from services.intake.dependencies import CatalogDep, RarityDep, SettingsDep
from services.intake.petitions import imports
from services.intake.petitions import repeats_service, search, search_service
from services.intake.petitions import service as petition_service
from services.intake.petitions.models import Petition, Petitioner
from services.intake.petitions.importer import read_rows
from services.intake.petitions.repository import PetitionFilters
from services.intake.petitions.schemas import (
    DraftIn, DraftSimilarList, LinkOut, LinkRequest, PetitionCreate, PetitionerOut, PetitionOut, PetitionPage,
    SimilarList,
)
from services.intake.roles import PERSONAL_DATA_READERS, READERS, WRITERS
from shared.auth import Principal, require_roles
from shared.errors import not_found
from shared.idempotency import IdempotencyDep, UploadKeyDep, of_upload, remember, replay_or_claim
from shared.limits import body_too_large
from shared.pagination import Instant
from shared.service_app import UowDep

router = APIRouter(tags=["kiến nghị"])
Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


def _out(petition: Petition, petitioners: list[Petitioner] | None, user: Principal) -> PetitionOut:
    out = PetitionOut.model_validate(petition)
    if user.role in PERSONAL_DATA_READERS and petitioners is not None:
        out.petitioners = [PetitionerOut.model_validate(p) for p in petitioners]
    return out


@router.post("/petitions", status_code=201, response_model=PetitionOut, response_model_exclude_none=False)
async def create_petition(payload: PetitionCreate, uow: UowDep, user: Writer, idempotency: IdempotencyDep,
                          settings: SettingsDep, catalog: CatalogDep):
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    petition, petitioners = await petition_service.create_petition(uow, payload, user, await catalog(),
                                                                   settings.code_timezone)
    answer = _out(petition, petitioners, user)
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, answer)
    await uow.commit()
    return answer


@router.post("/petitions:import", status_code=201)
async def import_petitions(request: Request, uow: UowDep, user: Writer, idempotency_key: UploadKeyDep,
                           settings: SettingsDep, catalog: CatalogDep,
                           file: Annotated[UploadFile, File(description="Tệp CSV (UTF-8) hoặc XLSX")],
                           mode: imports.ImportMode = "all_or_nothing",
                           meeting_id: uuid.UUID | None = Query(None, description="Buổi tiếp xúc mặc định")) -> dict:
    data = await file.read(settings.import_max_bytes + 1)
    if len(data) > settings.import_max_bytes:
        raise body_too_large(request.url.path, settings.import_max_bytes)
    # Parsing a spreadsheet is CPU work: in a worker thread, the other requests go on meanwhile; and
    # before the key is claimed, which opens the transaction (SQLite's write lock) only once it is needed.
    rows = await asyncio.to_thread(read_rows, file.filename or "", data, settings.import_max_rows)
    idempotency = of_upload(idempotency_key, request, data)
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    report = await imports.import_rows(uow, rows, meeting_id, mode, user, await catalog(), settings.code_timezone)
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, report)
    await uow.commit()
    return report


@router.get("/petitions", response_model=PetitionPage)
async def list_petitions(
    uow: UowDep, user: Reader,
    session_id: uuid.UUID | None = None, meeting_id: uuid.UUID | None = None, unit_code: str | None = None,
    q: str | None = Query(None, max_length=200, description="Mọi từ phải có (không dấu: bỏ qua dấu; có dấu: đúng dấu)"),
    created_from: Instant | None = None, created_to: Instant | None = None,
    limit: int = Query(50, ge=1, le=200), cursor: str | None = None,
):
    filters = PetitionFilters(session_id, meeting_id, unit_code, created_from, created_to)
    terms = search.parse(q or "")
    if terms:
        found, next_cursor = await search_service.search_petitions(uow.session, filters, terms, limit, cursor)
    else:
        petitions, next_cursor = await petition_service.list_petitions(uow.session, filters, limit, cursor)
        found = [(petition, None) for petition in petitions]
    petitioners = await petition_service.petitioners_of(uow.session, [p.id for p, _ in found]) \
        if user.role in PERSONAL_DATA_READERS else {}
    items = [_out(p, petitioners.get(p.id), user).model_copy(update={"matched": matched}) for p, matched in found]
    return PetitionPage(items=items, next_cursor=next_cursor)


async def _existing(uow, petition_id: uuid.UUID) -> Petition:
    petition = await petition_service.get_petition(uow.session, petition_id)
    if petition is None:
        raise not_found("Kiến nghị", petition_id)
    return petition


@router.post("/petitions:similar", response_model=DraftSimilarList)
async def similar_to_draft(payload: DraftIn, uow: UowDep, _user: Reader, catalog: CatalogDep, rarity: RarityDep):
    """Likely repeats of a petition being typed, among every petition recorded so far (nothing is written)."""
    return DraftSimilarList(items=await repeats_service.similar_to_draft(uow.session, payload, await catalog(), rarity))


@router.get("/petitions/{petition_id}", response_model=PetitionOut)
async def get_petition(petition_id: uuid.UUID, uow: UowDep, user: Reader):
    petition = await _existing(uow, petition_id)
    petitioners = await petition_service.petitioners_of(uow.session, [petition.id])
    return _out(petition, petitioners[petition.id], user)


@router.get("/petitions/{petition_id}/similar", response_model=SimilarList)
async def similar_petitions(petition_id: uuid.UUID, uow: UowDep, _user: Reader, catalog: CatalogDep,
                            rarity: RarityDep):
    petition = await _existing(uow, petition_id)
    items = await repeats_service.similar_to_petition(uow.session, petition, await catalog(), rarity)
    return SimilarList(petition_id=petition.id, items=items)


@router.post("/petitions/{petition_id}/link", response_model=PetitionOut)
async def link_petition(petition_id: uuid.UUID, payload: LinkRequest, uow: UowDep, user: Writer):
    petition = await _existing(uow, petition_id)
    await petition_service.link_petition(uow, petition, payload.earlier_id, user)
    await uow.commit()
    return _out(petition, None, user)


@router.delete("/petitions/{petition_id}/link", response_model=PetitionOut)
async def unlink_petition(petition_id: uuid.UUID, uow: UowDep, user: Writer):
    """Undo a repeat link (the link stays in the petition's history, marked undone)."""
    petition = await _existing(uow, petition_id)
    await repeats_service.unlink_petition(uow, petition, user)
    await uow.commit()
    return _out(petition, None, user)


@router.get("/petitions/{petition_id}/links", response_model=list[LinkOut])
async def petition_links(petition_id: uuid.UUID, uow: UowDep, _user: Reader):
    await _existing(uow, petition_id)
    return await petition_service.links_of(uow.session, petition_id)
