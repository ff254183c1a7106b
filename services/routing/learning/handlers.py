"""Entry points that train: at start and on an admin's request (make retrain, POST /model-versions).

Each reads in one unit of work, trains in a worker thread with no transaction open, and stores the
version in a second unit of work, so routing keeps classifying meanwhile.
"""

import asyncio
from collections.abc import Callable

from services.routing.classification.classifier import Classifier
from services.routing.classification.holder import ClassifierHolder
from services.routing.learning import service as learning_service
from shared.unit_of_work import UnitOfWork


async def ensure_model(uow_factory: Callable[[], UnitOfWork], holder: ClassifierHolder) -> Classifier:
    """With no active model version yet (a new database), train one from the repository's petitions."""
    async with uow_factory() as uow:
        classifier = await learning_service.current_classifier(uow.session, holder)
    if classifier.model is not None:
        return classifier
    trained, key, base = await asyncio.to_thread(learning_service.base_model, holder)
    async with uow_factory() as uow:
        await learning_service.store_base(uow.session, trained, key, base)
        await uow.commit()
    async with uow_factory() as uow:
        return await learning_service.current_classifier(uow.session, holder)


async def retrain(uow_factory: Callable[[], UnitOfWork], holder: ClassifierHolder,
                  by: str) -> learning_service.Retraining:
    async with uow_factory() as uow:
        data = await learning_service.training_data(uow.session, holder)
    candidate = await asyncio.to_thread(learning_service.train_candidate, holder.rules, data, by)
    async with uow_factory() as uow:
        outcome = await learning_service.store_candidate(uow.session, candidate)
        await uow.commit()
    return outcome
