from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.routing.learning.models import ModelVersion, TrainingExample


async def add_example(db: AsyncSession, example: TrainingExample) -> None:
    db.add(example)
    await db.flush()


async def examples(db: AsyncSession) -> list[TrainingExample]:
    return list(await db.scalars(select(TrainingExample).order_by(TrainingExample.id)))


async def active_version_id(db: AsyncSession) -> int | None:
    """The newest active version (two replicas starting on an empty database may both train one)."""
    return await db.scalar(select(func.max(ModelVersion.id)).where(ModelVersion.active.is_(True)))


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
