"""What delivery keeps for the life of the process, built once by one cleanup_ctx and
kept under one app key. Every field is set at construction: nothing is looked up later.

The pool is the app's one pool (shared.db POOL_KEY). Its connections never carry
session state (no LISTEN, no session settings, no session-level advisory locks, no
cursors outside a transaction), so the reset query asyncpg runs on every release by
default is replaced by a no-op (`no_reset`, given to `service_app`): asyncpg still
rolls back a transaction left open. On the save path that removes a round trip per
request (see docs/performance.md).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import asyncpg
from aiohttp import web

from exam_delivery.assembly import Exposure
from exam_delivery.blueprints.rules import Blueprint
from exam_delivery.clients import ItemBankClient, ScoringClient
from exam_delivery.items.service import Catalog
from shared.db import POOL_KEY
from shared.http import CLIENT_KEY, ServiceAuth
from shared.metrics import Metrics
from shared.settings import Settings
from shared.web import METRICS_KEY


async def no_reset(conn: asyncpg.Connection) -> None:
    return None


@dataclass
class Delivery:
    settings: Settings
    pool: asyncpg.Pool
    catalog: Catalog  # the approved items: read model, pool in memory, the item bank's feed
    scoring: ScoringClient
    metrics: Metrics  # the app's, for the background loops' gauges
    exposure: Exposure
    blueprints: dict[str, Blueprint] = field(default_factory=dict)  # by id (immutable once created: cached)
    outbox_wake: asyncio.Event = field(default_factory=asyncio.Event)
    rng: random.Random = field(default_factory=random.Random)  # seeded from the OS at creation


DELIVERY_KEY = web.AppKey("delivery", Delivery)


def delivery_ctx(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        pool, session, auth = app[POOL_KEY], app[CLIENT_KEY], ServiceAuth(settings)
        app[DELIVERY_KEY] = Delivery(
            settings=settings,
            pool=pool,
            catalog=Catalog(pool, ItemBankClient(session, auth, settings.item_bank_url)),
            scoring=ScoringClient(session, auth, settings.scoring_url, settings.event_signing_key),
            metrics=app[METRICS_KEY],
            exposure=Exposure(settings.exposure_window, settings.exposure_max_share),
        )
        yield

    return ctx
