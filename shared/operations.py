"""/healthz, /readyz and /metrics: the same three endpoints on every app, the web pages included."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

ReadinessChecks = Callable[[Request], Awaitable[dict[str, bool]]]


def operations_router(registry: CollectorRegistry, readiness_checks: ReadinessChecks) -> APIRouter:
    router = APIRouter(tags=["vận hành"])

    @router.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "Cơ sở dữ liệu hoặc NATS chưa sẵn sàng"}})
    async def readyz(request: Request) -> JSONResponse:
        checks = await readiness_checks(request)
        ready = all(checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
