"""What the web's routers and helpers are given, typed: the app's state is read here and nowhere else."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import Request

from services.web.settings import WebSettings

if TYPE_CHECKING:  # these modules import this one
    from services.web.accounts.oidc import Provider
    from services.web.accounts.service import AccountService
    from services.web.proxy import Upstreams


async def web_settings(request: Request) -> WebSettings:
    return request.app.state.settings


async def upstreams(request: Request) -> Upstreams:
    return request.app.state.upstreams


async def accounts(request: Request) -> AccountService:
    return request.app.state.accounts


async def oidc_provider(request: Request) -> Provider | None:
    return request.app.state.oidc


async def jwt_secret(request: Request) -> bytes | None:
    return request.app.state.jwt_secret


async def now(request: Request) -> datetime:
    """The web's clock (tests move it to see sessions expire)."""
    return request.app.state.clock()
