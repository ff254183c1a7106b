"""Queries an import makes to find rows already imported."""

import uuid
from itertools import islice

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions.models import ImportRecord, Petition

CHUNK = 500  # pairs per query: well inside every database's limit on bound parameters


async def same_file(session: AsyncSession, sha256: str) -> ImportRecord | None:
    query = select(ImportRecord).where(ImportRecord.sha256 == sha256, ImportRecord.rows_taken > 0) \
        .order_by(ImportRecord.created_at).limit(1)
    return (await session.scalars(query)).first()


async def recorded_contents(session: AsyncSession, pairs: set[tuple[uuid.UUID, str]],
                            ) -> dict[tuple[uuid.UUID, str], tuple[uuid.UUID, str]]:
    """{(meeting id, content): (petition id, code)} of the pairs already recorded (withdrawn ones do not count)."""
    found: dict = {}
    remaining = iter(sorted(pairs))
    while chunk := list(islice(remaining, CHUNK)):
        query = select(Petition.meeting_id, Petition.content, Petition.id, Petition.code).where(
            tuple_(Petition.meeting_id, Petition.content).in_(chunk), Petition.withdrawn_at.is_(None))
        for meeting_id, content, petition_id, code in await session.execute(query):
            found.setdefault((meeting_id, content), (petition_id, code))
    return found


async def add_record(session: AsyncSession, record: ImportRecord) -> None:
    session.add(record)
    await session.flush()
