import asyncio

import pytest

from services.routing.base import InboxEntry, OutboxMessage
from services.routing.catalog import service as catalog_service
from services.routing.catalog.source import read_catalog
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.rulebook import load_rulebook
from services.routing.routings.service import RoutingContext
from shared.catalog import DEFAULT_CATALOG
from shared.db import make_engine, make_session_factory
from shared.migrations import upgrade
from shared.unit_of_work import UnitOfWork
from tests.support.routing import DEAD_NATS, MIGRATIONS, routing_client


@pytest.fixture(scope="session")
def rulebook():
    return load_rulebook()


@pytest.fixture
def context(rulebook):
    return RoutingContext(ClassifierHolder(rulebook), review_threshold=0.6)


@pytest.fixture
async def uow_factory(database_url):
    """A migrated, seeded routing database and a unit-of-work factory on it."""
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    engine = make_engine(database_url)
    session_factory = make_session_factory(engine)

    def factory() -> UnitOfWork:
        return UnitOfWork(session_factory, OutboxMessage, InboxEntry, source="routing")

    async with factory() as uow:
        await catalog_service.seed(uow.session, read_catalog(DEFAULT_CATALOG))
        await uow.commit()
    yield factory
    await engine.dispose()


@pytest.fixture
async def routing(database_url, tmp_path):
    async with routing_client(database_url, DEAD_NATS, tmp_path) as client:
        yield client
