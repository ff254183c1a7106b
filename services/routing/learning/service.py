"""Model versions: the base model trained at first start, people's decisions kept, retraining on demand.

Training is CPU work of seconds: callers (handlers.py) read in one unit of work, train in a child
process (training_process.py: scikit-learn never enters the service's memory) with no transaction open
(SQLite would hold its write lock meanwhile), then store. A new version is activated only if,
cross-validated on the same folds of every example, it is not worse than the recipe of the version
active then (the same code on what that version had learnt).
"""

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.routing.catalog import service as catalog_service
from services.routing.classification.classifier import Classifier
from services.routing.classification.decision import ActiveModel
from services.routing.classification.examples import LabelledExample, agency_kind, base_examples
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.model import RouteModel, UnreadableModel
from services.routing.classification.recipe import fingerprint
from services.routing.learning import repository as learning_repository
from services.routing.learning import training_process
from services.routing.learning.models import ModelVersion, TrainingExample
from shared.errors import not_found

logger = logging.getLogger(__name__)
BASE_TRAINER = "cài đặt"  # the version trained from the repository's labelled petitions at first start


@dataclass(frozen=True)
class Retraining:
    version: ModelVersion
    activated: bool
    active_before: int | None


async def current_classifier(db: AsyncSession, holder: ClassifierHolder, per_session: bool = False) -> Classifier:
    """The classifier of the catalog's revision and the active model version (rebuilt when either changed).

    `per_session`: asked once per session (a consumer's batch of events, a request) instead of at every
    decision: two queries fewer for each petition of a batch; a version activated meanwhile is taken up
    from the next batch on.
    """
    if per_session and (known := db.info.get(_CLASSIFIER)) is not None:
        return known
    classifier = await _current(db, holder)
    if per_session:
        db.info[_CLASSIFIER] = classifier
    return classifier


_CLASSIFIER = "routing.classifier"


async def _current(db: AsyncSession, holder: ClassifierHolder) -> Classifier:
    revision, version_id = await learning_repository.catalog_revision_and_active_version(db)
    if holder.is_current(revision, version_id):
        return holder.classifier
    units, agencies = await catalog_service.records(db)
    return holder.rebuild(revision, units, agencies, await _load(db, holder, version_id), version_id)


async def _load(db: AsyncSession, holder: ClassifierHolder, version_id: int | None) -> ActiveModel | None:
    if version_id is None:
        return None
    if holder.loaded is None or holder.loaded.version != version_id:
        version = await learning_repository.get_version(db, version_id)
        try:
            holder.loaded = ActiveModel(version.id, RouteModel.loads(version.model), version.threshold)
        except UnreadableModel:
            # Stored by an older release (a pickle of scikit-learn objects): the rules decide until the
            # next start retrains it (is_stale), instead of routing failing on every petition.
            logger.warning("routing model version %s is stored in another format: rules only until retrained",
                           version_id)
            holder.loaded = None
    return holder.loaded


@dataclass(frozen=True)
class TrainingData:
    """What a retraining reads from the database (then trains outside any transaction)."""

    base: list[LabelledExample]
    learnt: list[tuple[LabelledExample, int]]  # people's decisions, latest per petition, with their row id
    through: int  # the last training_examples row read
    active_id: int | None
    active_through: int | None
    active_fingerprint: str | None  # the recipe, rules and base data the active version was trained on
    active_unreadable: bool = False  # its stored model is in another format (an older release's)


@dataclass(frozen=True)
class TrainedVersion:
    """What a training process hands back: the served model's bytes and the figures it was accepted on."""

    model: bytes
    threshold: float
    figures: dict  # cross-validated, per group of examples
    seconds: float
    comparison: dict | None = None  # a retraining's: the candidate against the active version's recipe
    activate: bool = True


_trained_base: dict[str, TrainedVersion] = {}  # per process, by fingerprint: replicas and tests train once


@dataclass(frozen=True)
class Candidate:
    version: ModelVersion  # not yet stored
    activate: bool
    active_before: int | None


