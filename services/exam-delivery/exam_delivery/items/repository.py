"""SQL of delivery's read model of the item bank's feed. Functions take the connection
first; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from exam_delivery.rows import many

SELECT_FEED_CURSOR = "SELECT cursor FROM delivery.feed_cursor"
LOCK_FEED_CURSOR = "SELECT cursor FROM delivery.feed_cursor FOR UPDATE"
SET_FEED_CURSOR = "UPDATE delivery.feed_cursor SET cursor = $1, updated_at = now()"

# Content is written once per version; a later row for the same version only moves
# its status (and takes a new rev so every replica's pool sees the change).
APPLY_FEED = """
INSERT INTO delivery.item_versions AS v (item_id, version, domain, stem, options, key, rationale, status,
                                         code_set_year, tags, changed_seq)
SELECT u.item_id, u.version, u.domain, u.stem, u.options::jsonb, u.key, u.rationale, u.status,
       u.code_set_year, u.tags::jsonb, u.changed_seq
FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::integer[], $10::text[], $11::bigint[])
     AS u(item_id, version, domain, stem, options, key, rationale, status, code_set_year, tags, changed_seq)
ON CONFLICT (item_id, version) DO UPDATE
SET status = EXCLUDED.status, changed_seq = EXCLUDED.changed_seq, rev = nextval('delivery.item_rev')
WHERE v.changed_seq < EXCLUDED.changed_seq
"""

ITEMS_CHANGED_SINCE = """
SELECT item_id, version, domain, stem, options, key, rationale, status, code_set_year, difficulty, rev
FROM delivery.item_versions WHERE rev > $1 ORDER BY rev
"""

SET_DIFFICULTIES = """
UPDATE delivery.item_versions AS v
SET difficulty = u.p, difficulty_n = u.n, rev = nextval('delivery.item_rev')
FROM unnest($1::text[], $2::integer[], $3::double precision[], $4::integer[]) AS u(item_id, version, p, n)
WHERE v.item_id = u.item_id AND v.version = u.version
  AND (v.difficulty IS DISTINCT FROM u.p OR v.difficulty_n <> u.n)
"""

SELECT_VERSIONS = """
SELECT item_id, version, domain, stem, options, key, rationale, status, code_set_year, difficulty, rev
FROM delivery.item_versions v
JOIN unnest($1::text[], $2::integer[]) AS w(item_id, version) USING (item_id, version)
"""


class OptionRow(msgspec.Struct, frozen=True):
    label: str
    text: str


class ItemVersionRow(msgspec.Struct, frozen=True):
    item_id: str
    version: int
    domain: str
    stem: str
    options: list[OptionRow]
    key: str
    rationale: str
    status: str
    code_set_year: int
    difficulty: float | None
    rev: int


async def feed_cursor(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(SELECT_FEED_CURSOR))


async def lock_feed_cursor(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(LOCK_FEED_CURSOR))


async def set_feed_cursor(conn: asyncpg.Connection, cursor: int) -> None:
    await conn.execute(SET_FEED_CURSOR, cursor)


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


async def apply_feed(conn: asyncpg.Connection, rows: Sequence[Any]) -> None:
    """`rows` are FeedItemVersion structs (JSON columns travel as text: arrays of jsonb would nest)."""
    # One page can hold the same version twice (approved, then retired, in one poll):
    # INSERT ... ON CONFLICT may touch a row only once per statement, so keep the latest.
    latest: dict[tuple[str, int], Any] = {}
    for row in rows:
        key = (row.item_id, row.version)
        if key not in latest or latest[key].changed_seq < row.changed_seq:
            latest[key] = row
    rows = list(latest.values())
    if not rows:
        return
    await conn.execute(
        APPLY_FEED,
        [r.item_id for r in rows],
        [r.version for r in rows],
        [r.domain for r in rows],
        [r.stem for r in rows],
        [_json(r.options) for r in rows],
        [r.key for r in rows],
        [r.rationale for r in rows],
        [r.status for r in rows],
        [r.code_set_year for r in rows],
        [_json(r.tags) for r in rows],
        [r.changed_seq for r in rows],
    )


async def items_changed_since(conn: asyncpg.Connection, rev: int) -> list[ItemVersionRow]:
    return many(ItemVersionRow, await conn.fetch(ITEMS_CHANGED_SINCE, rev))


async def set_difficulties(conn: asyncpg.Connection, rows: Sequence[tuple[str, int, float, int]]) -> int:
    status = await conn.execute(
        SET_DIFFICULTIES,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
    )
    return int(status.split()[-1])


async def select_versions(conn: asyncpg.Connection, keys: Sequence[tuple[str, int]]) -> list[ItemVersionRow]:
    return many(ItemVersionRow, await conn.fetch(SELECT_VERSIONS, [k[0] for k in keys], [k[1] for k in keys]))
