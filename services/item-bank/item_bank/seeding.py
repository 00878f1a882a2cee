"""The sample CPC bank, loaded once into an empty bank at start.

Under a transaction-scoped advisory lock, so two replicas starting together do
not both seed: the second waits, then sees the items and does nothing. The
items arrive as approved version 1, written by the system author "sample-bank",
each with an audit record and a feed row, in a handful of COPY statements.
"""

from __future__ import annotations

import asyncio
import collections
import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

import asyncpg
import msgspec
import structlog

from item_bank.items import repository as repo
from item_bank.items.schemas import ItemIn
from item_bank.items.validation import check_item

SYSTEM_AUTHOR = "sample-bank"
SEED_COMMENT = "sample CPC bank loaded at first start"
_log = structlog.get_logger("mockcert.item_bank.seed")

Generator = Callable[[], list[dict[str, Any]]]


def _default_generator() -> Generator:
    from item_bank.sample_bank import load_sample_bank

    return load_sample_bank


class SampleBankRefused(RuntimeError):
    """Not one generated item passes the API's rules, so there is nothing to load.

    The usual cause is MOCKCERT_CODE_SET_YEAR set earlier than the year the
    sample bank was written for (a code-set year may be at most the current one + 1).
    """


class SeedRecords(NamedTuple):
    items: list[tuple[Any, ...]]
    versions: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]
    feed: list[tuple[Any, ...]]
    # "field: message" -> how many generated items it refused
    refused: collections.Counter[str]


def build_records(raw: list[dict[str, Any]], current_year: int) -> SeedRecords:
    """Check every generated item with the same rules as the API; return COPY records. Pure."""
    items: list[tuple[Any, ...]] = []
    versions: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []
    feed: list[tuple[Any, ...]] = []
    refused: collections.Counter[str] = collections.Counter()
    for index, entry in enumerate(raw):
        try:
            body = msgspec.convert(entry, ItemIn)
        except msgspec.ValidationError as exc:
            _log.warning("sample_item_refused", index=index, error=str(exc))
            refused[str(exc)] += 1
            continue
        content, errors = check_item(body, current_year)
        if content is None:
            reasons = [f"{e.field}: {e.message}" for e in errors]
            _log.warning("sample_item_refused", index=index, errors=reasons)
            refused.update(reasons)
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
    return SeedRecords(items, versions, audit, feed, refused)


async def seed_sample_bank(pool: asyncpg.Pool, current_year: int, generate: Generator | None = None) -> int:
    """Load the sample bank when the bank is empty; return how many items were loaded (0 if not empty).

    Raise SampleBankRefused, having logged the reasons as an error, when the
    generator offers items but the API's rules refuse every one: the bank is left
    empty (so a later start with a corrected setting loads it) rather than quietly
    starting with no questions.
    """
    started = time.perf_counter()
    async with pool.acquire() as conn, conn.transaction():
        await repo.seed_lock(conn)
        if await repo.has_items(conn):
            return 0
        make = generate or _default_generator()
        raw = await asyncio.get_running_loop().run_in_executor(None, make)
        records = build_records(raw, current_year)
        if raw and not records.items:
            reasons = [f"{reason} ({count} items)" for reason, count in records.refused.most_common(5)]
            _log.error(
                "sample_bank_refused",
                offered=len(raw),
                code_set_year=current_year,
                reasons=reasons,
                hint="check MOCKCERT_CODE_SET_YEAR against the sample bank's code-set year",
            )
            raise SampleBankRefused(
                f"every one of the {len(raw)} sample items was refused for code-set year "
                f"{current_year}: {'; '.join(reasons)}"
            )
        await repo.copy_seed(conn, records.items, records.versions, records.audit)
        await repo.append_feed(conn, records.feed)
    _log.info(
        "sample_bank_loaded",
        items=len(records.items),
        offered=len(raw),
        refused=sum(records.refused.values()),
        seconds=round(time.perf_counter() - started, 3),
    )
    return len(records.items)
