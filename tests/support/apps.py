"""Run a service app in-process (lifespan included) and talk to it over httpx."""

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from shared.auth import ensure_secret, issue_token
from shared.settings import ServiceSettings


@asynccontextmanager
async def running_app(app: FastAPI):
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


def auth_headers(settings: ServiceSettings, role: str, agency: str | None = None, sub: str | None = None) -> dict:
    token = issue_token(ensure_secret(settings.jwt_secret_file), sub or f"test-{role}", role, agency)
    return {"Authorization": f"Bearer {token}"}
