"""Queries for spot-checks: the lots to draw from, the stored plan, sample and findings."""

import uuid
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.spot_checks.models import (
    SpotCheck,
    SpotCheckFinding,
    SpotCheckItem,
    SpotCheckLot,
)


def add(session: AsyncSession, spot_check: SpotCheck, lots: list[SpotCheckLot]) -> None:
    session.add(spot_check)
    session.add_all(lots)


async def add_items(session: AsyncSession, rows: list[dict]) -> None:
    await session.flush()
    for start in range(0, len(rows), 5000):
        await session.execute(insert(SpotCheckItem), rows[start:start + 5000])


async def get(session: AsyncSession, spot_check_id: uuid.UUID) -> SpotCheck | None:
    return await session.get(SpotCheck, spot_check_id)


async def lots(session: AsyncSession, spot_check_id: uuid.UUID) -> list[SpotCheckLot]:
    result = await session.scalars(select(SpotCheckLot).where(SpotCheckLot.spot_check_id == spot_check_id)
                                   .order_by(SpotCheckLot.agency_code))
    return list(result)


async def lot(session: AsyncSession, spot_check_id: uuid.UUID, agency_code: str) -> SpotCheckLot | None:
    return await session.get(SpotCheckLot, (spot_check_id, agency_code), with_for_update=True)


async def item(session: AsyncSession, spot_check_id: uuid.UUID, petition_id: uuid.UUID) -> SpotCheckItem | None:
    return await session.get(SpotCheckItem, (spot_check_id, petition_id))


async def sample(session: AsyncSession, spot_check_id: uuid.UUID) -> list[SpotCheckItem]:
    """Sampled items, lot by lot in draw order."""
    result = await session.scalars(
        select(SpotCheckItem)
        .where(SpotCheckItem.spot_check_id == spot_check_id, SpotCheckItem.stage.is_not(None))
        .order_by(SpotCheckItem.agency_code, SpotCheckItem.rank))
    return list(result)


async def latest_findings(session: AsyncSession, spot_check_id: uuid.UUID) -> dict[uuid.UUID, SpotCheckFinding]:
    result = await session.scalars(select(SpotCheckFinding).where(SpotCheckFinding.spot_check_id == spot_check_id)
                                   .order_by(SpotCheckFinding.id))
    return {finding.petition_id: finding for finding in result}  # later findings overwrite earlier ones


def add_finding(session: AsyncSession, finding: SpotCheckFinding) -> None:
    session.add(finding)


async def draw_second_stage(session: AsyncSession, lot: SpotCheckLot, at: datetime) -> None:
    """Add the next n2 items of the lot's SHA-256 order (ranks n1+1 .. n1+n2) to the sample."""
    await session.execute(
        update(SpotCheckItem)
        .where(SpotCheckItem.spot_check_id == lot.spot_check_id, SpotCheckItem.agency_code == lot.agency_code,
               SpotCheckItem.rank > lot.n1, SpotCheckItem.rank <= lot.n1 + (lot.n2 or 0))
        .values(stage=2)
    )
    lot.second_stage_drawn_at = at


async def created_between(session: AsyncSession, start: datetime, end: datetime) -> list[SpotCheck]:
    result = await session.scalars(select(SpotCheck).where(SpotCheck.created_at >= start, SpotCheck.created_at < end)
                                   .order_by(SpotCheck.created_at))
    return list(result)


async def recent(session: AsyncSession, limit: int) -> list[SpotCheck]:
    return list(await session.scalars(select(SpotCheck).order_by(SpotCheck.created_at.desc()).limit(limit)))

