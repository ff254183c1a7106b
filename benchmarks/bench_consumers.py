"""Routing's and monitoring's consumers working off a backlog: events applied per second, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_consumers.py [--petitions 2500] [--only sqlite|postgres]
        [--service monitoring|routing]

A real nats-server and the service (its lifespan: consumers, outbox relay) run in this process; the
backlog is published first, then the service starts and the time until its inbox holds every event is
measured (start-up included). Monitoring gets `--petitions` petitions, a received and a routed event
each; routing gets twice as many received events (the same number of events), each an invented labelled
petition that it classifies and assigns. PostgreSQL runs twice in a throwaway cluster:
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

from benchmarks.workload import labelled_petitions  # noqa: E402
from services.monitoring.app import create_app as monitoring_app  # noqa: E402
from services.monitoring.base import InboxEntry as MonitoringInbox  # noqa: E402
from services.monitoring.settings import MonitoringSettings  # noqa: E402
from services.routing.app import create_app as routing_app  # noqa: E402
from services.routing.base import InboxEntry as RoutingInbox  # noqa: E402
from services.routing.settings import RoutingSettings  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.events import PetitionReceived, PetitionRouted, make_envelope  # noqa: E402
from shared.messaging import ensure_stream  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from tests.support.apps import running_app  # noqa: E402
from tests.support.servers import NatsServer, throwaway_postgres  # noqa: E402

SERVICES = {"monitoring": (monitoring_app, MonitoringSettings, MonitoringInbox),
            "routing": (routing_app, RoutingSettings, RoutingInbox)}
ROAD_PETITION = "Cử tri đề nghị sửa chữa đường liên thôn bị sạt lở."
AGENCIES = [("08.SGTVT", "province"), ("076.UBND", "district"), ("08.SYT", "province"), ("02545.UBND", "commune")]


def backlog(petitions: int, service: str = "monitoring") -> list:
    """Monitoring: a received and a routed event per petition; routing: received events only, as many."""
    return _received_only(2 * petitions) if service == "routing" else _received_and_routed(petitions)


def _received_only(petitions: int) -> list:
    start, texts = datetime.now(timezone.utc) - timedelta(days=90), labelled_petitions()
    items = [texts[index % len(texts)] for index in range(petitions)]
    return [_received(index, uuid.uuid4(), start + timedelta(minutes=index), item["meeting_unit"], item["content"])
            for index, item in enumerate(items)]


def _received_and_routed(petitions: int) -> list:
    start = datetime.now(timezone.utc) - timedelta(days=90)
    envelopes = []
    for index in range(petitions):
        petition_id, at = uuid.uuid4(), start + timedelta(minutes=index)
        agency_code, level = AGENCIES[index % len(AGENCIES)]
        envelopes.append(_received(index, petition_id, at, "070", ROAD_PETITION))
        envelopes.append(make_envelope("routing", petition_id, PetitionRouted(
            level=level, agency_code=agency_code, topic="giao_thong", decided_by="classifier",
        ), occurred_at=at + timedelta(hours=1), sequence=1))
    return envelopes


def _received(index: int, petition_id: uuid.UUID, at: datetime, unit_code: str, content: str):
    return make_envelope("intake", petition_id, PetitionReceived(
        code=f"KN-2025-{index:06d}", session_id=uuid.uuid4(), meeting_id=uuid.uuid4(), meeting_kind="voter_meeting",
        meeting_unit_code=unit_code, unit_code=unit_code, content=content, voters_count=12, held_on=at.date(),
        created_at=at), occurred_at=at)


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


async def drain_backlog(service: str, database_url: str, nats_url: str, run_dir: Path,
                        expected: int) -> tuple[float, float, int]:
    """(seconds from start-up, seconds from the first applied event, events applied by then) to drain it all."""
    create_app, settings_class, InboxEntry = SERVICES[service]
    settings = settings_class(run_dir=run_dir, database_url=database_url, nats_url=nats_url,
                              environment="test", log_level="WARNING")
    application = create_app(settings)
    started = time.perf_counter()
    # Counted from outside the service, from before its start: its consumers may begin while its start-up
    # still runs (routing trains its first model then), and the first events must be seen as they land.
    watching = asyncio.create_task(_watch_inbox(make_engine(database_url), InboxEntry, expected))
    try:
        async with running_app(application):
            first_at, first_count, done_at = await watching
    finally:
        watching.cancel()  # a service that failed to start leaves nobody waiting for it
    return done_at - started, done_at - first_at, expected - first_count


async def _watch_inbox(engine, inbox, expected: int) -> tuple[float, int, float]:
    """(when the first event was applied, how many were by then, when all were)."""
    first = None
    try:
        while True:
            async with engine.connect() as connection:
                applied = await connection.scalar(select(func.count()).select_from(inbox))
            if applied and first is None:
                first = (time.perf_counter(), applied)
            if applied >= expected:
                return first[0], first[1], time.perf_counter()
            await asyncio.sleep(0.25)  # rarely: on SQLite every transaction takes the write lock
    finally:
        await engine.dispose()


def measure(kind: str, database_url: str, petitions: int, service: str = "monitoring") -> tuple[int, float, float]:
    """(events, events/s with start-up, events/s once consuming) for a backlog of `petitions` × 2 events."""
    upgrade(ROOT / "services" / service / "migrations", database_url)
    server = NatsServer()
    server.start()
    try:
        envelopes = backlog(petitions, service)
        asyncio.run(publish(server.url, envelopes))
        with tempfile.TemporaryDirectory() as run_dir:
            total, steady, counted = asyncio.run(drain_backlog(service, database_url, server.url, Path(run_dir),
                                                               len(envelopes)))
        # All applied before the first look (a small backlog): only the rate with start-up is known.
        consuming = counted / steady if counted else len(envelopes) / total
        print(f"{service} consumer, {kind}: {len(envelopes):,} events in {total:.1f} s with start-up "
              f"= {len(envelopes) / total:,.0f} events/s; once consuming {consuming:,.0f} events/s",
              flush=True)
        return len(envelopes), len(envelopes) / total, consuming
    finally:
        server.cleanup()


TARGETS = {"sqlite": 500.0, "postgres": 1000.0}


def rows(quick: bool) -> list[dict]:
    """`make bench`: a backlog of 10,000 events (2,000 in the quick run) for each consumer, SQLite and PostgreSQL."""
    from benchmarks.table import row

    petitions = 1000 if quick else 5000
    found = []
    for service in SERVICES:
        # Routing's start trains its first model (~10 s): the quick run keeps it to PostgreSQL, inside 3 min.
        if not (quick and service == "routing"):
            with tempfile.TemporaryDirectory() as folder:
                found.append((service, "sqlite", measure("SQLite", f"sqlite+aiosqlite:///{folder}/{service}.db",
                                                         petitions, service)))
        with throwaway_postgres() as cluster:
            found.append((service, "postgres", measure("PostgreSQL", cluster.create_database("bench"), petitions,
                                                       service)))
    # The targets were set for monitoring; routing classifies every event, and has none of its own.
    return [row("consumers", f"{service} events applied /s, backlog of {events:,}", steady, "/s", db=db,
                baseline=with_start, baseline_of="with start-up",
                target=f">= {TARGETS[db]:,.0f}/s" if service == "monitoring" else "",
                met=steady >= TARGETS[db] if service == "monitoring" else None)
            for service, db, (events, with_start, steady) in found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=2500)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--service", choices=list(SERVICES), default="monitoring")
    args = parser.parse_args()
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as folder:
            measure("SQLite", f"sqlite+aiosqlite:///{folder}/{args.service}.db", args.petitions, args.service)
    if args.only == "sqlite":
        return
    with throwaway_postgres() as cluster:
        measure("PostgreSQL (fsync off, as in the tests)", cluster.create_database("bench"), args.petitions,
                args.service)
    with throwaway_postgres(durable=True) as cluster:
        measure("PostgreSQL (fsync on, synchronous commit)", cluster.create_database("bench"), args.petitions,
                args.service)

if __name__ == "__main__":
    main()
