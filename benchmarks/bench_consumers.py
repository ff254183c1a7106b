"""Monitoring's consumer working off a backlog: events applied per second on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_consumers.py [--petitions 2500] [--only sqlite|postgres]

A real nats-server and the monitoring service (its lifespan: consumers, outbox relay) run in this
process; `--petitions` petitions (a received and a routed event each) are published first, then the
service starts and the time until its inbox holds every event is measured (start-up included). PostgreSQL runs twice in a throwaway cluster:
as the tests run it (fsync and synchronous_commit off) and durable, as production would.
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nats  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from services.monitoring.app import create_app  # noqa: E402
from services.monitoring.base import InboxEntry  # noqa: E402
from services.monitoring.settings import MonitoringSettings  # noqa: E402
from shared.events import PetitionReceived, PetitionRouted, make_envelope  # noqa: E402
from shared.messaging import ensure_stream  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from tests.support.apps import running_app  # noqa: E402
from tests.support.servers import NatsServer, throwaway_postgres  # noqa: E402

MIGRATIONS = ROOT / "services" / "monitoring" / "migrations"
AGENCIES = [("08.SGTVT", "province"), ("076.UBND", "district"), ("08.SYT", "province"), ("02545.UBND", "commune")]


def backlog(petitions: int) -> list:
    start = datetime.now(timezone.utc) - timedelta(days=90)
    envelopes = []
    for index in range(petitions):
        petition_id, at = uuid.uuid4(), start + timedelta(minutes=index)
        agency_code, level = AGENCIES[index % len(AGENCIES)]
        envelopes.append(make_envelope("intake", petition_id, PetitionReceived(
            code=f"KN-2025-{index:06d}", session_id=uuid.uuid4(), meeting_id=uuid.uuid4(),
            meeting_kind="voter_meeting", meeting_unit_code="070", unit_code="070",
            content="Cử tri đề nghị sửa chữa đường liên thôn bị sạt lở.", held_on=at.date(), created_at=at,
        ), occurred_at=at))
        envelopes.append(make_envelope("routing", petition_id, PetitionRouted(
            level=level, agency_code=agency_code, topic="giao_thong", decided_by="classifier",
        ), occurred_at=at + timedelta(hours=1), sequence=1))
    return envelopes


async def publish(nats_url: str, envelopes: list) -> None:
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, "PETITIONS")
        for chunk in range(0, len(envelopes), 500):
            await asyncio.gather(*(js.publish(e.subject, e.model_dump_json().encode(),
                                              headers={"Nats-Msg-Id": str(e.id)})
                                   for e in envelopes[chunk:chunk + 500]))
    finally:
        await connection.close()


async def drain_backlog(database_url: str, nats_url: str, run_dir: Path, expected: int) -> tuple[float, float, int]:
    """(seconds from start-up, seconds from the first applied event, events applied by then) to drain it all."""
    settings = MonitoringSettings(run_dir=run_dir, database_url=database_url, nats_url=nats_url,
                                  environment="test", log_level="WARNING")
    application = create_app(settings)
    started, first = time.perf_counter(), None
    async with running_app(application):
        runtime = application.state.runtime
        while True:
            async with runtime.session_factory() as session:
                applied = await session.scalar(select(func.count()).select_from(InboxEntry))
            if applied and first is None:
                first = (time.perf_counter(), applied)
            if applied >= expected:
                return time.perf_counter() - started, time.perf_counter() - first[0], expected - first[1]
            await asyncio.sleep(0.25)  # rarely: on SQLite every transaction takes the write lock


def measure(kind: str, database_url: str, petitions: int) -> tuple[int, float, float]:
    """(events, events/s with start-up, events/s once consuming) for a backlog of `petitions` × 2 events."""
    upgrade(MIGRATIONS, database_url)
    server = NatsServer()
    server.start()
    try:
        envelopes = backlog(petitions)
        asyncio.run(publish(server.url, envelopes))
        with tempfile.TemporaryDirectory() as run_dir:
            total, steady, counted = asyncio.run(drain_backlog(database_url, server.url, Path(run_dir),
                                                               len(envelopes)))
        print(f"monitoring consumer, {kind}: {len(envelopes):,} events in {total:.1f} s with start-up "
              f"= {len(envelopes) / total:,.0f} events/s; once consuming {counted / steady:,.0f} events/s",
              flush=True)
        return len(envelopes), len(envelopes) / total, counted / steady
    finally:
        server.cleanup()


TARGETS = {"sqlite": 500.0, "postgres": 1000.0}


def rows(quick: bool) -> list[dict]:
    """`make bench`: a backlog of 10,000 events (2,000 in the quick run), SQLite and PostgreSQL."""
    from benchmarks.table import row

    petitions = 1000 if quick else 5000
    found = []
    with tempfile.TemporaryDirectory() as folder:
        found.append(("sqlite", measure("SQLite", f"sqlite+aiosqlite:///{folder}/monitoring.db", petitions)))
    with throwaway_postgres() as cluster:
        found.append(("postgres", measure("PostgreSQL", cluster.create_database("bench"), petitions)))
    return [row("consumers", f"monitoring events applied /s, backlog of {events:,}", steady, "/s", db=db,
                baseline=with_start, baseline_of="/s with start-up", target=f">= {TARGETS[db]:,.0f}/s",
                met=steady >= TARGETS[db]) for db, (events, with_start, steady) in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=2500)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite+aiosqlite:///{folder}/monitoring.db", args.petitions)
    if args.only == "sqlite":
        return
    with throwaway_postgres() as cluster:
        measure("PostgreSQL (fsync off, as in the tests)", cluster.create_database("bench"), args.petitions)
    with throwaway_postgres(durable=True) as cluster:
        measure("PostgreSQL (fsync on, synchronous commit)", cluster.create_database("bench"), args.petitions)

if __name__ == "__main__":
    main()
