"""Helpers for the delivery tests: a synthetic approved bank fed through
delivery's own feed-consumer path, and small API wrappers."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from exam_delivery.feed import apply_page, refresh_pool
from exam_delivery.state import DELIVERY_KEY

from shared.contracts import FeedItemVersion, FeedOption, FeedPage
from shared.domains import DOMAINS

RATIONALE_MARK = "RATIONALE-MARK"


def synthetic_items(
    per_domain: dict[str, int] | None = None, *, factor: int = 3, seed: int = 1, seq_start: int = 1_000_000
) -> list[FeedItemVersion]:
    """Approved item versions: `factor` x the classic count per domain unless `per_domain` says otherwise.
    Every rationale carries RATIONALE_MARK so a test can scan responses for leaks."""
    rng = random.Random(seed)
    counts = per_domain if per_domain is not None else {d.code: factor * d.classic_count for d in DOMAINS}
    out = []
    seq = seq_start
    for code, n in counts.items():
        for i in range(n):
            seq += 1
            key = rng.choice("ABCD")
            key_text = f"{code}-{i + 1} alternative {key.lower()}"
            out.append(
                FeedItemVersion(
                    item_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    version=1,
                    domain=code,
                    stem=f"{code} question {i + 1}: which option is right? <b>not markup</b>",
                    options=[
                        FeedOption(label=label, text=f"{code}-{i + 1} alternative {label.lower()}")
                        for label in "ABCD"
                    ],
                    key=key,
                    rationale=f"{RATIONALE_MARK} {code}-{i + 1}: '{key_text}' is right.",
                    status="approved",
                    code_set_year=2026,
                    changed_seq=seq,
                )
            )
    return out


async def feed_delivery(app: web.Application, items: Iterable[FeedItemVersion]) -> None:
    """Apply items to delivery's read model through its feed consumer, without moving its cursor
    (so the real item-bank feed is still followed from where it was)."""
    state = app[DELIVERY_KEY]
    rows = list(items)
    async with state.pool.acquire() as conn:
        cursor = int(await conn.fetchval("SELECT cursor FROM delivery.feed_cursor"))
    for start in range(0, len(rows), 500):
        page = FeedPage(items=rows[start : start + 500], next_cursor=cursor, has_more=False)
        assert await apply_page(state, cursor, page)
    await refresh_pool(state)


async def feed_database(database_url: str, items: Iterable[FeedItemVersion]) -> None:
    """The same, for a delivery running in another process: it picks the rows up at its next feed poll."""
    import asyncpg
    from exam_delivery.state import Delivery

    from shared.db import init_connection
    from shared.settings import Settings

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1, init=init_connection)
    try:
        state = Delivery(settings=Settings(database_url=database_url), pool=pool)
        rows = list(items)
        async with pool.acquire() as conn:
            cursor = int(await conn.fetchval("SELECT cursor FROM delivery.feed_cursor"))
        for start in range(0, len(rows), 500):
            page = FeedPage(items=rows[start : start + 500], next_cursor=cursor, has_more=False)
            assert await apply_page(state, cursor, page)
    finally:
        await pool.close()


def retire(items: Iterable[FeedItemVersion], seq_offset: int = 10_000_000) -> list[FeedItemVersion]:
    return [
        FeedItemVersion(**{**_fields(i), "status": "retired", "changed_seq": i.changed_seq + seq_offset})
        for i in items
    ]


def _fields(item: FeedItemVersion) -> dict[str, Any]:
    return {f: getattr(item, f) for f in item.__struct_fields__}


async def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1, what: str = "condition") -> Any:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)
