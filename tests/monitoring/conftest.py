"""Monitoring fixtures: a migrated database of each kind, the app running in-process, event helpers."""

import asyncio
from pathlib import Path

import pytest

from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from shared.migrations import upgrade
from tests.support.apps import running_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "monitoring" / "migrations"
# API tests feed events straight to the consumer; with no NATS reachable, nothing else reaches the database.
NO_NATS = "nats://127.0.0.1:1"


@pytest.fixture
async def migrated_url(database_url):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def settings(tmp_path, migrated_url) -> MonitoringSettings:
    return MonitoringSettings(run_dir=tmp_path, database_url=migrated_url, nats_url=NO_NATS,
                              environment="test", outbox_poll_seconds=0.2)


@pytest.fixture
async def app(settings):
    application = create_app(settings)
    async with running_app(application) as client:
        application.state.client = client
        yield application


@pytest.fixture
def client(app):
    return app.state.client


@pytest.fixture
def runtime(app):
    return app.state.runtime
