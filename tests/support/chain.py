"""The three services on one nats-server, and waiting for what events make true."""

import asyncio
import time
from contextlib import asynccontextmanager

from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from tests.support.apps import migrated_app
from tests.support.intake import intake_client
from tests.support.monitoring import MIGRATIONS
from tests.support.routing import routing_client


async def eventually(probe, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.2)


@asynccontextmanager
async def three_services(database_url: str, nats_url: str, tmp_path):
    """Intake, routing and monitoring on one nats-server: their clients and monitoring's settings."""
    monitoring_url = database_url.replace("service.db", "monitoring.db")
    settings = MonitoringSettings(database_url=monitoring_url, nats_url=nats_url, run_dir=tmp_path / "monitoring",
                                  environment="test", outbox_poll_seconds=0.2)
    async with intake_client(database_url.replace("service.db", "intake.db"), nats_url, tmp_path / "intake") as intake, \
            routing_client(database_url, nats_url, tmp_path / "routing") as routing, \
            migrated_app(MIGRATIONS, create_app, settings) as monitoring:
        yield intake, routing, monitoring, settings


@asynccontextmanager
async def whole_chain(database_url: str, nats_url: str, tmp_path):
    """(intake client, monitoring client, its settings), routing running beside them."""
    async with three_services(database_url, nats_url, tmp_path) as (intake, _routing, monitoring, settings):
        yield intake, monitoring, settings
