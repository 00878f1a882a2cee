"""Prometheus text exposition, by hand: counters and latency histograms per route.

A dependency-free registry is enough for request counts and latencies; the
label set is bounded because routes are the canonical route templates, never
raw paths.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency_counts: dict[tuple[str, str], list[int]] = {}
        self.latency_sum: dict[tuple[str, str], float] = defaultdict(float)
        self.gauges: dict[str, float] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        key = (method, route)
        counts = self.latency_counts.get(key)
        if counts is None:
            counts = self.latency_counts[key] = [0] * (len(BUCKETS) + 1)
        counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum[key] += seconds

    def set_gauge(self, name: str, value: float) -> None:
        self.gauges[name] = value

    def render(self) -> str:
        svc = self.service
        lines = [
            "# HELP mockcert_http_requests_total HTTP requests by route and status.",
            "# TYPE mockcert_http_requests_total counter",
        ]
        for (method, route, status), n in sorted(self.requests.items()):
            lines.append(
                f'mockcert_http_requests_total{{service="{svc}",method="{method}",route="{_esc(route)}",'
                f'status="{status}"}} {n}'
            )
        lines += [
            "# HELP mockcert_http_request_duration_seconds HTTP request latency by route.",
            "# TYPE mockcert_http_request_duration_seconds histogram",
        ]
        for (method, route), counts in sorted(self.latency_counts.items()):
            labels = f'service="{svc}",method="{method}",route="{_esc(route)}"'
            cumulative = 0
            for bound, n in zip(BUCKETS, counts, strict=False):
                cumulative += n
                lines.append(f'mockcert_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {cumulative}')
            cumulative += counts[-1]
            lines.append(f'mockcert_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {cumulative}')
            lines.append(f"mockcert_http_request_duration_seconds_sum{{{labels}}} {self.latency_sum[(method, route)]}")
            lines.append(f"mockcert_http_request_duration_seconds_count{{{labels}}} {cumulative}")
        for name, value in sorted(self.gauges.items()):
            lines.append(f"# TYPE {name} gauge")
            lines.append(f'{name}{{service="{svc}"}} {value}')
        return "\n".join(lines) + "\n"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
