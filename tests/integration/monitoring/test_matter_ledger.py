"""The matters' ledger gives the report the repeated-matters figures counting the petitions by matter gave.

Events arrive in batches through the consumer, with redeliveries and stale links; the old query (kept
here as the oracle) and the ledger must agree at every moment asked, and the migration fills the
ledger from petitions already linked.
"""

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from services.monitoring.reports import repository as report_repository
from services.monitoring.tracking import service as petition_service
from services.monitoring.tracking.models import MatterCount, Petition
from services.monitoring.tracking.schemas import StatusUpdate
from shared.auth import Principal
from shared.db import normalise_url
from shared.events import PetitionUnlinked, make_envelope
from shared.migrations import upgrade
from tests.support.monitoring import MIGRATIONS, linked, received, routed

START = datetime(2025, 1, 3, 2, tzinfo=UTC)


async def counted_from_petitions(session, at: datetime, limit: int) -> tuple[int, int, list[dict]]:
    """The report's figures as they were computed before the ledger: petitions grouped by matter."""
    per_matter = (select(Petition.matter_id, func.count().label("petitions"))
                  .where(Petition.matter_id.is_not(None), Petition.received_at <= at)
                  .group_by(Petition.matter_id).having(func.count() > 1).subquery())
    rows = (await session.execute(select(per_matter.c.matter_id, per_matter.c.petitions)
                                  .order_by(per_matter.c.petitions.desc(), per_matter.c.matter_id))).all()
    return (sum(row.petitions for row in rows), len(rows),
            [{"matter_id": row.matter_id, "petitions": row.petitions} for row in rows[:limit]])


def _events(rng: random.Random, count: int) -> tuple[list, list[uuid.UUID]]:
    """Receipts (some as repeats), routings, links re-pointed and undone, some with stale sequences."""
    events, ids, link_seq = [], [], {}
    for n in range(count):
        petition_id, at = uuid.uuid4(), START + timedelta(days=3 * n, hours=rng.uniform(0, 20))
        repeat_of = rng.choice(ids) if ids and rng.random() < 0.3 else None
        events += [received(petition_id, at, repeat_of=repeat_of), routed(petition_id, at + timedelta(hours=1))]
        ids.append(petition_id)
        for _ in range(rng.choice((0, 0, 1, 2))):
            target, earlier = rng.choice(ids), rng.choice(ids)
            if target == earlier:
                continue
            link_seq[target] = link_seq.get(target, 0) + 1
            seq = link_seq[target] if rng.random() < 0.85 else max(0, link_seq[target] - 2)  # some arrive stale
            events.append(make_envelope("intake", target, PetitionUnlinked(earlier_id=earlier, by="thu-ky"),
                                        occurred_at=at, sequence=seq) if rng.random() < 0.4
                          else linked(target, earlier, rng.choice((earlier, rng.choice(ids))), at, sequence=seq))
    return events, ids


async def _deliver_in_batches(runtime, rng: random.Random, events: list) -> None:
    delivered, position = [], 0
    while position < len(events):
        batch = events[position:position + rng.randint(1, 12)]
        position += len(batch)
        redelivered = rng.sample(delivered, min(len(delivered), rng.randint(0, 2)))  # applied before: skipped
        await runtime.consumers[0].apply_all(redelivered + batch)
        delivered += batch


async def _answer_some(runtime, settings, rng: random.Random, ids: list[uuid.UUID]) -> None:
    for petition_id in rng.sample(ids, len(ids) // 3):
        update = rng.choice([StatusUpdate(status="resolved", resolution="Đã sửa xong"),
                             StatusUpdate(status="in_progress", planned_completion=date(2030, 1, 1)),
                             StatusUpdate(status="returned", note="Không đúng thẩm quyền")])
        async with runtime.uow() as uow:
            user = Principal(sub="can-bo", role="agency", agency="08.SGTVT")
            await petition_service.update_status(uow, petition_id, update, user, datetime.now(UTC), settings.tz)
            await uow.commit()


async def test_ledger_figures_match_counting_petitions_by_matter(runtime, settings):
    rng = random.Random(14)
    events, ids = _events(rng, 60)
    await _deliver_in_batches(runtime, rng, events)
    await _answer_some(runtime, settings, rng, ids)
    async with runtime.uow() as uow:
        ledger = {row.matter_id: row.delta for row in await uow.session.scalars(select(MatterCount))}
        members = dict((await uow.session.execute(select(Petition.matter_id, func.count()).where(
            Petition.matter_id.is_not(None)).group_by(Petition.matter_id))).all())
        assert {key: delta for key, delta in ledger.items() if delta} == members
        assert max(members.values()) >= 3  # links and repeats did build matters of several petitions
        moments = [START + timedelta(days=days) for days in (0, 10, 31, 59, 90, 120, 150, 179)] + [datetime.now(UTC)]
        for at in moments:
            in_matters, matters, top = await report_repository.repeated_matters(uow.session, at, 5)
            assert (in_matters, matters, [{k: m[k] for k in ("matter_id", "petitions")} for m in top]) == \
                await counted_from_petitions(uow.session, at, 5), at


async def test_migration_counts_the_matters_already_linked(database_url):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url, "0003_perf_report_indexes")
    head, repeat, alone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [{"id": petition_id, "code": f"KN-{n}", "status": "awaiting_routing", "received_at": START,
             "changed_at": START, "disputed": False, "matter_id": matter_id}
            for n, (petition_id, matter_id) in enumerate([(head, head), (repeat, head), (alone, None)])]
    engine = create_async_engine(normalise_url(database_url))
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(Petition.__table__), rows)
        await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
        async with engine.connect() as connection:
            assert (await connection.execute(select(MatterCount.matter_id, MatterCount.delta))).all() == [(head, 2)]
    finally:
        await engine.dispose()
