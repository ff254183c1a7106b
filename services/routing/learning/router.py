from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.routing.learning import handlers as learning_handlers
from services.routing.learning import service as learning_service
from services.routing.learning.schemas import ModelVersionOut, RetrainOut
from services.routing.roles import MODEL_READERS, MODEL_TRAINERS
from shared.auth import Principal, require_roles
from shared.service_app import RuntimeDep, UowDep

router = APIRouter(tags=["mô hình phân loại"])
Reader = Annotated[Principal, Depends(require_roles(*MODEL_READERS))]
Trainer = Annotated[Principal, Depends(require_roles(*MODEL_TRAINERS))]


@router.get("/model-versions", response_model=list[ModelVersionOut], summary="Các phiên bản mô hình phân loại")
async def list_versions(uow: UowDep, user: Reader, limit: Annotated[int, Query(ge=1, le=200)] = 50):
    return await learning_service.list_versions(uow.session, limit)


@router.get("/model-versions/{version_id}", response_model=ModelVersionOut)
async def get_version(version_id: int, uow: UowDep, user: Reader):
    return await learning_service.get_version(uow.session, version_id)


@router.post("/model-versions", response_model=RetrainOut, status_code=201,
             summary="Huấn luyện phiên bản mới từ dữ liệu gốc và các quyết định của thư ký; "
                     "chỉ dùng nếu kiểm định chéo không kém phiên bản hiện tại")
async def retrain(runtime: RuntimeDep, user: Trainer):
    outcome = await learning_handlers.retrain(runtime.uow, runtime.extras["routing"].holder, user.sub)
    return RetrainOut(activated=outcome.activated, active_before=outcome.active_before,
                      version=ModelVersionOut.model_validate(outcome.version))
