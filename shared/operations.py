"""/healthz, /readyz and /metrics: the same three endpoints on every app, the web pages included.

Readiness gates traffic, so it checks only what serving a request needs; other signals (NATS, the
outbox backlog) are reported beside it without taking the service out of rotation.
"""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

# Served without a token on every app (probes and the Prometheus scraper have none).
OPERATION_PATHS = ("/healthz", "/healthz/backlog", "/readyz", "/metrics")
ReadinessChecks = Callable[[Request], Awaitable[dict[str, bool]]]
Signals = Callable[[Request], Awaitable[dict]]


def operations_router(registry: CollectorRegistry, readiness_checks: ReadinessChecks,
                      signals: Signals | None = None, backlog: Signals | None = None) -> APIRouter:
    router = APIRouter(tags=["vận hành"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "Chưa sẵn sàng phục vụ (cơ sở dữ liệu)"}})
    async def readyz(request: Request) -> JSONResponse:
        checks = await readiness_checks(request)
        ready = all(checks.values())
        extra = await signals(request) if signals else {}
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks, **extra},
                            status_code=200 if ready else 503)

    if backlog is not None:
        @router.get("/healthz/backlog", summary="Sự kiện chờ gửi (outbox) và kết nối NATS")
        async def backlog_endpoint(request: Request) -> dict:
            return await backlog(request)

    @router.get("/metrics")
    async def metrics_endpoint(request: Request) -> Response:
        if backlog is not None:
            await backlog(request)  # the gauges hold the true backlog at every scrape
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
