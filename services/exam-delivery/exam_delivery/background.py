"""The background loops of delivery: feed poller, deadline sweeper, outbox
publisher. Each is a task of the app's life (a cleanup_ctx), cancelled at
shutdown; a failing turn (database or a peer down) is logged and retried with
backoff, never ends the loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog
from aiohttp import web

from exam_delivery.attempts import repository as attempts_repo
from exam_delivery.attempts.outbox import publish_once
from exam_delivery.attempts.sweeper import sweep_once
from exam_delivery.blueprints.service import ensure_builtin
from exam_delivery.clients import FeedUnavailable
from exam_delivery.context import DELIVERY_KEY, Delivery
from exam_delivery.items.service import feed_step, refresh_pool
from shared.loops import EXPECTED_FAILURES
from shared.loops import run_loop as shared_run_loop

_log = structlog.get_logger("mockcert.delivery.background")
EXPOSURE_RECONCILE_SECONDS = 60.0
_EXPECTED = (*EXPECTED_FAILURES, FeedUnavailable)


async def run_loop(
    name: str, step: Callable[[], Awaitable[object]], interval: float, wake: asyncio.Event | None = None
) -> None:
    await shared_run_loop(name, step, interval, wake, expected=_EXPECTED)


async def reconcile_exposure(state: Delivery) -> None:
    """Rebuild the exposure counts from the recent forms of every replica."""
    async with state.pool.acquire() as conn:
        forms = await attempts_repo.recent_forms(conn, state.exposure.window)
    state.exposure.reset(forms)


def feed_loop_step(state: Delivery) -> Callable[[], Awaitable[None]]:
    last_reconcile = time.monotonic()

    async def step() -> None:
        nonlocal last_reconcile
        try:
            await feed_step(state.catalog)
        finally:
            if time.monotonic() - last_reconcile >= EXPOSURE_RECONCILE_SECONDS:
                last_reconcile = time.monotonic()
                await reconcile_exposure(state)

    return step


async def sweep_step(state: Delivery) -> None:
    if await sweep_once(state.pool):
        state.outbox_wake.set()


async def publish_step(state: Delivery) -> None:
    await publish_once(state.pool, state.scoring, state.settings.outbox_poll_seconds, state.metrics)


async def background_ctx(app: web.Application) -> AsyncIterator[None]:
    state = app[DELIVERY_KEY]
    settings = state.settings
    await ensure_builtin(state.pool)
    await refresh_pool(state.catalog)  # the whole read model, even if the item bank is not up yet
    await reconcile_exposure(state)
    tasks = [
        asyncio.create_task(run_loop("feed", feed_loop_step(state), settings.feed_poll_seconds), name="feed"),
        asyncio.create_task(
            run_loop("sweeper", lambda: sweep_step(state), settings.sweep_interval_seconds),
            name="sweeper",
        ),
        asyncio.create_task(
            run_loop("outbox", lambda: publish_step(state), settings.outbox_poll_seconds, state.outbox_wake),
            name="outbox",
        ),
    ]
    _log.info("background_started", items=len(state.catalog.items.bank), loops=[t.get_name() for t in tasks])
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
