"""Endpoints every service has: its own health, the whole system's health,
Prometheus metrics and its OpenAPI document."""

from __future__ import annotations

import asyncio

import aiohttp
import msgspec
from aiohttp import web

from shared.auth import PUBLIC, SERVICE
from shared.db import POOL_KEY
from shared.http import CLIENT_KEY
from shared.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from shared.openapi import build_openapi
from shared.settings import Settings
from shared.web import ENDPOINTS_KEY, METRICS_KEY, SETTINGS_KEY, RouteTable, install, json_response


class ServiceHealth(msgspec.Struct):
    status: str
    service: str
    database: str


class SystemHealth(msgspec.Struct):
    status: str
    services: dict[str, str]


async def check_database(app: web.Application) -> bool:
    pool = app.get(POOL_KEY)
    if pool is None:
        return False
    try:
        # asyncpg's own timeouts, not a cancellation from outside: cancelling a query
        # mid-flight can hand a connection in a broken state back to the pool.
        async with pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1", timeout=2)
        return True
    except Exception:
        return False


async def system_health(settings: Settings, session: aiohttp.ClientSession) -> SystemHealth:
    """Ask every service for its own health (which includes its database)."""
    targets = {
        "item-bank": settings.item_bank_url,
        "exam-delivery": settings.delivery_url,
        "scoring": settings.scoring_url,
    }

    async def probe(url: str) -> str:
        try:
            async with session.get(f"{url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as resp:
                if resp.status == 200:
                    return "ok"
                body = await resp.json(content_type=None)
                return "database unavailable" if body.get("database") != "ok" else "unhealthy"
        except Exception:
            return "unreachable"

    results = await asyncio.gather(*(probe(u) for u in targets.values()))
    services = dict(zip(targets, results, strict=True))
    return SystemHealth(status="ok" if all(r == "ok" for r in results) else "degraded", services=services)


def ops_routes(title: str, version: str = "0.1.0") -> RouteTable:
    routes = RouteTable("ops")

    @routes.get("/healthz", roles=PUBLIC, response=ServiceHealth, summary="This service and its database")
    async def healthz(request: web.Request) -> web.Response:
        settings = request.app[SETTINGS_KEY]
        db_ok = await check_database(request.app)
        body = ServiceHealth(status="ok" if db_ok else "degraded", service=settings.service,
                             database="ok" if db_ok else "unavailable")
        return json_response(body, status=200 if db_ok else 503)

    @routes.get("/api/health", roles=PUBLIC, response=SystemHealth, summary="Every service and the database")
    async def health(request: web.Request) -> web.Response:
        body = await system_health(request.app[SETTINGS_KEY], request.app[CLIENT_KEY])
        return json_response(body, status=200 if body.status == "ok" else 503)

    @routes.get("/metrics", roles=PUBLIC, summary="Prometheus metrics", content_type="text/plain")
    async def metrics(request: web.Request) -> web.Response:
        body = request.app[METRICS_KEY].render().encode("utf-8")
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE, "X-Prometheus-Format": "0.0.4"})

    @routes.get("/openapi.json", roles=PUBLIC, summary="This service's OpenAPI document")
    async def openapi(request: web.Request) -> web.Response:
        doc = build_openapi(title, version, request.app[ENDPOINTS_KEY])
        return json_response(doc)

    @routes.get("/internal/openapi.json", roles=SERVICE,
                summary="This service's internal routes (/internal/*, /metrics); never served by the entry")
    async def internal_openapi(request: web.Request) -> web.Response:
        doc = build_openapi(f"{title} (internal)", version, request.app[ENDPOINTS_KEY], internal=True)
        return json_response(doc)

    return routes


def install_ops(app: web.Application, title: str) -> None:
    install(app, ops_routes(title))
