"""Prometheus metrics (one registry per app, so several apps can live in one test process) and logging."""

import logging
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.middleware.base import BaseHTTPMiddleware


class ServiceMetrics:
    def __init__(self, service: str):
        self.registry = CollectorRegistry()
        self.requests = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                                 registry=self.registry)
        self.outbox_pending = Gauge("outbox_pending_events", "Outbox rows not yet published",
                                    registry=self.registry)
        self.events_published = Counter("events_published_total", "Events published to JetStream",
                                        ["subject"], registry=self.registry)
        self.events_consumed = Counter("events_consumed_total", "Events consumed, by outcome",
                                       ["consumer", "outcome"], registry=self.registry)
        self.service = service


class MetricsMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, metrics: ServiceMetrics):
        super().__init__(app)
        self._metrics = metrics

    async def dispatch(self, request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        # The route template, not the raw path, keeps label cardinality bounded.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        self._metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        self._metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
