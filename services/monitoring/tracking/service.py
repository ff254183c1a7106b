"""Agencies' status updates and what officers read about a petition. Never commits."""

import json
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.monitoring import labels
from services.monitoring.tracking import history
from services.monitoring.tracking import repository as petition_repository
from services.monitoring.tracking import state_machine as sm
from services.monitoring.tracking.deadlines import is_overdue
from services.monitoring.tracking.models import Petition
from services.monitoring.tracking.repository import PetitionFilter
from services.monitoring.tracking.schemas import (
    PetitionPage,
    PetitionStatusOut,
    StatusUpdate,
    timeline_item,
)
from shared.auth import Principal
from shared.errors import FieldError, ProblemError, conflict, forbidden, not_found
from shared.events import PetitionReturned, ResolutionDisputed, StatusChanged
from shared.pagination import decode_cursor, encode_cursor
from shared.unit_of_work import UnitOfWork


def ensure_visible(petition: Petition, user: Principal) -> None:
    """An agency sees and updates only the petitions assigned to it."""
    if user.role == "agency" and petition.agency_code != user.agency:
        raise forbidden(f"Kiến nghị {petition.code} không được giao cho cơ quan {user.agency}")


async def load(uow: UnitOfWork, petition_id: uuid.UUID, user: Principal, for_update: bool = False) -> Petition:
    petition = await petition_repository.get(uow.session, petition_id, for_update=for_update)
    if petition is None:
        raise not_found("Kiến nghị", petition_id)
    ensure_visible(petition, user)
    return petition


def _check_required(update: StatusUpdate, today: date) -> None:
    missing = sm.missing_fields(update.status, update.model_dump())
    errors = [FieldError(name, sm.FIELD_MESSAGES[name]) for name in missing]
    if sm.past_roadmap(update.planned_completion, today):
        errors.append(FieldError("planned_completion", sm.PAST_DATE_MESSAGE))
    if errors:
        raise ProblemError(422, "; ".join(e.message for e in errors), type="/problems/validation", errors=errors)


def _check_transition(petition: Petition, target: str) -> None:
    try:
        sm.check_agency_transition(petition.status, target)
    except sm.IllegalTransition:
        allowed = ", ".join(sm.allowed_next(petition.status)) or "không có"
        raise conflict(f"Kiến nghị {petition.code} đang ở trạng thái «{labels.status(petition.status)}»: "
                       f"không thể chuyển sang «{labels.status(target)}» (được phép: {allowed})") from None


def _apply(petition: Petition, update: StatusUpdate, at: datetime) -> None:
    petition.status = update.status
    if update.status == sm.RETURNED:
        # Back to routing: no agency, no level, no deadline until it is routed again.
        petition.agency_code = petition.level = None
        petition.assigned_at = petition.due_on = petition.deadline_at = petition.answered_at = None
        return
    petition.answered_at = petition.answered_at or at
    if update.status == sm.IN_PROGRESS:
        petition.planned_completion = update.planned_completion
    if update.status == sm.RESOLVED:
        petition.resolved_at = at
        petition.disputed = False  # a new resolution answers the dispute; the timeline keeps it


async def update_status(uow: UnitOfWork, petition_id: uuid.UUID, update: StatusUpdate, user: Principal,
                        now: datetime, tz: ZoneInfo, request_id: str | None = None) -> Petition:
    _check_required(update, now.astimezone(tz).date())
    petition = await load(uow, petition_id, user, for_update=True)
    _check_transition(petition, update.status)
    previous, agency_code = petition.status, petition.agency_code
    at = history.effective_time(petition, now)
    _apply(petition, update, at)
    change = StatusChanged(
        from_status=previous, to_status=update.status, agency_code=agency_code, note=update.note,
        planned_completion=update.planned_completion, resolution=update.resolution, reason=update.reason,
        disputed=petition.disputed, by=user.sub,
    )
    await history.record(uow.session, petition, at=at, tz=tz, entry_type="status_changed", by=user.sub,
                         details=change.model_dump(mode="json", exclude={"by"}), status_entered=True,
                         request_id=request_id)
    returned = [PetitionReturned(agency_code=agency_code, note=update.note, by=user.sub)] \
        if update.status == sm.RETURNED else []
    history.announce(uow, petition, change, *returned)
    return petition


async def record_finding(uow: UnitOfWork, petition: Petition, *, spot_check_id: uuid.UUID, verdict: str,
                         note: str | None, by: str, at: datetime, tz: ZoneInfo, request_id: str | None) -> bool:
    """A spot-check verdict on the timeline; `not_resolved` reopens a resolved petition. True if reopened."""
    details = {"spot_check_id": str(spot_check_id), "verdict": verdict, "note": note}
    if verdict != "not_resolved" or not sm.can_reopen(petition.status):
        await history.record(uow.session, petition, at=at, tz=tz, entry_type="spot_check_finding", by=by,
                             details=details, state_changed=False, request_id=request_id)
        return False
    agency_code = petition.agency_code
    petition.status, petition.disputed = sm.IN_PROGRESS, True
    await history.record(uow.session, petition, at=at, tz=tz, entry_type="resolution_disputed", by=by,
                         details={**details, "from_status": sm.RESOLVED, "to_status": sm.IN_PROGRESS},
                         status_entered=True, request_id=request_id)
    history.announce(uow, petition,
                     ResolutionDisputed(spot_check_id=spot_check_id, agency_code=agency_code, verdict=verdict,
                                        note=note, by=by),
                     StatusChanged(from_status=sm.RESOLVED, to_status=sm.IN_PROGRESS, agency_code=agency_code,
                                   note=note, disputed=True, by=by))
    return True


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
    if user.role == "agency":
        if criteria.agency_code not in (None, user.agency):
            raise forbidden(f"Cơ quan {user.agency} chỉ xem được kiến nghị giao cho mình")
        criteria = PetitionFilter(**{**criteria.__dict__, "agency_code": user.agency})
    if cursor:
        criteria = PetitionFilter(**{**criteria.__dict__, "after": decode_cursor(cursor)})
    items = await petition_repository.find(uow.session, criteria)
    next_cursor = encode_cursor(items[-1].received_at, items[-1].id) if len(items) == criteria.limit else None
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
