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

ROOT = Path(__file__).resolve().parents[3]
INTAKE_MIGRATIONS = ROOT / "services" / "intake" / "migrations"
WEB_MIGRATIONS = ROOT / "services" / "web" / "migrations"
ORIGIN = "http://service"  # the httpx clients' base URL: what a browser on the pages sends as Origin
PASSWORD = "mat-khau-thu-nghiem"


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


async def web_settings(tmp_path: Path, database_url: str | None = None, **overrides) -> WebSettings:
    """Settings of a web app with its accounts database migrated (SQLite in tmp_path by default)."""
    database_url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"
    await asyncio.to_thread(upgrade, WEB_MIGRATIONS, database_url)
    values = {"intake_url": dead_url(), "routing_url": dead_url(), "monitoring_url": dead_url(),
              "environment": "test", "run_dir": tmp_path, "database_url": database_url, **overrides}
    return WebSettings(**values)


@asynccontextmanager
async def web_client(settings: WebSettings, token_settings=None):
    """The web app on its own accounts database; `token_settings` sign the scripts' tokens (headers_for)."""
    async with running_app(create_app(settings), token_settings) as client:
        yield client


async def sign_in(client, role: str, agency: str | None = None, username: str | None = None) -> str:
    """Create an account of `role` and sign `client` in with it (the session cookie stays in the client)."""
    username = username or f"{role}-{agency or 'vp'}".lower()
    await client.app.state.accounts.create_user(username, f"Cán bộ {role}", role, agency, PASSWORD)
    answer = await client.post("/dang-nhap", data={"username": username, "password": PASSWORD},
                               headers={"origin": ORIGIN})
    assert answer.status_code == 303, answer.text
    return username


@pytest.fixture
async def web(intake_upstream, tmp_path):
    """The web app whose intake is the real service above; routing and monitoring are down."""
    async with web_client(await web_settings(tmp_path, intake_url=intake_upstream.url),
                          intake_upstream.settings) as client:
        yield client


@pytest.fixture
async def web_alone(tmp_path):
    """The web app with all three services down."""
    async with web_client(await web_settings(tmp_path)) as client:
        yield client
