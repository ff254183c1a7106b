from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.routing.dependencies import RoutingStateDep
from services.routing.learning import service as learning_service
from services.routing.learning.schemas import ModelVersionOut, TrainingRunOut
from services.routing.roles import MODEL_READERS, MODEL_TRAINERS
from shared.auth import Principal, require_roles
from shared.errors import ProblemError
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


@router.post("/model-versions", response_model=TrainingRunOut, status_code=202,
             summary="Bắt đầu huấn luyện phiên bản mới từ dữ liệu gốc và các quyết định của thư ký (chạy nền; "
                     "chỉ dùng nếu kiểm định chéo không kém phiên bản hiện tại). Theo dõi: GET /model-training")
async def retrain(runtime: RuntimeDep, state: RoutingStateDep, user: Trainer):
    return state.training.start(runtime.uow, state.routing.holder, user.sub, runtime.tasks)


@router.get("/model-training", response_model=TrainingRunOut, summary="Lần huấn luyện gần nhất của tiến trình này")
async def last_training(state: RoutingStateDep, user: Reader):
    run = state.training.last
    if run is None:
        raise ProblemError(404, "Tiến trình này chưa huấn luyện phiên bản nào", type="/problems/not-found")
    return run
