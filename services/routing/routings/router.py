import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from services.routing.base import IdempotencyRecord
from services.routing.roles import ROUTING_DECIDERS, ROUTING_READERS
from services.routing.routings import service as routing_service
from services.routing.routings.schemas import (
    AssignmentIn,
    HistoryEntryOut,
    RoutingOut,
    RoutingPage,
    RoutingSummary,
)
from shared.auth import Principal, require_roles
from shared.events import Level
from shared.idempotency import IdempotencyDep, remember, replay_or_claim
from shared.service_app import UowDep

router = APIRouter(tags=["phân loại, chuyển kiến nghị"])
Reader = Annotated[Principal, Depends(require_roles(*ROUTING_READERS))]
Decider = Annotated[Principal, Depends(require_roles(*ROUTING_DECIDERS))]


def request_source(request: Request) -> str:
    return f"request:{request.headers.get('x-request-id') or uuid.uuid4()}"


def _detail(routing, history) -> RoutingOut:
    summary = RoutingSummary.model_validate(routing)
    return RoutingOut(**summary.model_dump(), history=[HistoryEntryOut.model_validate(e) for e in history])


@router.get("/routings", response_model=RoutingPage, summary="Danh sách phân loại; hàng chờ xem xét")
async def list_routings(
    uow: UowDep, user: Reader,
    state: Annotated[Literal["assigned", "needs_review", "withdrawn"] | None, Query()] = None,
    agency_code: Annotated[str | None, Query(max_length=40)] = None,
    level: Annotated[Level | None, Query()] = None,
    topic: Annotated[str | None, Query(max_length=60)] = None,
    petition_id: Annotated[list[uuid.UUID] | None, Query(max_length=200,
                                                         description="only these petitions (a page's rows)")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    items, next_cursor = await routing_service.list_routings(
        uow, user, state=state, agency_code=agency_code, level=level, topic=topic, cursor=cursor, limit=limit,
        petition_ids=petition_id)
    return RoutingPage(items=[RoutingSummary.model_validate(r) for r in items], next_cursor=next_cursor)


@router.get("/routings/{petition_id}", response_model=RoutingOut)
async def get_routing(petition_id: uuid.UUID, uow: UowDep, user: Reader):
    routing, history = await routing_service.get_routing(uow, petition_id, user)
    return _detail(routing, history)


@router.post("/routings/{petition_id}/assignment", response_model=RoutingOut,
             summary="Thư ký xác nhận hoặc điều chỉnh cơ quan giải quyết")
async def assign(petition_id: uuid.UUID, payload: AssignmentIn, request: Request, uow: UowDep, user: Decider,
                 idempotency: IdempotencyDep):
    if (first := await replay_or_claim(uow, IdempotencyRecord, idempotency, user.sub)) is not None:
        return first
    routing = await routing_service.assign(uow, petition_id, payload, user, request_source(request))
    answer = _detail(routing, (await routing_service.get_routing(uow, petition_id, user))[1])
    await remember(uow, IdempotencyRecord, idempotency, user.sub, 200, answer)
    await uow.commit()  # last: a failure after it would answer an error for an applied change
    return answer
