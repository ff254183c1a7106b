"""The monthly report's SQL aggregates. Nothing here loads petitions one by one."""

from datetime import datetime

from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.tracking.models import Petition, PetitionVersion as V

UNASSIGNED = "unassigned"
UNCLASSIFIED = "unclassified"


def _timeliness(at: datetime):
    answered = V.answered_at.is_not(None)
    return case(
        (V.deadline_at.is_(None), literal("not_assigned")),
        (and_(answered, V.answered_at < V.deadline_at), literal("on_time")),
        (answered, literal("late")),
        (V.deadline_at <= at, literal("overdue")),
        else_=literal("within_deadline"),
    )


def _valid_at(at: datetime):
    return and_(V.valid_from <= at, V.valid_to > at)


async def state_cube(session: AsyncSession, at: datetime) -> list[dict]:
    """Petitions by (status, level, agency, topic, timeliness) as they stood at `at`: one row per combination."""
    state = select(
        V.status, func.coalesce(V.level, UNASSIGNED).label("level"),
        func.coalesce(V.agency_code, UNASSIGNED).label("agency_code"),
        func.coalesce(V.topic, UNCLASSIFIED).label("topic"), _timeliness(at).label("timeliness"),
    ).where(_valid_at(at)).subquery()
    columns = [state.c.status, state.c.level, state.c.agency_code, state.c.topic, state.c.timeliness]
    rows = await session.execute(select(*columns, func.count().label("count")).group_by(*columns))
    return [dict(row._mapping) for row in rows]


async def overdue(session: AsyncSession, at: datetime, limit: int) -> list[dict]:
    """Petitions unanswered past their deadline at `at`, most overdue first."""
    stmt = (
        select(V.petition_id, Petition.code, V.status, V.level, V.agency_code, V.topic, V.deadline_at)
        .join(Petition, Petition.id == V.petition_id)
        .where(_valid_at(at), V.answered_at.is_(None), V.deadline_at.is_not(None), V.deadline_at <= at)
        .order_by(V.deadline_at, V.petition_id).limit(limit)
    )
    return [dict(row._mapping) for row in await session.execute(stmt)]


async def received_between(session: AsyncSession, start: datetime, end: datetime) -> int:
    stmt = select(func.count()).select_from(Petition).where(Petition.received_at >= start, Petition.received_at < end)
    return await session.scalar(stmt) or 0


async def entered_between(session: AsyncSession, status: str, start: datetime, end: datetime) -> int:
    """Petitions that entered `status` in [start, end) (each counted once)."""
    stmt = select(func.count(distinct(V.petition_id))).where(
        V.status_entered, V.status == status, V.valid_from >= start, V.valid_from < end)
    return await session.scalar(stmt) or 0


async def repeated_matters(session: AsyncSession, at: datetime, limit: int) -> tuple[int, int, list[dict]]:
    """(petitions in repeated matters, repeated matters, the most repeated) among petitions received by `at`."""
    per_matter = (select(Petition.matter_id, func.count().label("petitions"))
                  .where(Petition.matter_id.is_not(None), Petition.received_at <= at)
                  .group_by(Petition.matter_id).having(func.count() > 1).subquery())
    totals = (await session.execute(select(func.coalesce(func.sum(per_matter.c.petitions), 0), func.count())
                                    .select_from(per_matter))).one()
    top = await session.execute(
        select(per_matter.c.matter_id, per_matter.c.petitions, Petition.code, Petition.status,
               Petition.agency_code, Petition.topic)
        .join(Petition, Petition.id == per_matter.c.matter_id, isouter=True)
        .order_by(per_matter.c.petitions.desc(), per_matter.c.matter_id).limit(limit))
    return int(totals[0]), int(totals[1]), [dict(row._mapping) for row in top]
