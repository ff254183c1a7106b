"""Prometheus metrics (one registry per app, so several apps can live in one test process) and logging."""

import logging
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ServiceMetrics:
    def __init__(self, service: str):
        self.registry = CollectorRegistry()
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
            self._metrics.requests.labels(scope["method"], route, str(status)).inc()
            self._metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
