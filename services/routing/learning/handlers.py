"""Entry points that train: at start and on an admin's request (make retrain, POST /model-versions).

Each reads in one unit of work, trains in a child process (training_process.py) with no transaction
open, and stores the version in a second unit of work, so routing keeps classifying meanwhile.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.routing.classification.classifier import Classifier
from services.routing.classification.holder import ClassifierHolder
from services.routing.learning import service as learning_service
from shared.errors import conflict
from shared.persistence import utcnow
from shared.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


async def ensure_model(uow_factory: Callable[[], UnitOfWork], holder: ClassifierHolder) -> Classifier:
    """At start: train a version when there is none (a new database) or when the active one was made with
    other rules, base data or recipe than this release's; people's decisions are learnt again too."""
    async with uow_factory() as uow:
        data = await learning_service.training_data(uow.session, holder)  # also brings `holder` up to date
    if not learning_service.is_stale(data, holder.rules):
        return holder.classifier
    if data.learnt:
        candidate = await learning_service.train_candidate(holder.rules, data, learning_service.BASE_TRAINER, True)
        async with uow_factory() as uow:
            await learning_service.store_candidate(uow.session, candidate)
            await uow.commit()
    else:
        trained, key, base = await learning_service.base_model(holder)
        async with uow_factory() as uow:
            await learning_service.store_base(uow.session, trained, key, base)
            await uow.commit()
    async with uow_factory() as uow:
        return await learning_service.current_classifier(uow.session, holder)


async def retrain(uow_factory: Callable[[], UnitOfWork], holder: ClassifierHolder,
                  by: str) -> learning_service.Retraining:
    async with uow_factory() as uow:
        data = await learning_service.training_data(uow.session, holder)
    candidate = await learning_service.train_candidate(holder.rules, data, by)
    async with uow_factory() as uow:
        outcome = await learning_service.store_candidate(uow.session, candidate)
        await uow.commit()
    return outcome


@dataclass
class TrainingRun:
    started_at: datetime
    by: str
    finished_at: datetime | None = None
    version_id: int | None = None
    activated: bool | None = None
    failed: str | None = None  # the error's type: training data is petition text, never logged whole

    @property
    def running(self) -> bool:
        return self.finished_at is None


class BackgroundTraining:
    """One retraining at a time per process, in the background: it takes seconds to a minute, longer than
    an officer's browser (or a proxy) should wait for an answer."""

    def __init__(self):
        self.last: TrainingRun | None = None

    def start(self, uow_factory: Callable[[], UnitOfWork], holder: ClassifierHolder, by: str,
              tasks: list[asyncio.Task]) -> TrainingRun:
        if self.last is not None and self.last.running:
            raise conflict("Đang huấn luyện một phiên bản mô hình; xin chờ phiên này xong")
        run = TrainingRun(utcnow(), by)
        self.last = run
        tasks.append(asyncio.create_task(self._run(run, uow_factory, holder), name="routing-retraining"))
        return run

    async def _run(self, run: TrainingRun, uow_factory, holder: ClassifierHolder) -> None:
        try:
            outcome = await retrain(uow_factory, holder, run.by)
            run.version_id, run.activated = outcome.version.id, outcome.activated
        except Exception as exc:  # noqa: BLE001 - a failed run is reported on GET /model-training
            run.failed = getattr(exc, "kind", type(exc).__name__)  # the child's error type (TrainingFailed)
            logger.error("routing retraining failed: %s", run.failed)
        finally:
            run.finished_at = utcnow()
