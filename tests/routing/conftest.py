import asyncio
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from services.routing.app import create_app
from services.routing.base import InboxEntry, OutboxMessage
from services.routing.catalog import service as catalog_service
from services.routing.catalog.source import read_catalog
from services.routing.classification.holder import ClassifierHolder
from services.routing.classification.rulebook import load_rulebook
from services.routing.routings.service import RoutingContext
from services.routing.settings import RoutingSettings
from shared.catalog import DEFAULT_CATALOG
from shared.db import make_engine, make_session_factory
from shared.events import PetitionReceived
from shared.migrations import upgrade
from shared.unit_of_work import UnitOfWork
from tests.support.apps import auth_headers, running_app
from tests.support.servers import free_port

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "routing" / "migrations"
DEAD_NATS = f"nats://127.0.0.1:{free_port()}"  # nothing listens: API tests stay off the shared stream


def received(content: str, unit_code: str = "02545", code: str = "KN-2024-000001",
             meeting_unit_code: str | None = None) -> PetitionReceived:
    return PetitionReceived(
        code=code, session_id=uuid.uuid4(), meeting_id=uuid.uuid4(), meeting_kind="voter_meeting",
        meeting_unit_code=meeting_unit_code or unit_code, unit_code=unit_code, content=content,
        held_on=date(2024, 11, 20), created_at=datetime.now(timezone.utc),
    )


CONFIDENT = "Cử tri đề nghị tỉnh sớm nâng cấp tuyến ĐT.186 đoạn qua xã Tân Trào đang xuống cấp."
UNCLEAR = "Cử tri đề nghị quan tâm hơn nữa đến đời sống của bà con trong thôn."


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


@dataclass(frozen=True)
class Emitted:
    subject: str
    payload: str


async def outbox_events(factory) -> list[Emitted]:
    async with factory() as uow:
        rows = await uow.session.execute(select(OutboxMessage.subject, OutboxMessage.payload).order_by(OutboxMessage.seq))
        return [Emitted(subject, payload) for subject, payload in rows]


@asynccontextmanager
async def routing_client(database_url: str, nats_url: str, run_dir: Path, **overrides):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    settings = RoutingSettings(database_url=database_url, nats_url=nats_url, run_dir=run_dir,
                               environment="test", outbox_poll_seconds=0.2, **overrides)
    app = create_app(settings)
    async with running_app(app) as client:
        client.headers_for = lambda role, agency=None, sub=None: auth_headers(settings, role, agency, sub)
        client.app = app
        yield client


@pytest.fixture
async def routing(database_url, tmp_path):
    async with routing_client(database_url, DEAD_NATS, tmp_path) as client:
        yield client
