"""The spot-check draw (giám sát xác suất) over 10,000 petitions reported resolved, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_spot_check.py [--petitions 10000]

Monitoring's database holds `--petitions` petitions resolved within one month by 20 agencies; the draw is
what POST /spot-checks does (spot_checks.service.create, committed): read the lot, order each agency's
petitions by their SHA-256 keys, plan the two stages and write the spot check with every ranked item.
Beside it, in the same run, the read of the lot alone (the query the draw starts with). Median of 5.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.monitoring.base import InboxEntry, OutboxMessage  # noqa: E402
from services.monitoring.settings import MonitoringSettings  # noqa: E402
from services.monitoring.spot_checks import service as spot_check_service  # noqa: E402
from services.monitoring.spot_checks.schemas import SpotCheckCreate  # noqa: E402
from services.monitoring.tracking import service as petition_service  # noqa: E402
from services.monitoring.tracking.deadlines import local_day_start  # noqa: E402
from services.monitoring.tracking.models import Petition  # noqa: E402
from shared.auth import Principal  # noqa: E402
from shared.db import make_engine, make_session_factory  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.unit_of_work import UnitOfWork  # noqa: E402
from tests.support.servers import postgres_bin_dir, throwaway_postgres  # noqa: E402

MIGRATIONS = ROOT / "services" / "monitoring" / "migrations"
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
AGENCIES = [f"08.S{index:02d}" for index in range(20)]
ROUNDS = 5


def resolved_rows(petitions: int) -> list[dict]:
    start = datetime(2026, 10, 1, 3, tzinfo=UTC)
    rows = []
    for index in range(petitions):
        received = start - timedelta(days=60, minutes=index)
        resolved = start + timedelta(minutes=(index * 4) % (29 * 24 * 60))
        rows.append(dict(id=uuid.uuid4(), code=f"KN-2026-{index + 1:06d}", unit_code="08", status="resolved",
                         level="province", agency_code=AGENCIES[index % len(AGENCIES)], topic="giao_thong",
                         received_at=received, assigned_at=received + timedelta(hours=1),
                         answered_at=resolved, resolved_at=resolved, changed_at=resolved))
    return rows


async def measure(database_url: str, petitions: int) -> tuple[float, float, int]:
    """(draw ms, lot read ms, items drawn), medians of ROUNDS."""
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)
    settings = MonitoringSettings(database_url=database_url, environment="test")
    payload = SpotCheckCreate(period_from=MONTH[0], period_to=MONTH[1], assigned_to="Ban Pháp chế")
    user = Principal("bench-committee", "committee")
    try:
        async with engine.begin() as connection:
            await connection.execute(Petition.__table__.insert(), resolved_rows(petitions))

        def unit_of_work() -> UnitOfWork:
            return UnitOfWork(session_factory, OutboxMessage, InboxEntry, source="monitoring")

        draws, reads, items = [], [], 0
        start, end = local_day_start(MONTH[0], settings.tz), local_day_start(MONTH[1], settings.tz, 1)
        for _ in range(ROUNDS):
            async with unit_of_work() as uow:
                began = time.perf_counter()
                lot = await petition_service.resolved_between(uow, start, end, None, None)
                reads.append(time.perf_counter() - began)
            async with unit_of_work() as uow:
                began = time.perf_counter()
                await spot_check_service.create(uow, payload, user, settings, datetime.now(UTC))
                await uow.commit()
                draws.append(time.perf_counter() - began)
            items = len(lot)
        return statistics.median(draws) * 1000, statistics.median(reads) * 1000, items
    finally:
        await engine.dispose()


def both(petitions: int) -> list[tuple[str, tuple[float, float, int]]]:
    found = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/monitoring.db"
        upgrade(MIGRATIONS, url)
        found.append(("sqlite", asyncio.run(measure(url, petitions))))
    if postgres_bin_dir() is not None:
        with throwaway_postgres() as cluster:
            url = cluster.create_database("bench")
            upgrade(MIGRATIONS, url)
            found.append(("postgres", asyncio.run(measure(url, petitions))))
    return found


def rows(quick: bool) -> list[dict]:
    """`make bench`: the draw over 10,000 resolved petitions in both runs (filling them takes seconds)."""
    from benchmarks.table import row

    return [row("spot-check", f"draw over {items:,} resolved petitions, {len(AGENCIES)} agencies", draw, "ms",
                db=db, baseline=read, baseline_of="reading the lot alone",
                note=f"median of {ROUNDS}; the draw writes every ranked item (issue 14 sets no target)")
            for db, (draw, read, items) in both(10_000)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=10_000)
    args = parser.parse_args()
    for db, (draw, read, items) in both(args.petitions):
        print(f"{db}: draw over {items:,} resolved petitions {draw:.0f} ms (median of {ROUNDS}); "
              f"reading the lot alone {read:.1f} ms")


if __name__ == "__main__":
    main()
