"""`make outbox-replay` / `make outbox-prune`: operator commands on one service's outbox table.

    python -m scripts.outbox replay SERVICE [--since 2026-12-01T00:00:00+07:00]
    python -m scripts.outbox prune SERVICE [--older-than-days 30]

replay marks the outbox rows created since the given time (all kept rows without --since) as not
published, so the service's running relay publishes them again, in their order (after a NATS loss:
README, handbook). Consumers apply an event once (their inbox), so a replayed event they already
hold changes nothing. prune deletes rows published more than N days ago, in batches. The database
is the service's DATABASE_URL (default: its SQLite file under RUN_DIR, as `make run` keeps it).
"""

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import column, delete, func, select, table, update

from shared.db import make_engine
from shared.persistence import UtcDateTime
from shared.settings import ServiceSettings

SERVICES = ("intake", "routing", "monitoring")
PRUNE_BATCH = 10_000

# Every service's outbox has this shape (shared.persistence.OutboxMixin); only these columns are used.
OUTBOX = table("outbox", column("seq"), column("created_at", UtcDateTime()), column("published_at", UtcDateTime()))


async def replay(database_url: str, since: datetime | None = None) -> int:
    """Mark published rows (created at or after `since`) unpublished; returns how many."""
    statement = update(OUTBOX).where(OUTBOX.c.published_at.is_not(None)).values(published_at=None)
    if since is not None:
        statement = statement.where(OUTBOX.c.created_at >= since)
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            return (await connection.execute(statement)).rowcount
    finally:
        await engine.dispose()


async def prune(database_url: str, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete rows published before now - older_than, PRUNE_BATCH at a time; returns how many."""
    cutoff = (now or datetime.now(UTC)) - older_than
    batch = (select(OUTBOX.c.seq).where(OUTBOX.c.published_at.is_not(None), OUTBOX.c.published_at < cutoff)
             .limit(PRUNE_BATCH).scalar_subquery())
    engine = make_engine(database_url)
    deleted = 0
    try:
        while True:
            # One short transaction per batch: the relay and the requests never wait long behind it.
            async with engine.begin() as connection:
                count = (await connection.execute(delete(OUTBOX).where(OUTBOX.c.seq.in_(batch)))).rowcount
            deleted += count
            if count < PRUNE_BATCH:
                return deleted
    finally:
        await engine.dispose()


async def pending(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(
                select(func.count()).select_from(OUTBOX).where(OUTBOX.c.published_at.is_(None)))).scalar_one()
    finally:
        await engine.dispose()


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2026-12-01T00:00:00+07:00")
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    replaying = commands.add_parser("replay", help="publish kept events again (after a NATS loss)")
    replaying.add_argument("service", choices=SERVICES)
    replaying.add_argument("--since", type=_aware, help="only rows created at or after this time")
    pruning = commands.add_parser("prune", help="delete rows published long ago")
    pruning.add_argument("service", choices=SERVICES)
    pruning.add_argument("--older-than-days", type=float, default=30.0)
    return parser


async def _run(args: argparse.Namespace) -> str:
    url = ServiceSettings(service_name=args.service).database_url
    if args.command == "replay":
        count = await replay(url, args.since)
        return (f"{args.service}: {count} events marked for publishing again; "
                f"{await pending(url)} now wait for the relay")
    count = await prune(url, timedelta(days=args.older_than_days))
    return f"{args.service}: {count} published events older than {args.older_than_days:g} days deleted"


def main() -> None:
    print(asyncio.run(_run(_parser().parse_args())))


if __name__ == "__main__":
    main()
