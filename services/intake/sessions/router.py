import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.changes import service as change_service
from services.intake.changes.schemas import ChangeOut, WithdrawalIn
from services.intake.roles import READERS, WRITERS
from services.intake.sessions import service as session_service
from services.intake.sessions.schemas import (
    SessionCorrection,
    SessionCreate,
    SessionList,
    SessionOut,
)
from shared.auth import Principal, require_roles
from shared.errors import not_found
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


Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]


async def _existing(uow, session_id: uuid.UUID):
    council_session = await session_service.get_session(uow.session, session_id)
    if council_session is None:
        raise not_found("Kỳ họp", session_id)
    return council_session


@router.patch("/sessions/{session_id}", response_model=SessionOut)
async def correct_session(session_id: uuid.UUID, payload: SessionCorrection, uow: UowDep, user: Writer):
    """Correct a session's name, term or start date; the history keeps who, why and what was."""
    council_session = await session_service.correct_session(uow.session, await _existing(uow, session_id),
                                                            payload, user)
    await uow.commit()
    return council_session


@router.post("/sessions/{session_id}/withdrawal", response_model=SessionOut)
async def withdraw_session(session_id: uuid.UUID, payload: WithdrawalIn, uow: UowDep, user: Writer):
    """Withdraw a session entered by mistake (409 while meetings of it still stand)."""
    council_session = await session_service.withdraw_session(uow.session, await _existing(uow, session_id),
                                                             payload.reason, user)
    await uow.commit()
    return council_session


@router.get("/sessions/{session_id}/changes", response_model=list[ChangeOut])
async def session_changes(session_id: uuid.UUID, uow: UowDep,
                          _user: Annotated[Principal, Depends(require_roles(*READERS))]):
    await _existing(uow, session_id)
    return await change_service.history(uow.session, session_service.ENTITY, session_id)
