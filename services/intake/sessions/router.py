from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.roles import READERS, WRITERS
from services.intake.sessions import service as session_service
from services.intake.sessions.schemas import SessionCreate, SessionList, SessionOut
from shared.auth import Principal, require_roles
from shared.service_app import UowDep

router = APIRouter(tags=["kỳ họp"])


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def create_session(payload: SessionCreate, uow: UowDep,
                         user: Annotated[Principal, Depends(require_roles(*WRITERS))]):
    council_session = await session_service.create_session(uow.session, payload, user)
    await uow.commit()
    return council_session


@router.get("/sessions", response_model=SessionList)
async def list_sessions(uow: UowDep, _user: Annotated[Principal, Depends(require_roles(*READERS))]):
    return SessionList(items=await session_service.list_sessions(uow.session))
