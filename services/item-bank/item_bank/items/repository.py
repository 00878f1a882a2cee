"""SQL of the items. Every function takes the connection first (the caller, the service
layer, owns the transaction) and returns typed rows, never `asyncpg.Record`s."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, NamedTuple

import asyncpg
import msgspec

from item_bank.items.validation import ItemContent
from item_bank.rows import many, one

_VERSION_COLUMNS = """
    v.item_id, v.version, v.domain, v.stem, v.options, v.key, v.rationale, v.tags, v.code_set_year,
    v.refs, v.status, v.author_id, v.author_name, v.item_author_id, v.created_at, v.status_changed_at,
    v.is_latest
"""
_ITEM_COLUMNS = """
    i.created_at AS item_created_at, i.created_by, i.created_by_name, i.latest_version, i.approved_version
"""

INSERT_ITEM = """
INSERT INTO item_bank.items (id, created_by, created_by_name, latest_version, approved_version)
VALUES ($1, $2, $3, $4, $5)
"""

INSERT_VERSION = """
INSERT INTO item_bank.item_versions
    (item_id, version, domain, stem, options, key, rationale, tags, code_set_year, refs, status,
     author_id, author_name, item_author_id, options_text)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
"""

LOCK_ITEM = """
SELECT id, created_by, created_by_name, latest_version, approved_version, created_at
FROM item_bank.items WHERE id = $1 FOR UPDATE
"""

GET_CURRENT = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id AND v.version = i.latest_version
WHERE i.id = $1
"""

GET_VERSION = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id
WHERE i.id = $1 AND v.version = $2
"""

LIST_VERSIONS = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id
WHERE i.id = $1
ORDER BY v.version
"""

UNSET_LATEST = """
UPDATE item_bank.item_versions SET is_latest = false WHERE item_id = $1 AND is_latest
"""

SET_STATUS = """
UPDATE item_bank.item_versions SET status = $3, status_changed_at = now()
WHERE item_id = $1 AND version = $2
RETURNING status_changed_at
"""

SET_POINTERS = """
UPDATE item_bank.items SET latest_version = $2, approved_version = $3 WHERE id = $1
"""

INSERT_AUDIT = """
INSERT INTO item_bank.audit (item_id, version, action, from_status, to_status, actor_id, actor_name, comment)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""

LIST_AUDIT = """
SELECT version, action, from_status, to_status, actor_id, actor_name, comment, at
FROM item_bank.audit WHERE item_id = $1 ORDER BY id
"""

# Transaction-scoped: held until the inserting transaction commits, so feed rows
# become visible in seq order (a reader never sees seq n+1 before seq n).
FEED_LOCK = "SELECT pg_advisory_xact_lock(hashtext('mockcert-item-bank-feed'))"

APPEND_FEED = """
INSERT INTO item_bank.feed_log (seq, item_id, version, status)
SELECT base.n + t.ord, t.item_id, t.version, t.status
FROM (SELECT coalesce(max(seq), 0) AS n FROM item_bank.feed_log) AS base,
     unnest($1::uuid[], $2::int[], $3::text[]) WITH ORDINALITY AS t(item_id, version, status, ord)
"""

READ_FEED = """
SELECT f.seq, f.status AS feed_status, v.item_id, v.version, v.domain, v.stem, v.options, v.key, v.rationale,
       v.tags, v.code_set_year
