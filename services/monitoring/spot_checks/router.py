import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.monitoring.base import IdempotencyRecord
from services.monitoring.requests import RequestId, SettingsDep
from services.monitoring.roles import SPOT_CHECK_READERS, SPOT_CHECK_WRITERS
from services.monitoring.spot_checks import service as spot_check_service
from services.monitoring.spot_checks.schemas import (
    FindingCreate,
    SpotCheckCreate,
    SpotCheckList,
    SpotCheckOut,
)
from shared.auth import Principal, require_roles
from shared.idempotency import IdempotencyDep, remember, replay_or_claim
from shared.service_app import Now, UowDep

router = APIRouter(tags=["giám sát xác suất"])

Committee = Annotated[Principal, Depends(require_roles(*SPOT_CHECK_WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*SPOT_CHECK_READERS))]


@router.post("/spot-checks", status_code=201, response_model=SpotCheckOut)
async def create_spot_check(payload: SpotCheckCreate, uow: UowDep, settings: SettingsDep, user: Committee,
                            now: Now, request_id: RequestId, idempotency: IdempotencyDep):
    """Rút mẫu ngẫu nhiên có thể kiểm chứng (theo từng cơ quan) các kiến nghị được báo cáo đã giải quyết."""
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    spot_check = await spot_check_service.create(uow, payload, user, settings, now, request_id)
    answer = await spot_check_service.describe(uow, spot_check)  # before the commit: nothing may fail after it
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, answer)
    await uow.commit()
    return answer


@router.post("/spot-checks/{spot_check_id}/findings", status_code=201, response_model=SpotCheckOut)
async def add_finding(spot_check_id: uuid.UUID, payload: FindingCreate, uow: UowDep, settings: SettingsDep,
                      user: Committee, now: Now, request_id: RequestId, idempotency: IdempotencyDep):
    """Ghi kết quả giám sát một kiến nghị trong mẫu; «chưa giải quyết» mở lại kiến nghị."""
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    spot_check = await spot_check_service.add_finding(uow, spot_check_id, payload, user, settings, now,
                                                      request_id)
    answer = await spot_check_service.describe(uow, spot_check)
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 201, answer)
    await uow.commit()
    return answer


@router.get("/spot-checks", response_model=SpotCheckList)
async def list_spot_checks(uow: UowDep, _user: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 100):
    """Các đợt giám sát xác suất, mới nhất trước."""
    return SpotCheckList(items=await spot_check_service.list_recent(uow, limit))


@router.get("/spot-checks/{spot_check_id}", response_model=SpotCheckOut)
async def get_spot_check(spot_check_id: uuid.UUID, uow: UowDep, _user: Reader):
    return await spot_check_service.get(uow, spot_check_id)
