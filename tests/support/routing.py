"""Routing as other tests need it: its events' inputs, the texts it routes surely or not, a running service."""

import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from services.routing.app import create_app
from services.routing.base import OutboxMessage
from services.routing.settings import RoutingSettings
from shared.events import PetitionReceived
from tests.support.apps import migrated_app
from tests.support.servers import free_port

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "routing" / "migrations"
DEAD_NATS = f"nats://127.0.0.1:{free_port()}"  # nothing listens: API tests stay off the shared stream


def received(content: str, unit_code: str = "02545", code: str = "KN-2024-000001",
             meeting_unit_code: str | None = None) -> PetitionReceived:
    return PetitionReceived(
        code=code, session_id=uuid.uuid4(), meeting_id=uuid.uuid4(), meeting_kind="voter_meeting",
        meeting_unit_code=meeting_unit_code or unit_code, unit_code=unit_code, content=content,
        held_on=date(2024, 11, 20), created_at=datetime.now(UTC),
    )


CONFIDENT = "Cử tri đề nghị tỉnh sớm nâng cấp tuyến ĐT.186 đoạn qua xã Tân Trào đang xuống cấp."
UNCLEAR = "Cử tri đề nghị quan tâm hơn nữa đến đời sống của bà con trong thôn."


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
    settings = RoutingSettings(database_url=database_url, nats_url=nats_url, run_dir=run_dir,
                               environment="test", outbox_poll_seconds=0.2, **overrides)
    async with migrated_app(MIGRATIONS, create_app, settings) as client:
        yield client
