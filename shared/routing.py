"""Which service owns which public path: one table for the local entry, the
nginx configuration (checked against it by a test) and the docs."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Longest prefix wins. Internal paths (/internal/...) are deliberately absent:
# they are reachable only service to service, never through the entry.
ROUTES: tuple[tuple[str, str], ...] = (
    ("/api/auth/", "exam-delivery"),
    ("/api/users", "exam-delivery"),
    ("/api/me", "exam-delivery"),
    ("/api/blueprints", "exam-delivery"),
    ("/api/attempts", "exam-delivery"),
    ("/api/domains", "item-bank"),
    ("/api/items", "item-bank"),
    ("/api/codebook", "item-bank"),
    ("/api/tags", "item-bank"),
    ("/api/results", "scoring"),
    ("/api/stats", "scoring"),
    ("/api/health", "exam-delivery"),
    ("/instructor", "item-bank"),
    ("/static/item-bank/", "item-bank"),
    ("/admin", "scoring"),
    ("/static/scoring/", "scoring"),
    ("/exam", "exam-delivery"),
    ("/static/", "exam-delivery"),
    ("/", "exam-delivery"),
)

# Each service's OpenAPI document, published at the entry under these paths.
OPENAPI_PATHS: Mapping[str, str] = MappingProxyType({
    "/openapi/item-bank.json": "item-bank",
    "/openapi/exam-delivery.json": "exam-delivery",
    "/openapi/scoring.json": "scoring",
})


def service_for(path: str) -> str:
    for prefix, service in ROUTES:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return service
    return "exam-delivery"
