"""Consumer of the item bank's feed: approved versions in, retired ones out.

The read model (`delivery.item_versions`) is shared by the replicas; the
cursor row is updated under FOR UPDATE in the same transaction as the rows of
the page, so a page is applied once even when two replicas fetched it. Each
replica then refreshes its in-memory pool from the read model (not from the
HTTP page), so all replicas converge on what the database holds, and a
replica restarting while the item bank is down still has the whole pool.
"""

from __future__ import annotations

import msgspec
import structlog

from exam_delivery import repository as repo
from exam_delivery.state import Delivery
from shared.contracts import FeedPage, ItemStatsSummary
from shared.http import MalformedReply, ServiceUnreachable, call_service, decode_reply

PAGE_SIZE = 500
_page_decoder = msgspec.json.Decoder(FeedPage)
_log = structlog.get_logger("mockcert.delivery.feed")


class FeedUnavailable(Exception):
    pass


async def fetch_page(state: Delivery, cursor: int, limit: int = PAGE_SIZE) -> FeedPage:
    assert state.session is not None and state.service_auth is not None
    url = f"{state.settings.item_bank_url}/internal/feed"
    try:
        reply = await call_service(
            state.session, "GET", url, state.service_auth,
            timeout=10, params={"cursor": str(cursor), "limit": str(limit)},
        )
    except ServiceUnreachable as exc:
        raise FeedUnavailable(f"item bank unreachable: {exc.kind}") from exc
    if reply.status != 200:
        raise FeedUnavailable(f"item bank answered {reply.status}")
    try:
        return decode_reply(_page_decoder, reply.body)
    except MalformedReply as exc:
        raise FeedUnavailable(f"malformed feed page: {exc}") from exc


async def apply_page(state: Delivery, cursor: int, page: FeedPage) -> bool:
    """Apply one page read from `cursor`; False when another replica moved the cursor first."""
    async with state.pool.acquire() as conn, conn.transaction():
        current = await repo.lock_feed_cursor(conn)
        if current != cursor:
            return False
        await repo.apply_feed(conn, page.items)
        await repo.set_feed_cursor(conn, max(cursor, page.next_cursor))
    return True


async def poll_feed(state: Delivery) -> int:
    """Follow the feed to its end; return the number of rows applied by this replica."""
    async with state.pool.acquire() as conn:
        cursor = await repo.feed_cursor(conn)
    applied = 0
    while True:
        page = await fetch_page(state, cursor)
        if not page.items:
            break
        if not await apply_page(state, cursor, page):
            break  # another replica is applying the feed; our pool follows the read model anyway
        applied += len(page.items)
        cursor = max(cursor, page.next_cursor)
        if not page.has_more:
            break
    if applied:
        _log.info("feed_applied", rows=applied, cursor=cursor)
    return applied


async def refresh_pool(state: Delivery) -> int:
    async with state.pool.acquire() as conn:
        return await state.items.refresh(conn)


async def refresh_now(state: Delivery) -> None:
    """Poll the feed (if the item bank answers) and refresh the pool from the read model."""
    try:
        await poll_feed(state)
    except FeedUnavailable as exc:
        _log.warning("feed_unavailable", error=str(exc))
    await refresh_pool(state)


async def feed_step(state: Delivery) -> None:
    """One turn of the background poller."""
    try:
        await poll_feed(state)
    finally:
        await refresh_pool(state)


# Difficulties are used for assembly only from this many responses on (as the flags of item analysis).
DIFFICULTY_MIN_N = 30


async def apply_item_stats(state: Delivery, stats: list[ItemStatsSummary]) -> int:
    """Store the proportion correct of item versions measured by scoring; return rows changed."""
    rows = [
        (s.item_id, s.version, float(s.p), s.n)
        for s in stats
        if s.p is not None and s.n >= DIFFICULTY_MIN_N and 0.0 <= s.p <= 1.0
    ]
    if not rows:
        return 0
    async with state.pool.acquire() as conn, conn.transaction():
        await repo.lock_feed_cursor(conn)  # one writer of revs at a time, so replicas never miss one
        changed = await repo.set_difficulties(conn, rows)
    await refresh_pool(state)
    return changed
