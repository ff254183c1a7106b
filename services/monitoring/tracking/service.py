"""Agencies' status updates and what officers read about a petition. Never commits."""

import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from services.monitoring.tracking import history
from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.deadlines import is_overdue
from services.monitoring.tracking.lifecycle import AgencyReport, PetitionLifecycle
from services.monitoring.tracking.models import Petition
from services.monitoring.tracking.repository import PetitionFilter
from services.monitoring.tracking.schemas import (
    PetitionPage,
    PetitionStatusOut,
    StatusUpdate,
    timeline_item,
)
from shared.auth import Principal
from shared.errors import not_found
from shared.pagination import decode_cursor, page_of
from shared.scope import agency_filter, ensure_sees
from shared.unit_of_work import UnitOfWork


def ensure_visible(petition: Petition, user: Principal) -> None:
    """An agency sees and updates only the petitions assigned to it."""
    ensure_sees(user, petition.agency_code, f"Kiến nghị {petition.code} không được giao cho cơ quan {user.agency}")


async def load(uow: UnitOfWork, petition_id: uuid.UUID, user: Principal, for_update: bool = False) -> Petition:
    petition = await petition_repository.get(uow.session, petition_id, for_update=for_update)
    if petition is None:
        raise not_found("Kiến nghị", petition_id)
    ensure_visible(petition, user)
    return petition


async def update_status(uow: UnitOfWork, petition_id: uuid.UUID, update: StatusUpdate, user: Principal,
                        now: datetime, tz: ZoneInfo, request_id: str | None = None) -> Petition:
    report = AgencyReport(by=user.sub, **update.model_dump())  # what the status needs, before any lookup
    if sm.past_roadmap(report.planned_completion, now.astimezone(tz).date()):
        raise sm.PastRoadmap()
    petition = await load(uow, petition_id, user, for_update=True)
    step = PetitionLifecycle(petition).report(report, now)
    await history.store(uow, petition, step, tz, request_id=request_id)
    return petition


async def record_finding(uow: UnitOfWork, petition: Petition, *, spot_check_id: uuid.UUID, verdict: str,
                         note: str | None, by: str, at: datetime, tz: ZoneInfo, request_id: str | None) -> bool:
    """A spot-check verdict on the timeline; `not_resolved` reopens a resolved petition. True if reopened."""
    step = PetitionLifecycle(petition).judge(spot_check_id, verdict, note, by, at)
    await history.store(uow, petition, step, tz, request_id=request_id)
    return bool(step.events)


def view(petition: Petition, now: datetime, timeline: list | None = None) -> PetitionStatusOut:
    return PetitionStatusOut(
        petition_id=petition.id, code=petition.code, status=petition.status, level=petition.level,
        agency_code=petition.agency_code, topic=petition.topic, deadline=petition.due_on,
        overdue=is_overdue(petition.deadline_at, petition.answered_at, now), disputed=petition.disputed,
        planned_completion=petition.planned_completion, received_at=petition.received_at,
        assigned_at=petition.assigned_at, answered_at=petition.answered_at, repeat_of=petition.repeat_of,
        matter_id=petition.matter_id,
        timeline=[timeline_item(e, json.loads(e.details)) for e in timeline or []],
    )


async def describe(uow: UnitOfWork, petition: Petition, now: datetime) -> PetitionStatusOut:
    return view(petition, now, await petition_repository.timeline(uow.session, petition.id))


async def get_status(uow: UnitOfWork, petition_id: uuid.UUID, user: Principal, now: datetime) -> PetitionStatusOut:
    return await describe(uow, await load(uow, petition_id, user), now)


async def list_petitions(uow: UnitOfWork, user: Principal, criteria: PetitionFilter, now: datetime,
                         cursor: str | None) -> PetitionPage:
    refusal = f"Cơ quan {user.agency} chỉ xem được kiến nghị giao cho mình"
    agency_code = agency_filter(user, criteria.agency_code, refusal)
    criteria = PetitionFilter(**{**criteria.__dict__, "agency_code": agency_code})
    if cursor:
        criteria = PetitionFilter(**{**criteria.__dict__, "after": decode_cursor(cursor)})
    items = await petition_repository.find(uow.session, criteria)
    items, next_cursor = page_of(items, criteria.limit, lambda petition: (petition.received_at, petition.id))
    return PetitionPage(items=[view(p, now) for p in items], next_cursor=next_cursor)


async def resolved_between(uow: UnitOfWork, start: datetime, end: datetime, agency_codes: list[str] | None,
                           level: str | None) -> list[tuple[uuid.UUID, str]]:
    """(petition id, agency code) of petitions reported resolved in [start, end), still resolved."""
    return await petition_repository.resolved_between(uow.session, start, end, agency_codes, level)


async def codes(uow: UnitOfWork, petition_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return await petition_repository.codes(uow.session, petition_ids)


async def get_for_update(uow: UnitOfWork, petition_id: uuid.UUID) -> Petition:
    petition = await petition_repository.get(uow.session, petition_id, for_update=True)
    if petition is None:
        raise not_found("Kiến nghị", petition_id)
    return petition
