"""Metrics (one registry per app, so several apps can live in one test process), JSON logs and the request id.

Every log line is one JSON object carrying the service, and, when there is one, the request id, the
event id and the petition id (bound in context variables by the request middleware and the
consumers). Never petitioners' data: log calls name ids and types, never request bodies.
"""

import logging
import re
import sys
import time
import uuid
from typing import Annotated

import structlog
from fastapi import Depends, Request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

REQUEST_ID_HEADER = "x-request-id"
# What we accept from a caller: short, and nothing a log parser or a header could trip on.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,100}")
logger = logging.getLogger(__name__)


class ServiceMetrics:
    def __init__(self, service: str):
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # process_cpu_seconds_total, process_resident_memory_bytes, ...
        PlatformCollector(registry=self.registry)
        self.requests = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                                 registry=self.registry)
        self.outbox_backlog = Gauge("outbox_backlog_events", "Outbox rows not yet published (all of them)",
                                    registry=self.registry)
        self.outbox_oldest_age = Gauge("outbox_oldest_pending_seconds",
                                       "Age of the oldest outbox row not yet published (0 when none)",
                                       registry=self.registry)
        self.events_published = Counter("events_published_total", "Events published to JetStream",
                                        ["subject"], registry=self.registry)
        self.events_consumed = Counter("events_consumed_total", "Events consumed, by outcome",
                                       ["consumer", "outcome"], registry=self.registry)
        self.consumer_pending = Gauge("consumer_pending_messages",
                                      "Messages of the stream this durable has not been handed yet (its lag)",
                                      ["consumer"], registry=self.registry)
        self.redeliveries = Counter("events_redelivered_total",
                                    "Messages handed out again (after a nak, an ack wait or a killed replica)",
                                    ["consumer"], registry=self.registry)
        # Intake's group commit: how many new petitions share a transaction (1 when the load is light).
        self.petitions_per_transaction = Histogram(
            "petitions_per_transaction", "New petitions recorded together in one transaction",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=self.registry)
        self.service = service


class MetricsMiddleware:
    """Counts every answer, 5xx included.

    A plain ASGI middleware: an unhandled error passes through it on its way to the outermost handler
    that answers 500, so it is counted here as a 500 (a BaseHTTPMiddleware never saw those).
    """

    def __init__(self, app, metrics: ServiceMetrics):
        self.app = app
        self._metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_counting(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            # The route template, not the raw path, keeps label cardinality bounded.
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            self._metrics.requests.labels(scope["method"], route, str(status)).inc()
            self._metrics.latency.labels(scope["method"], route).observe(elapsed)
            logger.info("request", extra={"method": scope["method"], "route": route, "status": status,
                                          "duration_ms": round(elapsed * 1000, 1)})


class RequestContextMiddleware:
    """The request id: the caller's X-Request-ID when it is a sane one, else a new one; answered in
    X-Request-ID and bound (with the service) to every log line written while the request runs."""

    def __init__(self, app, service: str):
        self.app = app
        self._service = service

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1").strip()
        request_id = given if _ACCEPTED_REQUEST_ID.fullmatch(given) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER.encode()]
                message["headers"] = [*headers, (REQUEST_ID_HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            with structlog.contextvars.bound_contextvars(service=self._service, request_id=request_id):
                await self.app(scope, receive, send_with_id)
        finally:
            structlog.contextvars.unbind_contextvars("petition_id")  # bound by bind_petition_id


async def request_id(request: Request) -> str:
    """This request's id (RequestContextMiddleware's), kept on every history entry it writes."""
    return request.state.request_id


RequestId = Annotated[str, Depends(request_id)]


async def bind_petition_id(request: Request) -> None:
    """App-wide dependency: a route about one petition puts its id on the request's log lines."""
    petition_id = request.path_params.get("petition_id")
    if petition_id is not None:
        structlog.contextvars.bind_contextvars(petition_id=str(petition_id))


def _drop_message_copy(_logger, _name, event_dict: dict) -> dict:
    event_dict.pop("message", None)  # the stdlib's copy of "event", set while formatting
    return event_dict


def json_log_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _drop_message_copy,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    ))
    return handler


_installed: list[logging.Handler] = []  # configuring again (another app in the process) replaces it


def configure_logging(level: str) -> None:
    """JSON lines on stdout for every logger (ours, uvicorn's, the libraries')."""
    root = logging.getLogger()
    while _installed:
        root.removeHandler(_installed.pop())
    _installed.append(json_log_handler())
    root.addHandler(_installed[0])
    root.setLevel(level.upper())
