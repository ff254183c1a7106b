from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.routing.catalog import repository as catalog_repository
from services.routing.learning.models import ModelVersion, TrainingExample


async def add_example(db: AsyncSession, example: TrainingExample) -> None:
    db.add(example)
    await db.flush()


async def examples(db: AsyncSession) -> list[TrainingExample]:
    return list(await db.scalars(select(TrainingExample).order_by(TrainingExample.id)))


def _active_version_query():
    """The newest active version (two replicas starting on an empty database may both train one)."""
    return select(func.max(ModelVersion.id)).where(ModelVersion.active.is_(True)).scalar_subquery()


async def active_version_id(db: AsyncSession) -> int | None:
    return await db.scalar(select(_active_version_query()))


async def catalog_revision_and_active_version(db: AsyncSession) -> tuple[int, int | None]:
    """Both in one statement: asked before every consumer batch, where each round trip is milliseconds."""
    revision, version_id = (await db.execute(select(catalog_repository.revision_query(),
                                                    _active_version_query()))).one()
    return revision or 0, version_id


async def get_version(db: AsyncSession, version_id: int) -> ModelVersion | None:
    return await db.get(ModelVersion, version_id)


async def list_versions(db: AsyncSession, limit: int) -> list[ModelVersion]:
    query = select(ModelVersion).options(defer(ModelVersion.model)).order_by(ModelVersion.id.desc()).limit(limit)
    return list(await db.scalars(query))


async def add_version(db: AsyncSession, version: ModelVersion) -> None:
    db.add(version)
    await db.flush()


async def activate(db: AsyncSession, version_id: int) -> None:
    await db.execute(update(ModelVersion).where(ModelVersion.id != version_id, ModelVersion.active.is_(True))
                     .values(active=False))
    await db.execute(update(ModelVersion).where(ModelVersion.id == version_id).values(active=True))