FROM item_bank.feed_log f
JOIN item_bank.item_versions v ON v.item_id = f.item_id AND v.version = f.version
WHERE f.seq > $1
ORDER BY f.seq
LIMIT $2
"""

# One filter for every combination: each is skipped when its parameter is NULL. Words are a
# to_tsquery('simple', ...) text built by item_bank.items.search (quoted lexemes only); codes are
# matched by containment in the codes the database extracted (exact code or prefix, one GIN
# index); an id prefix is hex digits compared with the id's own (dashes left out), or the
# same text as a word.
_SEARCH_FILTER = """
v.is_latest
  AND ($1::text IS NULL OR v.domain = $1)
  AND ($2::text IS NULL OR v.tags @> ARRAY[$2::text])
  AND ($3::text IS NULL OR v.status = $3)
  AND ($4::text IS NULL OR v.item_author_id = $4 OR i.created_by_name = $4)
  AND ($5::int IS NULL OR v.code_set_year = $5)
  AND ($6::int IS NULL OR v.code_set_year < $6)
  AND ($8::text[] IS NULL OR v.codes @> $8::text[])
  AND (
    ($9::text IS NULL AND ($7::text IS NULL OR v.search_words @@ to_tsquery('simple', $7)))
    -- What looks like an id may also be a word of the text ("a86adadf"): either matches.
    OR ($9::text IS NOT NULL AND (
        left(replace(v.item_id::text, '-', ''), length($9)) = $9
        OR ($7::text IS NOT NULL AND v.search_words @@ to_tsquery('simple', $7))))
  )
"""

# The keyset (created_at, item_id) pages newest first.
SEARCH = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.item_versions v
JOIN item_bank.items i ON i.id = v.item_id
WHERE {_SEARCH_FILTER}
  AND ($10::timestamptz IS NULL OR (v.created_at, v.item_id) < ($10::timestamptz, $11::uuid))
ORDER BY v.created_at DESC, v.item_id DESC
LIMIT $12
"""

COUNT_SEARCH = f"""
SELECT count(*)
FROM item_bank.item_versions v
JOIN item_bank.items i ON i.id = v.item_id
WHERE {_SEARCH_FILTER}
"""

ROLLOVER = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id AND v.version = i.approved_version
WHERE v.code_set_year < $1
  AND ($2::int IS NULL OR (v.code_set_year, v.item_id) > ($2::int, $3::uuid))
ORDER BY v.code_set_year, v.item_id
LIMIT $4
"""

COUNT_ROLLOVER = """
SELECT count(*)
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id AND v.version = i.approved_version
WHERE v.code_set_year < $1
"""

EXPORT = f"""
SELECT v.item_id, v.version, v.status, v.domain, v.stem, v.options, v.key, v.rationale, v.tags,
       v.code_set_year, v.refs
FROM item_bank.item_versions v
JOIN item_bank.items i ON i.id = v.item_id
WHERE {_SEARCH_FILTER}
ORDER BY v.item_id
"""

# The latest version of several items (bulk actions, import updates), each with its item row.
GET_CURRENT_MANY = f"""
SELECT {_VERSION_COLUMNS}, {_ITEM_COLUMNS}
FROM item_bank.items i
JOIN item_bank.item_versions v ON v.item_id = i.id AND v.version = i.latest_version
WHERE i.id = ANY($1::uuid[])
"""

# Tags in use on the latest versions, most used first (the editor's autocomplete).
TAGS_IN_USE = """
SELECT t.tag, count(*) AS items
FROM item_bank.item_versions v, unnest(v.tags) AS t (tag)
WHERE v.is_latest AND ($1::text = '' OR left(t.tag, length($1)) = $1)
GROUP BY t.tag
ORDER BY count(*) DESC, t.tag
LIMIT $2
"""

HAS_ITEMS = "SELECT EXISTS (SELECT 1 FROM item_bank.items)"

SEED_LOCK = "SELECT pg_advisory_xact_lock(hashtext('mockcert-item-bank-seed'))"


class OptionRow(msgspec.Struct, frozen=True):
    label: str
    text: str


class LockedItem(msgspec.Struct, frozen=True):
    """The item's row, locked for the rest of the transaction."""

    id: uuid.UUID
    created_by: str
    created_by_name: str
    latest_version: int
    approved_version: int | None
    created_at: dt.datetime


class VersionRow(msgspec.Struct, frozen=True):
    """One version with its item's row (`_VERSION_COLUMNS`, `_ITEM_COLUMNS`)."""

    item_id: uuid.UUID
    version: int
    domain: str
    stem: str
    options: list[OptionRow]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int
    refs: list[str]
    status: str
    author_id: str
    author_name: str
    item_author_id: str
    created_at: dt.datetime
    status_changed_at: dt.datetime
    is_latest: bool
    item_created_at: dt.datetime
    created_by: str
    created_by_name: str
    latest_version: int
    approved_version: int | None


