import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.dependencies import CatalogDep
from services.intake.meetings import service as meeting_service
from services.intake.meetings.schemas import MeetingCreate, MeetingList, MeetingOut
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


@router.get("/meetings", response_model=MeetingList)
async def list_meetings(uow: UowDep, _user: Annotated[Principal, Depends(require_roles(*READERS))],
                        session_id: uuid.UUID | None = None):
    return MeetingList(items=await meeting_service.list_meetings(uow.session, session_id))


@router.get("/meetings/{meeting_id}", response_model=MeetingOut)
async def get_meeting(meeting_id: uuid.UUID, uow: UowDep,
                      _user: Annotated[Principal, Depends(require_roles(*READERS))]):
    meeting = await meeting_service.get_meeting(uow.session, meeting_id)
    if meeting is None:
        raise not_found("Buổi tiếp xúc", meeting_id)
    return meeting
