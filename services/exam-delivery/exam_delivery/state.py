"""What the delivery service keeps for the life of the process, under one app key.

`pool` is delivery's own asyncpg pool for attempts and answers. Its connections
never carry session state (no LISTEN, no session settings, no session-level
advisory locks, no cursors outside a transaction), so the reset query asyncpg
runs on every release by default is replaced by a no-op: asyncpg still rolls
back a transaction left open. On the save path that removes a round trip per
request (see PERFORMANCE.md: the Pool's acquire cost).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aiohttp
import asyncpg
from aiohttp import web

from exam_delivery.assembly import Exposure
from exam_delivery.itempool import ItemPool
from shared.db import init_connection
from shared.http import CLIENT_KEY, ServiceAuth
from shared.metrics import Metrics
from shared.settings import Settings
from shared.web import METRICS_KEY

if TYPE_CHECKING:
    from exam_delivery.blueprints import Blueprint


async def _no_reset(conn: asyncpg.Connection) -> None:
    return None


@dataclass
class Delivery:
    settings: Settings
    pool: asyncpg.Pool
    items: ItemPool = field(default_factory=ItemPool)
    exposure: Exposure = field(default_factory=lambda: Exposure(200, 0.5))
    blueprints: dict[str, Blueprint] = field(default_factory=dict)  # by id (immutable once created: cached)
    outbox_wake: asyncio.Event = field(default_factory=asyncio.Event)
    rng: random.Random = field(default_factory=random.Random)  # seeded from the OS at creation
    session: aiohttp.ClientSession | None = None  # for the item bank's feed and scoring's ingest
    service_auth: ServiceAuth | None = None
    last_on_demand_refresh: float = 0.0  # monotonic time of the last refresh a start asked for
    metrics: Metrics | None = None  # the app's, for the background loops' gauges


DELIVERY_KEY = web.AppKey("delivery", Delivery)


async def create_delivery_pool(settings: Settings) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_url,
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        init=init_connection,
        reset=_no_reset,
        command_timeout=30,
        max_inactive_connection_lifetime=300,
    )
    async with pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return pool


def delivery_ctx(settings: Settings):  # type: ignore[no-untyped-def]
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        pool = await create_delivery_pool(settings)
        state = Delivery(
            settings=settings,
            pool=pool,
            exposure=Exposure(settings.exposure_window, settings.exposure_max_share),
            session=app[CLIENT_KEY],
            service_auth=ServiceAuth(settings),
            metrics=app[METRICS_KEY],
        )
        app[DELIVERY_KEY] = state
        yield
        await pool.close()

    return ctx