class AuditRow(msgspec.Struct, frozen=True):
    version: int
    action: str
    from_status: str | None
    to_status: str | None
    actor_id: str
    actor_name: str
    comment: str
    at: dt.datetime


class FeedRow(msgspec.Struct, frozen=True):
    seq: int
    feed_status: str
    item_id: uuid.UUID
    version: int
    domain: str
    stem: str
    options: list[OptionRow]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int


class ExportedVersion(msgspec.Struct, frozen=True):
    """The latest version of an item as an export writes it."""

    item_id: uuid.UUID
    version: int
    status: str
    domain: str
    stem: str
    options: list[OptionRow]
    key: str
    rationale: str
    tags: list[str]
    code_set_year: int
    refs: list[str]


class TagCount(msgspec.Struct, frozen=True):
    tag: str
    items: int


def content_args(content: ItemContent) -> tuple[Any, ...]:
    return (
        content.domain,
        content.stem,
        content.options_dicts(),
        content.key,
        content.rationale,
        list(content.tags),
        content.code_set_year,
        list(content.references),
    )


async def insert_item(conn: asyncpg.Connection, item_id: uuid.UUID, author_id: str, author_name: str) -> None:
    await conn.execute(INSERT_ITEM, item_id, author_id, author_name, 1, None)


async def insert_version(
    conn: asyncpg.Connection,
    item_id: uuid.UUID,
    version: int,
    content: ItemContent,
    *,
    status: str,
    author_id: str,
    author_name: str,
    item_author_id: str,
) -> None:
    await conn.execute(
        INSERT_VERSION,
        item_id,
        version,
        *content_args(content),
        status,
        author_id,
        author_name,
        item_author_id,
        content.options_text(),
    )


async def lock_item(conn: asyncpg.Connection, item_id: uuid.UUID) -> LockedItem | None:
    return one(LockedItem, await conn.fetchrow(LOCK_ITEM, item_id))


async def get_current(conn: asyncpg.Connection, item_id: uuid.UUID) -> VersionRow | None:
    return one(VersionRow, await conn.fetchrow(GET_CURRENT, item_id))


async def get_version(conn: asyncpg.Connection, item_id: uuid.UUID, version: int) -> VersionRow | None:
    return one(VersionRow, await conn.fetchrow(GET_VERSION, item_id, version))


async def list_versions(conn: asyncpg.Connection, item_id: uuid.UUID) -> list[VersionRow]:
    return many(VersionRow, await conn.fetch(LIST_VERSIONS, item_id))


async def unset_latest(conn: asyncpg.Connection, item_id: uuid.UUID) -> None:
    await conn.execute(UNSET_LATEST, item_id)


async def set_status(conn: asyncpg.Connection, item_id: uuid.UUID, version: int, status: str) -> None:
    await conn.execute(SET_STATUS, item_id, version, status)


async def set_pointers(
    conn: asyncpg.Connection, item_id: uuid.UUID, latest: int, approved: int | None
) -> None:
    await conn.execute(SET_POINTERS, item_id, latest, approved)


async def insert_audit(
    conn: asyncpg.Connection,
    item_id: uuid.UUID,
    version: int,
    action: str,
    *,
    actor_id: str,
    actor_name: str,
    from_status: str | None = None,
    to_status: str | None = None,
    comment: str = "",
) -> None:
    await conn.execute(
        INSERT_AUDIT, item_id, version, action, from_status, to_status, actor_id, actor_name, comment
    )


async def list_audit(conn: asyncpg.Connection, item_id: uuid.UUID) -> list[AuditRow]:
    return many(AuditRow, await conn.fetch(LIST_AUDIT, item_id))


