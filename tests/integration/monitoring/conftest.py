"""Monitoring fixtures: a migrated database of each kind, the app running in-process, event helpers."""

import asyncio

import pytest

from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from shared.migrations import upgrade
from tests.support.apps import running_app
from tests.support.monitoring import MIGRATIONS, NO_NATS


@pytest.fixture
async def migrated_url(database_url):
    await asyncio.to_thread(upgrade, MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def settings(tmp_path, migrated_url) -> MonitoringSettings:
    return MonitoringSettings(run_dir=tmp_path, database_url=migrated_url, nats_url=NO_NATS,
                              environment="test", outbox_poll_seconds=0.2)


@pytest.fixture
async def client(settings):
    async with running_app(create_app(settings), settings) as service:
        yield service


@pytest.fixture
def app(client):
    return client.app


@pytest.fixture
def runtime(app):
    return app.state.runtime
