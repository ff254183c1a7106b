"""The web pages against a real intake service listening on a real port (uvicorn, in this process)."""

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from services.intake.app import create_app as create_intake_app
from services.intake.settings import IntakeSettings
from services.web.app import create_app
from services.web.settings import WebSettings
from shared.migrations import upgrade
from tests.support.apps import running_app
from tests.support.servers import free_port

INTAKE_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "intake" / "migrations"


@asynccontextmanager
async def serving(app, port: int):
    """Run an ASGI app with uvicorn on 127.0.0.1:port until the block ends (lifespan included)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    server.install_signal_handlers = lambda: None  # older uvicorn; newer ones ignore this
    task = asyncio.create_task(server.serve())
    for _ in range(400):
        if server.started or task.done():
            break
        await asyncio.sleep(0.025)
    if not server.started:
        task.result()  # raises what stopped it
        raise RuntimeError(f"uvicorn did not start on port {port}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass(frozen=True)
class Upstream:
    """A service the web pages forward to: where it listens and the settings that sign its tokens."""
    url: str
    settings: IntakeSettings


@pytest.fixture
async def intake_upstream(nats_server, tmp_path) -> Upstream:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}"
    await asyncio.to_thread(upgrade, INTAKE_MIGRATIONS, database_url)
    settings = IntakeSettings(database_url=database_url, nats_url=nats_server.url, run_dir=tmp_path,
                              environment="test", outbox_poll_seconds=0.2)
    async with serving(create_intake_app(settings), free_port()) as url:
        yield Upstream(url, settings)


def dead_url() -> str:
    """An address where nothing listens (a port just freed)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
async def web(intake_upstream):
    """The web app whose intake is the real service above; routing and monitoring are down."""
    settings = WebSettings(intake_url=intake_upstream.url, routing_url=dead_url(), monitoring_url=dead_url(),
                           environment="test")
    async with running_app(create_app(settings), intake_upstream.settings) as client:
        yield client


@pytest.fixture
async def web_alone(tmp_path):
    """The web app with all three services down."""
    settings = WebSettings(intake_url=dead_url(), routing_url=dead_url(), monitoring_url=dead_url(),
                           environment="test", run_dir=tmp_path)
    async with running_app(create_app(settings)) as client:
        yield client
