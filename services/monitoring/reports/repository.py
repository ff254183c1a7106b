"""The monthly report's SQL aggregates. Nothing here loads petitions one by one."""

from datetime import datetime

from sqlalchemy import and_, case, distinct, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.monitoring.tracking.models import (
    DeadlineCount,
    MatterCount,
    Petition,
    StateCount,
    TopicCount,
)
from services.monitoring.tracking.models import PetitionVersion as V


def _valid_at(at: datetime):
    return and_(V.valid_from <= at, V.valid_to > at)


async def state_counts(session: AsyncSession, month: str) -> list[dict]:
    """Petitions by (status, level, agency) at the end of `month`, summed from the monthly ledger."""
    total = func.sum(StateCount.delta)
    keys = [StateCount.status, StateCount.level, StateCount.agency_code]
    rows = await session.execute(select(*keys, total.label("count")).where(StateCount.month <= month)
                                 .group_by(*keys).having(total != 0))
    return [row._asdict() for row in rows]


async def topic_counts(session: AsyncSession, month: str) -> dict[str, int]:
    total = func.sum(TopicCount.delta)
    rows = await session.execute(select(TopicCount.topic, total).where(TopicCount.month <= month)
                                 .group_by(TopicCount.topic).having(total != 0))
    return {topic: int(count) for topic, count in rows}


BEFORE_ANY_MONTH, AFTER_ANY_MONTH = "0000-00", "9999-99"


async def deadline_counts(session: AsyncSession, month: str) -> list[dict]:
    """Petitions by (agency, answer kind, deadline month of the unanswered) at the end of `month`.

    Only `month` itself is told apart: earlier deadline months come back as BEFORE_ANY_MONTH, later ones
    as AFTER_ANY_MONTH, so a long history sums to a few rows per agency in the database, not in Python.
    """
    deadline_month = case(
        (DeadlineCount.kind != "unanswered", DeadlineCount.deadline_month),
        (DeadlineCount.deadline_month < month, literal(BEFORE_ANY_MONTH)),
        (DeadlineCount.deadline_month > month, literal(AFTER_ANY_MONTH)),
        else_=DeadlineCount.deadline_month).label("deadline_month")
    total = func.sum(DeadlineCount.delta)
    keys = [DeadlineCount.agency_code, DeadlineCount.kind, deadline_month]
    rows = await session.execute(select(*keys, total.label("count")).where(DeadlineCount.month <= month)
                                 .group_by(*keys).having(total != 0))
    return [row._asdict() for row in rows]


async def unanswered_due_between(session: AsyncSession, start: datetime, end: datetime) -> dict[str, int]:
    """Unanswered petitions per agency whose deadline passed in [start, end] (their current state)."""
    rows = await session.execute(
        select(Petition.agency_code, func.count()).where(Petition.answered_at.is_(None), Petition.deadline_at >= start,
                                                         Petition.deadline_at <= end)
        .group_by(Petition.agency_code))
    return {agency_code or "unassigned": int(count) for agency_code, count in rows}


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
    """(petitions in repeated matters, repeated matters, the most repeated) among petitions received by `at`.

    A matter's petitions by `at` are its petitions now (the matters' ledger) less those received after
    `at`: for a recent month a few index entries, instead of counting every petition by matter.
    """
    repeated = MatterCount.delta > 1  # a matter has never had more petitions by `at` than now
    later = (select(Petition.matter_id, func.count().label("later"))
             .where(Petition.matter_id.is_not(None), Petition.received_at > at,  # IS NOT NULL: the partial index
                    Petition.matter_id.in_(select(MatterCount.matter_id).where(repeated)))
             .group_by(Petition.matter_id).subquery())
    petitions = (MatterCount.delta - func.coalesce(later.c.later, 0)).label("petitions")
    per_matter = (select(MatterCount.matter_id, petitions)
                  .join(later, later.c.matter_id == MatterCount.matter_id, isouter=True)
                  .where(repeated, petitions > 1).subquery())
    ranked = (select(per_matter.c.matter_id, per_matter.c.petitions,
                     func.count().over().label("matters"), func.sum(per_matter.c.petitions).over().label("in_matters"))
              .order_by(per_matter.c.petitions.desc(), per_matter.c.matter_id).limit(limit).subquery())
    rows = (await session.execute(
        select(ranked, Petition.code, Petition.status, Petition.agency_code, Petition.topic)
        .join(Petition, Petition.id == ranked.c.matter_id, isouter=True)
        .order_by(ranked.c.petitions.desc(), ranked.c.matter_id))).all()
    if not rows:
        return 0, 0, []
    top = [{key: row._mapping[key] for key in ("matter_id", "petitions", "code", "status", "agency_code", "topic")}
           for row in rows]
    return int(rows[0].in_matters), int(rows[0].matters), top
