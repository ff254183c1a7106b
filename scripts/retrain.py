"""`make retrain`: train a routing model version on the labelled petitions plus people's decisions.

It is cross-validated against the active version on the same folds and activated only if it is not
worse; the running routing service picks the new version up at its next decision. The database is
routing's (ROUTING_DATABASE_URL, else DATABASE_URL, else run/routing.db), migrated first.
"""

import asyncio
import json
import os
import sys
from pathlib import Path

from services.routing.base import InboxEntry, OutboxMessage
from services.routing.catalog import service as catalog_service
from services.routing.catalog.source import read_catalog
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.rulebook import load_rulebook
from services.routing.learning import handlers as learning_handlers
from services.routing.settings import RoutingSettings
from shared.db import make_engine, make_session_factory
from shared.migrations import upgrade
from shared.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "routing" / "migrations"


async def retrain(settings: RoutingSettings, by: str) -> int:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, OutboxMessage, InboxEntry, source="routing")

    try:
        async with uow() as unit:
            await catalog_service.seed(unit.session, read_catalog(settings.catalog_file, settings.unit_aliases_file))
            await unit.commit()
        holder = ClassifierHolder(load_rulebook(settings.rules_file, settings.topics_file), settings.province_code)
        await learning_handlers.ensure_model(uow, holder)
        outcome = await learning_handlers.retrain(uow, holder, by)
    finally:
        await engine.dispose()
    version, comparison = outcome.version, outcome.version.comparison
    print(f"version {version.id}: {version.corrections} decisions by people, {version.base_examples} base petitions, "
          f"trained in {version.training_seconds:.1f} s, threshold {version.threshold:.3f}")
    print("cross-validated on the same folds (agency accuracy): "
          f"candidate {comparison['candidate']['agency']:.3f}, active {comparison['active']['agency']:.3f}")
    print(json.dumps(version.figures, indent=1, ensure_ascii=False))
    print("ACTIVATED" if outcome.activated else f"NOT activated: version {outcome.active_before} stays active")
    return 0


def main() -> int:
    url = os.environ.get("ROUTING_DATABASE_URL") or os.environ.get("DATABASE_URL")
    settings = RoutingSettings(database_url=url) if url else RoutingSettings()
    upgrade(MIGRATIONS, settings.database_url)
    return asyncio.run(retrain(settings, os.environ.get("RETRAIN_BY", "make retrain")))


if __name__ == "__main__":
    sys.exit(main())
