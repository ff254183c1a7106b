"""The alert rules (a PrometheusRule) query metrics the services export, with valid durations."""

import re

from shared.observability import ServiceMetrics
from tests.support.deploy import of_kind, rendered

PROMQL_WORDS = {"sum", "max", "min", "by", "rate", "increase", "deriv", "and", "unless", "or", "le",
                "histogram_quantile", "service", "consumer", "outcome", "status"}


def _exported() -> set[str]:
    names = set()
    for family in ServiceMetrics("test").registry.collect():
        names |= {family.name} | {sample.name for sample in family.samples}
        # A labelled metric has no samples before its first use: name the series from its type.
        suffixes = {"counter": ("total",), "histogram": ("bucket", "sum", "count")}.get(family.type, ())
        names |= {f"{family.name}_{suffix}" for suffix in suffixes}
    return names


def _rules() -> list[dict]:
    [rule] = of_kind(rendered("prod"), "PrometheusRule").values()
    return [r for group in rule["spec"]["groups"] for r in group["rules"]]


def test_the_alerts_that_matter_are_there():
    names = {rule["alert"] for rule in _rules()}
    assert {"OutboxBacklogGrowing", "ConsumerStuck", "HighServerErrorRate"} <= names
    for rule in _rules():
        assert rule["labels"]["severity"] in {"warning", "critical"} and rule["annotations"]["summary"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s"))


def test_every_queried_metric_is_exported():
    exported = _exported()
    for rule in _rules():
        expression = re.sub(r'\{[^}]*\}|"[^"]*"|\[[^\]]*\]', " ", rule["expr"])
        metrics = set(re.findall(r"[a-z_][a-z0-9_]*", expression)) - PROMQL_WORDS
        assert metrics, rule["alert"]
        missing = metrics - exported
        assert not missing, f"{rule['alert']} queries {missing}, which no service exports"
    assert {"http_requests_total", "events_consumed_total"} <= exported


def test_the_pods_monitored_are_the_apps_and_the_pages():
    docs = rendered("prod")
    [monitor] = of_kind(docs, "PodMonitor").values()
    [expression] = monitor["spec"]["selector"]["matchExpressions"]
    components = {d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
                  for d in of_kind(docs, "Deployment").values()}
    assert set(expression["values"]) == components
    [endpoint] = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"