async def append_feed(conn: asyncpg.Connection, changes: Sequence[tuple[uuid.UUID, int, str]]) -> None:
    """Record versions entering ('approved') or leaving ('retired') service. Call inside a transaction."""
    if not changes:
        return
    await conn.execute(FEED_LOCK)
    await conn.execute(APPEND_FEED, [c[0] for c in changes], [c[1] for c in changes], [c[2] for c in changes])


async def read_feed(conn: asyncpg.Connection, cursor: int, limit: int) -> list[FeedRow]:
    return many(FeedRow, await conn.fetch(READ_FEED, cursor, limit))


class Filters(NamedTuple):
    """The search filters, in the order of the statements' parameters $1..$9."""

    domain: str | None = None
    tag: str | None = None
    status: str | None = None
    author: str | None = None
    code_set_year: int | None = None
    older_than_year: int | None = None
    tsquery: str | None = None
    codes: list[str] | None = None
    id_prefix: str | None = None


async def search(
    conn: asyncpg.Connection, filters: Filters, *, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
) -> list[VersionRow]:
    after_ts, after_id = after if after is not None else (None, None)
    return many(VersionRow, await conn.fetch(SEARCH, *filters, after_ts, after_id, limit))


async def count_search(conn: asyncpg.Connection, filters: Filters) -> int:
    return int(await conn.fetchval(COUNT_SEARCH, *filters))


async def get_current_many(conn: asyncpg.Connection, item_ids: Sequence[uuid.UUID]) -> list[VersionRow]:
    return many(VersionRow, await conn.fetch(GET_CURRENT_MANY, list(item_ids)))


async def tags_in_use(conn: asyncpg.Connection, prefix: str, limit: int) -> list[TagCount]:
    return many(TagCount, await conn.fetch(TAGS_IN_USE, prefix, limit))


async def rollover(
    conn: asyncpg.Connection, year: int, after: tuple[int, uuid.UUID] | None, limit: int
) -> list[VersionRow]:
    after_year, after_id = after if after is not None else (None, None)
    return many(VersionRow, await conn.fetch(ROLLOVER, year, after_year, after_id, limit))


async def count_rollover(conn: asyncpg.Connection, year: int) -> int:
    return int(await conn.fetchval(COUNT_ROLLOVER, year))


async def export_rows(
    conn: asyncpg.Connection, filters: Filters, prefetch: int = 500
) -> AsyncIterator[ExportedVersion]:
    """Stream the latest version of every item the filters select (a server-side cursor: call
    inside a transaction)."""
    async for row in conn.cursor(EXPORT, *filters, prefetch=prefetch):
        yield msgspec.convert(dict(row), ExportedVersion)


async def has_items(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval(HAS_ITEMS))


async def seed_lock(conn: asyncpg.Connection) -> None:
    await conn.execute(SEED_LOCK)


async def insert_batch(
    conn: asyncpg.Connection,
    items: list[tuple[Any, ...]],
    versions: list[tuple[Any, ...]],
    audit: list[tuple[Any, ...]],
) -> None:
    """Several new items at once (pipelined): the import path. Call inside a transaction."""
    await conn.executemany(INSERT_ITEM, items)
    await conn.executemany(INSERT_VERSION, versions)
    await conn.executemany(INSERT_AUDIT, audit)


async def copy_seed(
    conn: asyncpg.Connection,
    items: list[tuple[Any, ...]],
    versions: list[tuple[Any, ...]],
    audit: list[tuple[Any, ...]],
) -> None:
    """Bulk-load approved version-1 items (COPY and a pipelined batch): the sample bank at first start."""
    await conn.copy_records_to_table(
        "items",
        schema_name="item_bank",
        records=items,
        columns=["id", "created_by", "created_by_name", "latest_version", "approved_version"],
    )
    # jsonb has no binary COPY encoder here (the pool's codec is text): a pipelined batch insert instead.
    await conn.executemany(INSERT_VERSION, versions)
    await conn.copy_records_to_table(
        "audit",
        schema_name="item_bank",
        records=audit,
        columns=[
            "item_id",
            "version",
            "action",
            "from_status",
            "to_status",
            "actor_id",
            "actor_name",
            "comment",
        ],
    )
