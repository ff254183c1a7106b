"""Queries an import makes to find rows already imported (its rows are written by recording.write_all)."""

import uuid
from itertools import islice

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.petitions.models import ImportRecord, Petition

# Pairs per query: at most twice as many bound parameters, well inside SQLite's and PostgreSQL's limits
# (32,766 and 32,767); a 5,000-row file is one query.
CHUNK = 5000


async def same_file(session: AsyncSession, sha256: str) -> ImportRecord | None:
    query = select(ImportRecord).where(ImportRecord.sha256 == sha256, ImportRecord.rows_taken > 0) \
        .order_by(ImportRecord.created_at).limit(1)
    return (await session.scalars(query)).first()


async def recorded_contents(session: AsyncSession, pairs: set[tuple[uuid.UUID, str]],
                            ) -> dict[tuple[uuid.UUID, str], tuple[uuid.UUID, str]]:
    """{(meeting id, content): (petition id, code)} of the pairs already recorded (withdrawn ones do not count).

    Asked as "meeting in (...) and content in (...)", the pairs themselves matched here: PostgreSQL hashes
    a list of plain values but compares a list of pairs one by one with every petition of the meeting
    (1-2 s for 5,000 pairs against a meeting of 20,000 petitions, against 0.05 s).
    """
    found: dict = {}
    remaining = iter(sorted(pairs))
    while chunk := list(islice(remaining, CHUNK)):
        query = select(Petition.meeting_id, Petition.content, Petition.id, Petition.code).where(
            Petition.meeting_id.in_({meeting_id for meeting_id, _ in chunk}),
            Petition.content.in_({content for _, content in chunk}), Petition.withdrawn_at.is_(None))
        for meeting_id, content, petition_id, code in await session.execute(query):
            if (meeting_id, content) in pairs:
                found.setdefault((meeting_id, content), (petition_id, code))
    return found


async def add_record(session: AsyncSession, record: ImportRecord) -> None:
    session.add(record)
    await session.flush()
