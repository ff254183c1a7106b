"""`python -m scripts.migrate SERVICE [--wait SECONDS]`: one service's migrations on DATABASE_URL.

Without --wait it applies them (the Kubernetes migration Job, `make migrate`). With --wait it changes
nothing: it waits until the database is at this version's head revision and exits 1 if that does not
happen in time (the init container that holds a new pod back until its Job has migrated).
"""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from shared.db import make_engine
from shared.migrations import alembic_config, upgrade

ROOT = Path(__file__).resolve().parents[1]


def head_revisions(migrations_dir: Path, database_url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(migrations_dir, database_url)).get_heads())


async def current_revisions(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_heads()))
    finally:
        await engine.dispose()


def wait_for_schema(migrations_dir: Path, database_url: str, timeout: float, poll: float = 2.0) -> bool:
    heads = head_revisions(migrations_dir, database_url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            current = asyncio.run(current_revisions(database_url))
        except Exception as exc:  # noqa: BLE001 - database not reachable yet: keep waiting
            current = set()
            print(f"waiting for the database: {type(exc).__name__}", flush=True)
        if current == heads:
            return True
        if time.monotonic() >= deadline:
            print(f"schema at {sorted(current) or 'nothing'}, this version needs {sorted(heads)}", flush=True)
            return False
        time.sleep(poll)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", choices=["intake", "routing", "monitoring"])
    parser.add_argument("--wait", type=float, metavar="SECONDS", help="only wait for the schema, do not migrate")
    args = parser.parse_args()
    migrations = ROOT / "services" / args.service / "migrations"
    if args.wait is None:
        upgrade(migrations, os.environ["DATABASE_URL"])
    elif not wait_for_schema(migrations, os.environ["DATABASE_URL"], args.wait):
        sys.exit(1)


if __name__ == "__main__":
    main()
