import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import (
    APIRouter,
    Depends,
    File,
    Header,
    Query,
    Request,
    Response,
    UploadFile,
)
from fastapi.responses import JSONResponse

from services.intake.base import IdempotencyRecord
from services.intake.changes import service as change_service
from services.intake.changes.schemas import ChangeOut, WithdrawalIn
from services.intake.dependencies import (
    CatalogDep,
    CatalogReader,
    ImportJobsDep,
    PetitionWriterDep,
    RarityDep,
)
from services.intake.petitions import (
    corrections,
    imports,
    repeats_service,
    search,
    search_service,
)
from services.intake.petitions import service as petition_service
from services.intake.petitions.import_jobs import ImportJobOut
from services.intake.petitions.import_template import (
    template_xlsx as import_template_xlsx,
)
from services.intake.petitions.importer import read_rows
from services.intake.petitions.models import Petition, Petitioner
from services.intake.petitions.repository import PetitionFilters
from services.intake.petitions.schemas import (
    DraftIn,
    DraftSimilarList,
    LinkOut,
    LinkRequest,
    PetitionCorrection,
    PetitionCreate,
    PetitionerOut,
    PetitionOut,
    PetitionPage,
    SimilarList,
)
from services.intake.roles import PERSONAL_DATA_READERS, READERS, WRITERS
from shared.auth import Principal, require_roles
from shared.errors import not_found
from shared.idempotency import (
    IdempotencyDep,
    UploadKeyDep,
    of_upload,
    remember,
    replay_or_claim,
)
from shared.limits import body_too_large
from shared.observability import RequestId
from shared.pagination import Instant
from shared.service_app import RuntimeDep, ServiceRuntime, UowDep

router = APIRouter(tags=["kiến nghị"])
Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


def _out(petition: Petition, petitioners: list[Petitioner] | None, user: Principal) -> PetitionOut:
    out = PetitionOut.model_validate(petition)
    if user.role in PERSONAL_DATA_READERS and petitioners is not None:
        out.petitioners = [PetitionerOut.model_validate(p) for p in petitioners]
    return out


@router.post("/petitions", status_code=201, response_model=PetitionOut, response_model_exclude_none=False)
async def create_petition(payload: PetitionCreate, user: Writer, idempotency: IdempotencyDep,
                          writer: PetitionWriterDep):
    return await writer.record(payload, user, idempotency)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/petitions:import-template", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "Tệp mẫu XLSX"}})
async def import_template(_user: Writer) -> Response:
    """An XLSX to fill in: Vietnamese headers, a title block and an example row."""
    return Response(import_template_xlsx(), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-nhap-kien-nghi.xlsx"'})


@router.post("/petitions:import", status_code=201, responses={
    202: {"model": ImportJobOut,
          "description": "Prefer: respond-async — lượt nhập chạy nền; theo dõi ở Location (/import-jobs/{id})"}})
async def import_petitions(request: Request, user: Writer, idempotency_key: UploadKeyDep,
                           file: Annotated[UploadFile, File(description="Tệp CSV (UTF-8) hoặc XLSX")],
                           mode: imports.ImportMode = "all_or_nothing",
                           on_duplicates: imports.OnDuplicates | None = Query(
                               None, description="Dòng đã nhập trước đó: skip (bỏ qua) hoặc import (vẫn nhập)"),
                           meeting_id: uuid.UUID | None = Query(None, description="Buổi tiếp xúc mặc định"),
                           prefer: str | None = Header(None, description="respond-async: chạy nền, trả 202"),
                           *, runtime: RuntimeDep, jobs: ImportJobsDep):
    """Nhập kiến nghị từ tệp CSV/XLSX. 409 khi có dòng đã nhập trước đó (cùng tệp, hoặc cùng nội dung tại
    cùng buổi tiếp xúc): chưa ghi gì; gửi lại với on_duplicates=skip (bỏ qua) hoặc import (vẫn nhập)."""
    settings = runtime.settings
    data = await file.read(settings.import_max_bytes + 1)
    if len(data) > settings.import_max_bytes:
        raise body_too_large(request.url.path, settings.import_max_bytes)
    idempotency = of_upload(idempotency_key, request, data)
    options = ImportOptions(file.filename or "", data, mode, on_duplicates, meeting_id)

    async def work(progress: imports.Progress) -> tuple[int, dict]:
        return await _run_import(runtime, options, idempotency, user, progress)

    if prefer and "respond-async" in prefer.lower():
        job = jobs.start(user.sub, work)
        return JSONResponse(job.view(), status_code=202, headers={"Location": f"/import-jobs/{job.id}"})
    status_code, body = await work(imports.Progress())
    return JSONResponse(body, status_code=status_code)


@dataclass(frozen=True)
class ImportOptions:
    filename: str
    data: bytes
    mode: imports.ImportMode
    on_duplicates: imports.OnDuplicates | None
    meeting_id: uuid.UUID | None


async def _run_import(runtime: ServiceRuntime, options: ImportOptions, idempotency, user: Principal,
                      progress: imports.Progress) -> tuple[int, dict]:
    """One import, in its own unit of work (a job outlives its request). Raises ProblemError when refused."""
    settings = runtime.settings

    def counted(lines: int) -> None:
        progress.rows_read = lines

    # Parsing a spreadsheet is CPU work: in a worker thread, the other requests go on meanwhile; and
    # before the key is claimed, which opens the transaction (SQLite's write lock) only once it is needed.
    upload = imports.ImportFile(options.filename, hashlib.sha256(options.data).hexdigest(), await asyncio.to_thread(
        read_rows, options.filename, options.data, settings.import_max_rows, counted))
    progress.rows_total = upload.total
    async with runtime.uow() as uow:
        if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
            return first.status_code, json.loads(first.body)
        catalog = await CatalogReader(runtime.context.catalog, uow)()
        report = await imports.import_rows(uow, upload, options.meeting_id, options.mode, options.on_duplicates, user,
                                           catalog, settings.code_timezone, progress)
        await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, report)
        await uow.commit()
    return 201, report


