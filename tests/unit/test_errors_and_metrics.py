"""An unexpected error: a 500 problem+json, counted by Prometheus, logged without the request's data."""

import io
import json
import logging

import httpx
from fastapi import FastAPI
from prometheus_client import generate_latest

from shared.errors import install_problem_handlers
from shared.observability import MetricsMiddleware, RequestContextMiddleware, ServiceMetrics, json_log_handler

SECRET = "Nguyễn Văn Riêng Tư, 0912345678"


def _app() -> tuple[FastAPI, ServiceMetrics]:
    metrics = ServiceMetrics("test")
    app = FastAPI()
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContextMiddleware, service="test")
    install_problem_handlers(app)

    @app.post("/boom")
    async def boom(payload: dict):
        raise RuntimeError(f"row failed: {payload['name']}")

    return app, metrics


async def test_a_500_is_counted_and_its_log_holds_no_request_data(caplog):
    app, metrics = _app()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    json_logs = io.StringIO()
    handler = json_log_handler(json_logs)
    logging.getLogger().addHandler(handler)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post("/boom", json={"name": SECRET}, headers={"X-Request-ID": "boom-1"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "boom-1"  # the caller can quote it; the log line carries it
    assert response.headers["content-type"] == "application/problem+json"
    assert 'http_requests_total{method="POST",route="/boom",status="500"} 1.0' in generate_latest(
        metrics.registry).decode()
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "RuntimeError" in logged and "/boom" in logged and SECRET not in logged
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    [unhandled] = [line for line in lines if line["event"].startswith("unhandled RuntimeError")]
    assert unhandled["request_id"] == "boom-1" and unhandled["level"] == "error"
    assert SECRET not in json_logs.getvalue()
