"""Consumer of the item bank's feed: approved versions in, retired ones out.

The read model (`delivery.item_versions`) is shared by the replicas; the
cursor row is updated under FOR UPDATE in the same transaction as the rows of
the page, so a page is applied once even when two replicas fetched it. Each
replica then refreshes its in-memory pool from the read model (not from the
HTTP page), so all replicas converge on what the database holds, and a
replica restarting while the item bank is down still has the whole pool.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog

from exam_delivery.clients import FeedUnavailable, ItemBankClient
from exam_delivery.items import repository as repo
from exam_delivery.items.pool import ItemPool
from shared.contracts import FeedPage, ItemStatsSummary

_log = structlog.get_logger("mockcert.delivery.feed")
# A start that finds the pool short looks at the feed again, at most this often.
ON_DEMAND_REFRESH_SECONDS = 1.0


@dataclass
class Catalog:
    """This replica's view of the approved items: the shared read model, the pool in memory, the feed."""

    pool: asyncpg.Pool
    client: ItemBankClient
    items: ItemPool = field(default_factory=ItemPool)
    last_on_demand_refresh: float = 0.0  # monotonic time of the last refresh a start asked for


async def apply_page(pool: asyncpg.Pool, cursor: int, page: FeedPage) -> bool:
    """Apply one page read from `cursor`; False when another replica moved the cursor first."""
    async with pool.acquire() as conn, conn.transaction():
        current = await repo.lock_feed_cursor(conn)
        if current != cursor:
            return False
        await repo.apply_feed(conn, page.items)
        await repo.set_feed_cursor(conn, max(cursor, page.next_cursor))
    return True


async def poll_feed(catalog: Catalog) -> int:
    """Follow the feed to its end; return the number of rows applied by this replica."""
    async with catalog.pool.acquire() as conn:
        cursor = await repo.feed_cursor(conn)
    applied = 0
    while True:
        page = await catalog.client.feed_page(cursor)
        if not page.items:
            break
        if not await apply_page(catalog.pool, cursor, page):
            break  # another replica is applying the feed; our pool follows the read model anyway
        applied += len(page.items)
        cursor = max(cursor, page.next_cursor)
        if not page.has_more:
            break
    if applied:
        _log.info("feed_applied", rows=applied, cursor=cursor)
    return applied


async def refresh_pool(catalog: Catalog) -> int:
    async with catalog.pool.acquire() as conn:
        return await catalog.items.refresh(conn)


async def refresh_now(catalog: Catalog) -> None:
    """Poll the feed (if the item bank answers) and refresh the pool from the read model."""
    try:
        await poll_feed(catalog)
    except FeedUnavailable as exc:
        _log.warning("feed_unavailable", error=str(exc))
    await refresh_pool(catalog)


async def refresh_if_short(catalog: Catalog, domains: Sequence[tuple[str, int]]) -> None:
    """An empty or stale pool: look again before refusing (at most once a second, not once per start)."""
    now = time.monotonic()
    if catalog.items.bank.shortfall(domains) and now - catalog.last_on_demand_refresh >= ON_DEMAND_REFRESH_SECONDS:
        catalog.last_on_demand_refresh = now
        await refresh_now(catalog)


async def feed_step(catalog: Catalog) -> None:
    """One turn of the background poller."""
    try:
        await poll_feed(catalog)
    finally:
        await refresh_pool(catalog)


# Difficulties are used for assembly only from this many responses on (as the flags of item analysis).
DIFFICULTY_MIN_N = 30


async def apply_item_stats(catalog: Catalog, stats: list[ItemStatsSummary]) -> int:
    """Store the proportion correct of item versions measured by scoring; return rows changed."""
    rows = [
        (s.item_id, s.version, float(s.p), s.n)
        for s in stats
        if s.p is not None and s.n >= DIFFICULTY_MIN_N and 0.0 <= s.p <= 1.0
    ]
    if not rows:
        return 0
    async with catalog.pool.acquire() as conn, conn.transaction():
        await repo.lock_feed_cursor(conn)  # one writer of revs at a time, so replicas never miss one
        changed = await repo.set_difficulties(conn, rows)
    await refresh_pool(catalog)
    return changed
