"""The handbook's commands on a real database (SQLite and PostgreSQL): outbox replay and prune,
the wait for a migrated schema that holds new pods back, and a replay after NATS lost everything."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from scripts import outbox
from scripts.migrate import wait_for_schema
from services.intake.base import OutboxMessage
from shared.db import make_engine
from shared.migrations import upgrade
from tests.support.events import stream_events, wait_for_events
from tests.support.intake import MIGRATIONS, intake_client, make_meeting
from tests.support.servers import NatsServer

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def _add_rows(url: str, *rows: tuple[datetime, datetime | None]) -> list[str]:
    """Outbox rows as (created_at, published_at); returns their event ids in order."""
    ids = [str(uuid.uuid4()) for _ in rows]
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(insert(OutboxMessage.__table__), [
            {"event_id": event_id, "subject": "petitions.received", "payload": "{}", "created_at": created,
             "published_at": published} for event_id, (created, published) in zip(ids, rows)])
    await engine.dispose()
    return ids


async def _state(url: str) -> dict[str, bool]:
    """event id -> published?"""
    engine = make_engine(url)
    async with engine.connect() as connection:
        rows = (await connection.execute(select(OutboxMessage.event_id, OutboxMessage.published_at))).all()
    await engine.dispose()
    return {event_id: published is not None for event_id, published in rows}


@pytest.fixture
async def intake_db(database_url):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    return database_url


async def test_replay_marks_published_rows_since_a_time_for_publishing_again(intake_db):
    old, recent, waiting = await _add_rows(intake_db, (NOW - timedelta(days=3), NOW - timedelta(days=3)),
                                           (NOW - timedelta(hours=1), NOW - timedelta(hours=1)),
                                           (NOW - timedelta(minutes=1), None))
    assert await outbox.replay(intake_db, since=NOW - timedelta(days=1)) == 1
    assert await _state(intake_db) == {old: True, recent: False, waiting: False}
    assert await outbox.replay(intake_db) == 1
    assert await _state(intake_db) == {old: False, recent: False, waiting: False}
    assert await outbox.pending(intake_db) == 3


async def test_prune_deletes_only_rows_published_before_the_cutoff_in_batches(intake_db, monkeypatch):
    monkeypatch.setattr(outbox, "PRUNE_BATCH", 2)
    long_ago = NOW - timedelta(days=40)
    pruned = await _add_rows(intake_db, *[(long_ago, long_ago)] * 5)
    kept = await _add_rows(intake_db, (long_ago, NOW - timedelta(days=10)), (long_ago, None))
    assert await outbox.prune(intake_db, timedelta(days=30), now=NOW) == len(pruned)
    assert set(await _state(intake_db)) == set(kept)


async def test_the_schema_wait_holds_until_the_job_has_migrated(database_url):
    assert not await asyncio.to_thread(wait_for_schema, MIGRATIONS, database_url, 0.3, 0.1)
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    assert await asyncio.to_thread(wait_for_schema, MIGRATIONS, database_url, 5, 0.1)


def test_replay_wants_a_time_with_its_offset():
    with pytest.raises(SystemExit):
        outbox._parser().parse_args(["replay", "intake", "--since", "2026-12-01T00:00:00"])
    args = outbox._parser().parse_args(["replay", "intake", "--since", "2026-12-01T00:00:00+07:00"])
    assert args.since == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_after_a_nats_loss_a_replay_publishes_every_kept_event_again(database_url, tmp_path):
    """The handbook's procedure: NATS comes back empty, the service restarts, `outbox replay` runs."""
    lost, fresh = NatsServer(), NatsServer()
    lost.start()
    try:
        async with intake_client(database_url, lost.url, tmp_path) as intake:
            headers = intake.headers_for("secretariat")
            meeting = await make_meeting(intake, headers)
            ids = {(await intake.post("/petitions", headers=headers, json={
                "meeting_id": meeting["id"], "content": f"Cử tri đề nghị sửa đường liên thôn số {n}."})).json()["id"]
                for n in range(3)}
            await wait_for_events(lost.url, "petitions.received", ids)
            published = sorted(env["id"] for _, env in await stream_events(lost.url))
        lost.cleanup()  # the whole cluster and its volumes are gone
        fresh.start()
        async with intake_client(database_url, fresh.url, tmp_path):
            await asyncio.sleep(1)
            assert await stream_events(fresh.url) == []  # nothing comes back by itself
            assert await outbox.replay(database_url) == len(published)
            await wait_for_events(fresh.url, "petitions.received", ids)
            await asyncio.sleep(0.5)
            assert sorted(env["id"] for _, env in await stream_events(fresh.url)) == published
    finally:
        lost.cleanup()
        fresh.cleanup()
