"""Prometheus metrics of the web pages, in their own registry (several apps may share a test process)."""

from prometheus_client import CollectorRegistry, Counter, Histogram


class WebMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # `requests` and `latency` are the names shared.observability.MetricsMiddleware records into.
        self.requests = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"],
                                 registry=self.registry)
        self.upstream_requests = Counter("web_upstream_requests_total",
                                         "Requests proxied to a service, by outcome (status code, unreachable, timeout)",
                                         ["upstream", "outcome"], registry=self.registry)
