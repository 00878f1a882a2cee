"""The background loops of delivery: feed poller, deadline sweeper, outbox
publisher. Each is a task of the app's life (a cleanup_ctx), cancelled at
shutdown; a failing turn (database or a peer down) is logged and retried with
backoff, never ends the loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import structlog
from aiohttp import web

from exam_delivery import repository as repo
from exam_delivery.blueprints import ensure_builtin
from exam_delivery.feed import FeedUnavailable, feed_step, refresh_pool
from exam_delivery.outbox import publish_once
from exam_delivery.state import DELIVERY_KEY, Delivery
from exam_delivery.sweeper import sweep_once

_log = structlog.get_logger("mockcert.delivery.background")
EXPOSURE_RECONCILE_SECONDS = 60.0
MAX_LOOP_BACKOFF = 10.0
_EXPECTED = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, FeedUnavailable)


async def run_loop(
    name: str, step: Callable[[], Awaitable[object]], interval: float, wake: asyncio.Event | None = None
) -> None:
    failures = 0
    while True:
        try:
            await step()
            failures = 0
            delay = interval
        except asyncio.CancelledError:
            raise
        except _EXPECTED as exc:
            failures += 1
            delay = min(MAX_LOOP_BACKOFF, interval * 2 ** min(failures, 8))
            _log.warning(
                "background_step_failed",
                loop=name,
                error=f"{type(exc).__name__}: {exc}",
                failures=failures,
                retry_in=round(delay, 2),
            )
        except Exception:
            failures += 1
            delay = min(MAX_LOOP_BACKOFF, interval * 2 ** min(failures, 8))
            _log.exception("background_step_error", loop=name, failures=failures, retry_in=round(delay, 2))
        if wake is None:
            await asyncio.sleep(delay)
        else:
            try:
                await asyncio.wait_for(wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            wake.clear()


async def reconcile_exposure(state: Delivery) -> None:
    """Rebuild the exposure counts from the recent forms of every replica."""
    async with state.pool.acquire() as conn:
        forms = await repo.recent_forms(conn, state.exposure.window)
    state.exposure.reset(forms)


def feed_loop_step(state: Delivery) -> Callable[[], Awaitable[None]]:
    last_reconcile = time.monotonic()

    async def step() -> None:
        nonlocal last_reconcile
        try:
            await feed_step(state)
        finally:
            if time.monotonic() - last_reconcile >= EXPOSURE_RECONCILE_SECONDS:
                last_reconcile = time.monotonic()
                await reconcile_exposure(state)

    return step


async def background_ctx(app: web.Application) -> AsyncIterator[None]:
    state = app[DELIVERY_KEY]
    settings = state.settings
    await ensure_builtin(state.pool)
    await refresh_pool(state)  # the whole read model, even if the item bank is not up yet
    await reconcile_exposure(state)
    tasks = [
        asyncio.create_task(run_loop("feed", feed_loop_step(state), settings.feed_poll_seconds), name="feed"),
        asyncio.create_task(
            run_loop("sweeper", lambda: sweep_once(state), settings.sweep_interval_seconds, state.sweep_wake),
            name="sweeper",
        ),
        asyncio.create_task(
            run_loop("outbox", lambda: publish_once(state), settings.outbox_poll_seconds, state.outbox_wake),
            name="outbox",
        ),
    ]
    _log.info("background_started", items=len(state.items.bank), loops=[t.get_name() for t in tasks])
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
