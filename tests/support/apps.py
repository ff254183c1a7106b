"""Run a service app in-process (lifespan included) and talk to it over httpx."""

import asyncio
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from shared.auth import ensure_secret, issue_token
from shared.migrations import upgrade
from shared.settings import ServiceSettings


def auth_headers(settings: ServiceSettings, role: str, agency: str | None = None, sub: str | None = None) -> dict:
    token = issue_token(ensure_secret(settings.jwt_secret_file), sub or f"test-{role}", role, agency)
    return {"Authorization": f"Bearer {token}"}


class ServiceClient(httpx.AsyncClient):
    """The one client idiom of the tests: an HTTP client of one in-process app, with that app and the
    settings whose secret signs its callers' tokens (the web pages take their upstream's)."""

    def __init__(self, app: FastAPI, token_settings: ServiceSettings | None = None):
        super().__init__(transport=httpx.ASGITransport(app=app), base_url="http://service")
        self.app = app
        self.token_settings = token_settings

    def headers_for(self, role: str, agency: str | None = None, sub: str | None = None) -> dict:
        if self.token_settings is None:
            raise RuntimeError("this client was started without the settings that sign its tokens")
        return auth_headers(self.token_settings, role, agency, sub)


@asynccontextmanager
async def running_app(app: FastAPI, token_settings: ServiceSettings | None = None):
    async with app.router.lifespan_context(app), ServiceClient(app, token_settings) as client:
        yield client


@asynccontextmanager
async def migrated_app(migrations: Path, create_app: Callable[[ServiceSettings], FastAPI], settings: ServiceSettings,
                       token_settings: ServiceSettings | None = None):
    """A service on its freshly migrated database, running in-process; its own settings sign tokens by default."""
    await asyncio.to_thread(upgrade, migrations, settings.database_url)
    async with running_app(create_app(settings), token_settings or settings) as client:
        yield client
