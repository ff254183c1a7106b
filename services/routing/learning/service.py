"""Model versions: the base model trained at first start, people's decisions kept, retraining on demand.

Training is CPU work of seconds: it runs in a worker thread so the service keeps answering. A new
version is activated only if, cross-validated on the same folds of every example, it is not worse
than the recipe of the version active then (the same code on what that version had learnt).
"""

import asyncio
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.catalog import service as catalog_service
from services.routing.classification.classifier import ActiveModel, Classifier
from services.routing.classification.examples import LabelledExample, agency_kind, base_examples
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.model import RouteModel
from services.routing.classification.training import TrainedModel, cross_validate, figures, fingerprint, train
from services.routing.learning import repository as learning_repository
from services.routing.learning.models import ModelVersion, TrainingExample
from shared.errors import not_found

logger = logging.getLogger(__name__)
BASE_TRAINER = "cài đặt"  # the version trained from the repository's labelled petitions at first start
_trained_base: dict[str, TrainedModel] = {}  # per process, by fingerprint: replicas and tests train once


@dataclass(frozen=True)
class Retraining:
    version: ModelVersion
    activated: bool
    active_before: int | None


async def current_classifier(db: AsyncSession, holder: ClassifierHolder) -> Classifier:
    """The classifier of the catalog's revision and the active model version (rebuilt when either changed)."""
    revision = await catalog_service.revision(db)
    version_id = await learning_repository.active_version_id(db)
    if holder.is_current(revision, version_id):
        return holder.classifier
    units, agencies = await catalog_service.records(db)
    return holder.rebuild(revision, units, agencies, await _load(db, holder, version_id))


async def _load(db: AsyncSession, holder: ClassifierHolder, version_id: int | None) -> ActiveModel | None:
    if version_id is None:
        return None
    if version_id not in holder.models:
        version = await learning_repository.get_version(db, version_id)
        holder.models[version_id] = ActiveModel(version.id, RouteModel.loads(version.model), version.threshold)
    return holder.models[version_id]


async def ensure_active(db: AsyncSession, holder: ClassifierHolder) -> Classifier:
    """At start: with no active version yet, train one from the repository's labelled petitions."""
    classifier = await current_classifier(db, holder)
    if classifier.model is not None:
        return classifier
    examples = base_examples()
    key = fingerprint(examples, holder.rules)
    if key not in _trained_base:
        _trained_base[key] = await asyncio.to_thread(train, holder.rules, examples)
    trained = _trained_base[key]
    version = _version_row(trained, BASE_TRAINER, key, through=0, corrections=0, base=len(examples))
    await learning_repository.add_version(db, version)
    await learning_repository.activate(db, version.id)
    logger.info("routing model version %s trained from %s labelled petitions in %.1f s", version.id,
                len(examples), trained.seconds)
    return await current_classifier(db, holder)


async def record_decision(db: AsyncSession, *, petition_id: uuid.UUID, content: str, unit_code: str, level: str,
                          agency_code: str, topic: str | None, origin: str, by: str) -> None:
    """A person's confirmation, correction or reassignment: a labelled example for the next version."""
    await learning_repository.add_example(db, TrainingExample(
        petition_id=petition_id, content=content, unit_code=unit_code, level=level, agency_code=agency_code,
        topic=topic, origin=origin, decided_by=by,
    ))


async def retrain(db: AsyncSession, holder: ClassifierHolder, by: str) -> Retraining:
    await current_classifier(db, holder)
    rows = await learning_repository.examples(db)
    active_id = await learning_repository.active_version_id(db)
    active = await learning_repository.get_version(db, active_id) if active_id is not None else None
    base = base_examples()
    learnt = _latest_per_petition(rows)
    through = rows[-1].id if rows else 0
    outcome = await asyncio.to_thread(_train_and_compare, holder.rules, base, learnt,
                                      active.examples_through if active else None)
    trained, comparison = outcome
    version = _version_row(trained, by, fingerprint(base + [e for e, _ in learnt], holder.rules), through=through,
                           corrections=len(learnt), base=len(base))
    version.comparison = comparison
    await learning_repository.add_version(db, version)
    activated = comparison["activated"]
    if activated:
        await learning_repository.activate(db, version.id)
    return Retraining(version, activated, active_id)


def _train_and_compare(rules: Classifier, base: list[LabelledExample], learnt: list[tuple[LabelledExample, int]],
                       active_through: int | None) -> tuple[TrainedModel, dict]:
    """Both recipes on the same folds of every example; the active one without what came after it."""
    examples = base + [example for example, _ in learnt]
    after = {id(example) for example, row_id in learnt if active_through is None or row_id > active_through}
    candidate = cross_validate(rules, examples)
    current = cross_validate(rules, examples, train_filter=lambda e: id(e) not in after)
    candidate_figures, current_figures = figures(candidate)["all"], figures(current)["all"]
    activated = candidate_figures["agency"] >= current_figures["agency"]
    trained = train(rules, examples, validation=candidate)
    return trained, {"candidate": candidate_figures, "active": current_figures, "activated": activated,
                     "new_examples": len(after)}


def _latest_per_petition(rows: list[TrainingExample]) -> list[tuple[LabelledExample, int]]:
    latest: dict[uuid.UUID, TrainingExample] = {}
    for row in rows:
        latest[row.petition_id] = row
    return [(LabelledExample(row.content, row.unit_code, row.level, agency_kind(row.agency_code), row.topic,
                             "correction", "corrections", row.agency_code, f"example-{row.id}"), row.id)
            for row in latest.values()]


def _version_row(trained: TrainedModel, by: str, key: str, *, through: int, corrections: int, base: int) -> ModelVersion:
    return ModelVersion(
        trained_by=by, examples_through=through, corrections=corrections, base_examples=base,
        threshold=trained.threshold, figures=figures(trained.validation), training_seconds=round(trained.seconds, 2),
        fingerprint=key, active=False, model=trained.model.dumps(),
    )


async def list_versions(db: AsyncSession, limit: int = 50) -> list[ModelVersion]:
    return await learning_repository.list_versions(db, limit)


async def get_version(db: AsyncSession, version_id: int) -> ModelVersion:
    version = await learning_repository.get_version(db, version_id)
    if version is None:
        raise not_found("Phiên bản mô hình phân loại", version_id)
    return version
