"""/metrics through prometheus-client: the same metric names as before, HELP on every metric,
the process and garbage-collector metrics, and one registry per app (several apps built in one
process share nothing, and nothing lands in the library's global registry)."""

from __future__ import annotations

import re

import prometheus_client
import pytest

from shared.metrics import Metrics
from shared.settings import Settings
from shared.web import METRICS_KEY, create_base_app

SAVE = "/api/attempts/{attempt_id}/responses/{position}"
GAUGES = {"mockcert_outbox_pending_events": "Events not acknowledged yet."}


def families(text: str, kind: str) -> set[str]:
    return set(re.findall(rf"^# {kind} (\w+) ", text, re.M))


def test_requests_latencies_and_gauges_keep_their_names_and_labels():
    metrics = Metrics("exam-delivery", GAUGES)
    metrics.observe("PUT", SAVE, 200, 0.004)
    metrics.observe("PUT", SAVE, 200, 0.2)
    metrics.observe("PUT", SAVE, 409, 0.003)
    metrics.set_gauge("mockcert_outbox_pending_events", 8)
    text = metrics.render()
    assert ('mockcert_http_requests_total{method="PUT",route="/api/attempts/{attempt_id}/responses/{position}",'
            'service="exam-delivery",status="200"} 2.0') in text
    assert metrics.requests == {("PUT", SAVE, 200): 2, ("PUT", SAVE, 409): 1}
    buckets = dict(re.findall(r'^mockcert_http_request_duration_seconds_bucket\{le="([^"]+)",method="PUT",'
                              r'route="[^"]+",service="exam-delivery"\} (\S+)$', text, re.M))
    assert (buckets["0.0025"], buckets["0.005"], buckets["0.25"], buckets["+Inf"]) == ("0.0", "2.0", "3.0", "3.0")
    assert re.search(r'^mockcert_http_request_duration_seconds_sum\{.*\} 0\.207', text, re.M)
    assert re.search(r'^mockcert_outbox_pending_events\{service="exam-delivery"\} 8\.0$', text, re.M)


def test_every_metric_has_its_help_and_the_process_and_gc_metrics_are_there():
    metrics = Metrics("scoring", GAUGES)
    metrics.observe("GET", "/healthz", 200, 0.001)
    text = metrics.render()
    typed, helped = families(text, "TYPE"), families(text, "HELP")
    assert typed and typed == helped
    assert {"process_cpu_seconds_total", "process_resident_memory_bytes", "python_gc_collections_total",
            "python_info", "mockcert_outbox_pending_events"} <= typed


def test_an_undeclared_gauge_is_a_programming_error():
    with pytest.raises(KeyError):
        Metrics("scoring").set_gauge("mockcert_something_new", 1)


def test_each_app_counts_in_its_own_registry_and_none_in_the_global_one():
    settings = Settings(database_url="-", jwt_secret="j" * 40, service_secret="s" * 40)
    first, second = create_base_app(settings), create_base_app(settings, gauges=GAUGES)
    assert first[METRICS_KEY].registry is not second[METRICS_KEY].registry
    first[METRICS_KEY].observe("GET", "/healthz", 200, 0.001)
    assert first[METRICS_KEY].requests == {("GET", "/healthz", 200): 1}
    assert second[METRICS_KEY].requests == {}
    assert "mockcert_outbox_pending_events" not in first[METRICS_KEY].render()
    assert "mockcert_outbox_pending_events" in second[METRICS_KEY].render()
    assert "mockcert_http_requests_total" not in prometheus_client.generate_latest().decode()
