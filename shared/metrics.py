"""Prometheus metrics of one app, in a registry of its own (prometheus-client).

Every app (the tests and the benches build several in one process) has its own
`CollectorRegistry`: request counts and latency histograms per route, the gauges
its service declares, and the library's process, platform and garbage-collector
collectors. Nothing goes to the library's global default registry. The route label
is the canonical route template, never the raw path, so the label set stays bounded.
Every metric has its HELP line.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
REQUESTS = "mockcert_http_requests"  # exposed as mockcert_http_requests_total
LATENCY = "mockcert_http_request_duration_seconds"


class Metrics:
    """`gauges` names the gauges the service sets (name -> help text); `set_gauge` on any
    other name is a programming error (KeyError)."""

    def __init__(self, service: str, gauges: Mapping[str, str] | None = None) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self._requests = Counter(REQUESTS, "HTTP requests by route and status.",
                                 ["service", "method", "route", "status"], registry=self.registry)
        self._latency = Histogram(LATENCY, "HTTP request latency by route.", ["service", "method", "route"],
                                  buckets=BUCKETS, registry=self.registry)
        self._gauges = {name: Gauge(name, help_text, ["service"], registry=self.registry).labels(service)
                        for name, help_text in (gauges or {}).items()}
        # The labelled children, looked up once per (method, route, status): the per-request cost.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self._requests.labels(self.service, method, route, str(status)),
                self._latency.labels(self.service, method, route),
            )
        children[0].inc()
        children[1].observe(seconds)

    def set_gauge(self, name: str, value: float) -> None:
        self._gauges[name].set(value)

    @property
    def requests(self) -> dict[tuple[str, str, int], int]:
        """Requests answered so far, by (method, route, status)."""
        counts: dict[tuple[str, str, int], int] = {}
        for metric in self._requests.collect():
            for sample in metric.samples:
                if sample.name == f"{REQUESTS}_total":
                    labels = sample.labels
                    counts[(labels["method"], labels["route"], int(labels["status"]))] = int(sample.value)
        return counts

    def render(self) -> str:
        """The Prometheus text exposition (format 0.0.4) of everything in this app's registry."""
        return generate_latest(self.registry).decode("utf-8")