@router.get("/import-jobs/{job_id}", response_model=ImportJobOut)
async def import_job(job_id: uuid.UUID, jobs: ImportJobsDep, user: Writer):
    """An import started with `Prefer: respond-async`: its phase, rows read, and at the end its answer."""
    return jobs.get(job_id, user.sub).view()


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
async def link_petition(petition_id: uuid.UUID, payload: LinkRequest, uow: UowDep, user: Writer,
                        request_id: RequestId):
    petition = await _existing(uow, petition_id)
    await petition_service.link_petition(uow, petition, payload.earlier_id, user, request_id)
    await uow.commit()
    return _out(petition, None, user)


@router.delete("/petitions/{petition_id}/link", response_model=PetitionOut)
async def unlink_petition(petition_id: uuid.UUID, uow: UowDep, user: Writer, request_id: RequestId):
    """Undo a repeat link (the link stays in the petition's history, marked undone)."""
    petition = await _existing(uow, petition_id)
    await repeats_service.unlink_petition(uow, petition, user, request_id)
    await uow.commit()
    return _out(petition, None, user)


@router.patch("/petitions/{petition_id}", response_model=PetitionOut)
async def correct_petition(petition_id: uuid.UUID, payload: PetitionCorrection, uow: UowDep, catalog: CatalogDep,
                           user: Writer):
    """Correct content, unit, meeting, topic, voters or petitioners; the history keeps who, why and what was."""
    petition = await _existing(uow, petition_id)
    petitioners = await corrections.correct(uow, petition, payload, user, await catalog())
    await uow.commit()
    if petitioners is None:
        petitioners = (await petition_service.petitioners_of(uow.session, [petition.id]))[petition.id]
    return _out(petition, petitioners, user)


@router.post("/petitions/{petition_id}/withdrawal", response_model=PetitionOut)
async def withdraw_petition(petition_id: uuid.UUID, payload: WithdrawalIn, uow: UowDep, user: Writer):
    """Withdraw a petition (rút kiến nghị): kept on record, no longer routed or followed up."""
    petition = await _existing(uow, petition_id)
    await corrections.withdraw(uow, petition, payload.reason, user)
    await uow.commit()
    return _out(petition, None, user)


@router.get("/petitions/{petition_id}/changes", response_model=list[ChangeOut])
async def petition_changes(petition_id: uuid.UUID, uow: UowDep, user: Reader):
    """Corrections and withdrawal of a petition, oldest first (petitioners' data only for the secretariat)."""
    await _existing(uow, petition_id)
    records = await change_service.history(uow.session, corrections.ENTITY, petition_id)
    return [change_service.visible(record, user.role in PERSONAL_DATA_READERS) for record in records]


@router.get("/petitions/{petition_id}/links", response_model=list[LinkOut])
async def petition_links(petition_id: uuid.UUID, uow: UowDep, _user: Reader):
    await _existing(uow, petition_id)
    return await petition_service.links_of(uow.session, petition_id)
