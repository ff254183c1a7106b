"""Web pages (port 8000): Vietnamese pages for the secretariat, agencies and the standing committee.

The app holds no database and verifies no token itself: pages are templates whose small scripts call
the services through the same-origin proxy (/api/<service>/...) with the officer's bearer token.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.web import pages, proxy
from services.web.metrics import WebMetrics
from services.web.proxy import Upstreams
from services.web.settings import WebSettings
from shared.errors import install_problem_handlers
from shared.observability import MetricsMiddleware

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: WebSettings | None = None,
               transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`transport` replaces the network for the proxy's client (tests may pass an httpx.ASGITransport)."""
    settings = settings or WebSettings()
    metrics = WebMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.upstreams = Upstreams(settings, metrics, transport)
        try:
            yield
        finally:
            await app.state.upstreams.aclose()

    app = FastAPI(title="Trang web theo dõi kiến nghị cử tri", version="1.0.0", lifespan=lifespan,
                  description="Trang cho Văn phòng, cơ quan giải quyết và Thường trực HĐND; "
                              "/api/<dịch vụ>/... chuyển tiếp tới intake, routing, monitoring.")
    app.state.settings = settings
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    install_problem_handlers(app)
    pages.install_not_found_page(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(_operations_router(metrics))
    app.include_router(proxy.router)
    app.include_router(pages.router)
    return app


def _operations_router(metrics: WebMetrics) -> APIRouter:
    router = APIRouter(tags=["vận hành"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        """Ready when the three services answer their /healthz; 503 otherwise."""
        upstreams: Upstreams = request.app.state.upstreams
        names = list(upstreams.base_urls)
        results = await asyncio.gather(*(upstreams.healthy(name) for name in names))
        checks = dict(zip(names, results))
        ready = all(results)
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
