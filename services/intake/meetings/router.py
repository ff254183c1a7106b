import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.changes import service as change_service
from services.intake.changes.schemas import ChangeOut, WithdrawalIn
from services.intake.dependencies import CatalogDep
from services.intake.meetings import service as meeting_service
from services.intake.meetings.schemas import (
    MeetingCorrection,
    MeetingCreate,
    MeetingList,
    MeetingOut,
)
from services.intake.roles import READERS, WRITERS
from shared.auth import Principal, require_roles
from shared.errors import not_found
from shared.service_app import UowDep

router = APIRouter(tags=["buổi tiếp xúc cử tri"])


@router.post("/meetings", status_code=201, response_model=MeetingOut)
async def create_meeting(payload: MeetingCreate, uow: UowDep, catalog: CatalogDep,
                         user: Annotated[Principal, Depends(require_roles(*WRITERS))]):
    meeting = await meeting_service.create_meeting(uow.session, payload, user, await catalog())
    await uow.commit()
    return meeting


Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


async def _existing(uow, meeting_id: uuid.UUID):
    meeting = await meeting_service.get_meeting(uow.session, meeting_id)
    if meeting is None:
        raise not_found("Buổi tiếp xúc", meeting_id)
    return meeting


@router.patch("/meetings/{meeting_id}", response_model=MeetingOut)
async def correct_meeting(meeting_id: uuid.UUID, payload: MeetingCorrection, uow: UowDep, catalog: CatalogDep,
                          user: Writer):
    """Correct a meeting (date, kind, unit, delegates, note); the history keeps who, why and what was."""
    meeting = await meeting_service.correct_meeting(uow.session, await _existing(uow, meeting_id), payload, user,
                                                    await catalog())
    await uow.commit()
    return meeting


@router.post("/meetings/{meeting_id}/withdrawal", response_model=MeetingOut)
async def withdraw_meeting(meeting_id: uuid.UUID, payload: WithdrawalIn, uow: UowDep, user: Writer):
    """Withdraw a meeting entered by mistake (409 while petitions of it still stand)."""
    meeting = await meeting_service.withdraw_meeting(uow.session, await _existing(uow, meeting_id), payload.reason,
                                                     user)
    await uow.commit()
    return meeting


@router.get("/meetings/{meeting_id}/changes", response_model=list[ChangeOut])
async def meeting_changes(meeting_id: uuid.UUID, uow: UowDep, _user: Reader):
    await _existing(uow, meeting_id)
    return await change_service.history(uow.session, meeting_service.ENTITY, meeting_id)


@router.get("/meetings", response_model=MeetingList)
async def list_meetings(uow: UowDep, _user: Annotated[Principal, Depends(require_roles(*READERS))],
                        session_id: uuid.UUID | None = None):
    return MeetingList(items=await meeting_service.list_meetings(uow.session, session_id))


@router.get("/meetings/{meeting_id}", response_model=MeetingOut)
async def get_meeting(meeting_id: uuid.UUID, uow: UowDep,
                      _user: Annotated[Principal, Depends(require_roles(*READERS))]):
    return await _existing(uow, meeting_id)
