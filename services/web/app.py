"""Web pages (port 8000): Vietnamese pages for the secretariat, agencies and the standing committee.

Officers sign in here (user name and password, or the province's OpenID provider); their session is an
HttpOnly cookie. Pages are templates whose small scripts call the services through the same-origin
proxy (/api/<service>/...), which adds the bearer token the services verify. The app's own database
holds only accounts and sessions.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from services.web import exports, pages, proxy
from services.web.accounts import oidc
from services.web.accounts.router import router as accounts_router
from services.web.accounts.service import AccountService
from services.web.metrics import WebMetrics
from services.web.proxy import Upstreams
from services.web.security import SecurityHeadersMiddleware
from services.web.settings import WebSettings
from shared.auth import ensure_secret
from shared.db import make_engine, make_session_factory
from shared.errors import install_problem_handlers
from shared.limits import install_limits
from shared.observability import MetricsMiddleware
from shared.operations import operations_router
from shared.persistence import utcnow

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: WebSettings | None = None,
               transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`transport` replaces the network for the proxy's client (tests may pass an httpx.ASGITransport)."""
    settings = settings or WebSettings()
    metrics = WebMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.upstreams = Upstreams(settings, metrics, transport)
        engine = make_engine(settings.database_url)
        app.state.accounts = AccountService(make_session_factory(engine), settings.session_hours,
                                            settings.sign_in_failures_per_user_per_minute,
                                            lambda: app.state.clock())  # tests may move the clock
        app.state.jwt_secret = ensure_secret(settings.jwt_secret_file) if settings.jwt_secret_file else None
        app.state.oidc = oidc.Provider(settings, transport) if settings.oidc_enabled else None
        try:
            yield
        finally:
            await app.state.upstreams.aclose()
            if app.state.oidc:
                await app.state.oidc.aclose()
            await engine.dispose()

    # No /docs, /redoc nor /openapi.json here: the docs page loads scripts from a CDN, not on this origin.
    app = FastAPI(title="Trang web theo dõi kiến nghị cử tri", version="1.0.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None,
                  description="Trang cho Văn phòng, cơ quan giải quyết và Thường trực HĐND; "
                              "/api/<dịch vụ>/... chuyển tiếp tới intake, routing, monitoring.")
    app.state.settings = settings
    app.state.clock = utcnow
    install_limits(app, settings)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer carries the headers
    install_problem_handlers(app)
    pages.install_not_found_page(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(operations_router(metrics.registry, _readiness_checks))
    app.include_router(proxy.router)
    app.include_router(accounts_router)
    app.include_router(oidc.router)
    app.include_router(exports.router)
    app.include_router(pages.router)
    return app


async def _readiness_checks(request: Request) -> dict[str, bool]:
    """Ready when the three services answer their /healthz."""
    upstreams: Upstreams = request.app.state.upstreams
    names = list(upstreams.base_urls)
    results = await asyncio.gather(*(upstreams.healthy(name) for name in names))
    return dict(zip(names, results))
