import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.monitoring.base import IdempotencyRecord
from services.monitoring.requests import RequestId, SettingsDep
from services.monitoring.roles import PETITION_READERS, STATUS_WRITERS
from services.monitoring.tracking import service as petition_service
from services.monitoring.tracking.repository import PetitionFilter
from services.monitoring.tracking.schemas import (
    Level,
    PetitionPage,
    PetitionStatusOut,
    Status,
    StatusUpdate,
)
from shared.auth import Principal, require_roles
from shared.idempotency import IdempotencyDep, remember, replay_or_claim
from shared.service_app import Now, UowDep

router = APIRouter(tags=["theo dõi kiến nghị"])

Reader = Annotated[Principal, Depends(require_roles(*PETITION_READERS))]
Writer = Annotated[Principal, Depends(require_roles(*STATUS_WRITERS))]


@router.get("/petitions/{petition_id}/status", response_model=PetitionStatusOut)
async def get_status(petition_id: uuid.UUID, uow: UowDep, user: Reader, now: Now):
    """Trạng thái, hạn trả lời và toàn bộ diễn biến của một kiến nghị."""
    return await petition_service.get_status(uow, petition_id, user, now)


@router.get("/petitions", response_model=PetitionPage)
async def list_petitions(uow: UowDep, user: Reader, now: Now,
                         status: Status | None = None, agency: str | None = None, level: Level | None = None,
                         overdue: bool | None = None, cursor: str | None = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 50):
    """Danh sách kiến nghị theo trạng thái, cơ quan, cấp; `overdue=true`: quá hạn chưa trả lời."""
    criteria = PetitionFilter(status=status, agency_code=agency, level=level, overdue=overdue, now=now,
                              limit=limit)
    return await petition_service.list_petitions(uow, user, criteria, now, cursor)


@router.post("/petitions/{petition_id}/status-updates", status_code=201, response_model=PetitionStatusOut)
async def post_status_update(petition_id: uuid.UUID, update: StatusUpdate, uow: UowDep, settings: SettingsDep,
                             user: Writer, now: Now, request_id: RequestId, idempotency: IdempotencyDep):
    """Cơ quan báo cáo kết quả giải quyết kiến nghị được giao."""
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    tz = settings.tz
    petition = await petition_service.update_status(uow, petition_id, update, user, now, tz, request_id)
    answer = await petition_service.describe(uow, petition, now)  # nothing may fail after the commit
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, answer)
    await uow.commit()
    return answer