async def base_model(holder: ClassifierHolder) -> tuple[TrainedVersion, str, int]:
    """The model of the repository's labelled petitions (trained in a child process), once per process."""
    examples = base_examples()
    key = fingerprint(examples, holder.rules)
    if key not in _trained_base:
        _trained_base[key] = await training_process.train_base(holder.rules)
    return _trained_base[key], key, len(examples)


async def store_base(db: AsyncSession, trained: TrainedVersion, key: str, base: int) -> ModelVersion:
    version = _version_row(trained, BASE_TRAINER, key, through=0, corrections=0, base=base)
    await learning_repository.add_version(db, version)
    await learning_repository.activate(db, version.id)
    logger.info("routing model version %s trained from %s labelled petitions in %.1f s", version.id, base,
                trained.seconds)
    return version


async def record_decision(db: AsyncSession, *, petition_id: uuid.UUID, content: str, unit_code: str, level: str,
                          agency_code: str, topic: str | None, origin: str, by: str) -> None:
    """A person's confirmation, correction or reassignment: a labelled example for the next version."""
    await learning_repository.add_example(db, TrainingExample(
        petition_id=petition_id, content=content, unit_code=unit_code, level=level, agency_code=agency_code,
        topic=topic, origin=origin, decided_by=by,
    ))


async def training_data(db: AsyncSession, holder: ClassifierHolder) -> TrainingData:
    await current_classifier(db, holder)
    rows = await learning_repository.examples(db)
    active_id = await learning_repository.active_version_id(db)
    active = await learning_repository.get_version(db, active_id) if active_id is not None else None
    return TrainingData(base_examples(), _latest_per_petition(rows), rows[-1].id if rows else 0, active_id,
                        active.examples_through if active else None, active.fingerprint if active else None,
                        active_id is not None and holder.loaded is None)


def is_stale(data: TrainingData, rules: Classifier) -> bool:
    """No active version, one trained with other rules, base data or recipe than this release's, or one
    stored in a format this release cannot read."""
    return data.active_unreadable or data.active_fingerprint != fingerprint(data.base, rules)


async def train_candidate(rules: Classifier, data: TrainingData, by: str, force: bool = False) -> Candidate:
    """Both recipes cross-validated on the same folds of every example (training_child.candidate_version),
    in a child process; the candidate is activated if it is not worse, or if `force`d."""
    trained = await training_process.train_candidate(rules, data, force)
    version = _version_row(trained, by, fingerprint(data.base, rules), through=data.through,
                           corrections=len(data.learnt), base=len(data.base))
    version.comparison = trained.comparison
    return Candidate(version, trained.activate, data.active_id)


async def store_candidate(db: AsyncSession, candidate: Candidate) -> Retraining:
    await learning_repository.add_version(db, candidate.version)
    if candidate.activate:
        await learning_repository.activate(db, candidate.version.id)
    return Retraining(candidate.version, candidate.activate, candidate.active_before)


def _latest_per_petition(rows: list[TrainingExample]) -> list[tuple[LabelledExample, int]]:
    latest: dict[uuid.UUID, TrainingExample] = {}
    for row in rows:
        latest[row.petition_id] = row
    return [(LabelledExample(row.content, row.unit_code, row.level, agency_kind(row.agency_code), row.topic,
                             "correction", "corrections", row.agency_code, f"example-{row.id}"), row.id)
            for row in latest.values()]


def _version_row(trained: TrainedVersion, by: str, key: str, *, through: int, corrections: int,
                 base: int) -> ModelVersion:
    return ModelVersion(
        trained_by=by, examples_through=through, corrections=corrections, base_examples=base,
        threshold=trained.threshold, figures=trained.figures, training_seconds=round(trained.seconds, 2),
        fingerprint=key, active=False, model=trained.model,
    )


async def list_versions(db: AsyncSession, limit: int = 50) -> list[ModelVersion]:
    return await learning_repository.list_versions(db, limit)


async def get_version(db: AsyncSession, version_id: int) -> ModelVersion:
    version = await learning_repository.get_version(db, version_id)
    if version is None:
        raise not_found("Phiên bản mô hình phân loại", version_id)
    return version
