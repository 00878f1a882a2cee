"""The sample CPC bank, loaded once into an empty bank at start.

Under a transaction-scoped advisory lock, so two replicas starting together do
not both seed: the second waits, then sees the items and does nothing. The
items arrive as approved version 1, written by the system author "sample-bank",
each with an audit record and a feed row, in a handful of COPY statements.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec
import structlog

from item_bank import repository as repo
from item_bank.schemas import ItemIn
from item_bank.validation import check_item

SYSTEM_AUTHOR = "sample-bank"
SEED_COMMENT = "sample CPC bank loaded at first start"
_log = structlog.get_logger("mockcert.item_bank.seed")

Generator = Callable[[], list[dict[str, Any]]]


def _default_generator() -> Generator:
    from item_bank.sample_bank import generate_sample_bank

    return generate_sample_bank


def build_records(raw: list[dict[str, Any]], current_year: int) -> tuple[list[tuple[Any, ...]], ...]:
    """Check every generated item with the same rules as the API; return COPY records. Pure."""
    items: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []
    feed: list[tuple[Any, ...]] = []
    for index, entry in enumerate(raw):
        try:
            body = msgspec.convert(entry, ItemIn)
        except msgspec.ValidationError as exc:
            _log.warning("sample_item_refused", index=index, error=str(exc))
            continue
        content, errors = check_item(body, current_year)
        if content is None:
            _log.warning(
                "sample_item_refused", index=index, errors=[f"{e.field}: {e.message}" for e in errors]
            )
            continue
        item_id = uuid.uuid4()
        items.append((item_id, SYSTEM_AUTHOR, SYSTEM_AUTHOR, 1, 1))
        versions.append(
            (
                item_id,
                1,
                *repo.content_args(content),
                "approved",
                SYSTEM_AUTHOR,
                SYSTEM_AUTHOR,
                SYSTEM_AUTHOR,
                content.options_text(),
            )
        )
        audit.append((item_id, 1, "seeded", None, "approved", SYSTEM_AUTHOR, SYSTEM_AUTHOR, SEED_COMMENT))
        feed.append((item_id, 1, "approved"))
    return items, versions, audit, feed


async def seed_sample_bank(pool: asyncpg.Pool, current_year: int, generate: Generator | None = None) -> int:
    """Load the sample bank when the bank is empty; return how many items were loaded (0 if not empty)."""
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        await repo.seed_lock(conn)
        if await repo.has_items(conn):
            return 0
        make = generate or _default_generator()
        raw = await asyncio.get_running_loop().run_in_executor(None, make)
        items, versions, audit, feed = build_records(raw, current_year)
        await repo.copy_seed(conn, items, versions, audit)
        await repo.append_feed(conn, feed)  # type: ignore[arg-type]
    _log.info(
        "sample_bank_loaded",
        items=len(items),
        offered=len(raw),
        seconds=round(time.perf_counter() - started, 3),
    )
    return len(items)
