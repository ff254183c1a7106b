"""Pooled PostgreSQL connections: a server restart or an ended session never reaches the next caller."""

import asyncio

import pytest
from sqlalchemy import text

from shared import db
from tests.support.servers import postgres_bin_dir, throwaway_postgres


@pytest.fixture
def own_cluster():
    """A cluster of the test's own: restarting the session's would cut every other fixture's connections."""
    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL binaries (initdb/pg_ctl) are absent on this machine")
    with throwaway_postgres() as cluster:
        yield cluster


async def _backend(engine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_after_a_restart_the_next_checkout_gets_a_live_connection(own_cluster):
    engine = db.make_engine(own_cluster.create_database())
    try:
        before = await _backend(engine)
        await asyncio.to_thread(own_cluster.restart)
        await asyncio.sleep(0.2)  # the driver reads the server's goodbye
        assert await _backend(engine) != before
    finally:
        await engine.dispose()


async def test_a_session_ended_by_the_server_is_replaced(own_cluster):
    engine = db.make_engine(own_cluster.create_database())
    try:
        async with engine.connect() as pooled, engine.connect() as other:
            ended = (await pooled.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            await pooled.commit()
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
        await asyncio.sleep(0.2)
        async with engine.connect() as first, engine.connect() as second:  # the pool's two, or new ones
            pids = [(await each.execute(text("SELECT pg_backend_pid()"))).scalar_one() for each in (first, second)]
        assert ended not in pids
    finally:
        await engine.dispose()


async def test_a_checkout_costs_no_round_trip(own_cluster):
    """Each transaction used to begin with a ping (BEGIN, `;`, ROLLBACK): three round trips to the server
    on the core the services share, for every transaction of every consumer, relay and request."""
    engine = db.make_engine(own_cluster.create_database())
    sent: list[str] = []
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            raw.driver_connection.add_query_logger(lambda record: sent.append(record.query.strip()))
        for _ in range(3):
            async with engine.connect() as connection:  # the pool's one connection, checked out again
                await connection.execute(text("SELECT 1"))
                await connection.commit()
        assert [query for query in sent if query.upper() != "SELECT 1"] == ["BEGIN;", "COMMIT;"] * 3
    finally:
        await engine.dispose()
