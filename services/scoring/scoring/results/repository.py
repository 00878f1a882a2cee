"""SQL of the results: events, the item versions they name, one result per attempt.

Functions take `conn` first (the service layer owns the transaction) and return typed
rows (msgspec Structs), never `asyncpg.Record`s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import asyncpg
import msgspec

from scoring.rows import struct_of, struct_or_none

INSERT_EVENT = """
INSERT INTO scoring.events (event_id, attempt_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING
RETURNING event_id
"""

# Insert only the versions not yet known (so the id sequence is not burned on
# every event), in a fixed order so concurrent events cannot deadlock.
UPSERT_ITEM_VERSIONS = """
INSERT INTO scoring.item_versions (item_id, version, domain, key, rationale)
SELECT u.item_id, u.version, u.domain, u.key, u.rationale
FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[])
     AS u(item_id, version, domain, key, rationale)
WHERE NOT EXISTS (
    SELECT 1 FROM scoring.item_versions iv WHERE iv.item_id = u.item_id AND iv.version = u.version)
ORDER BY u.item_id, u.version
ON CONFLICT (item_id, version) DO NOTHING
"""

ITEM_VERSION_IDS = """
SELECT u.ord, iv.id
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS u(item_id, version, ord)
JOIN scoring.item_versions iv ON iv.item_id = u.item_id AND iv.version = u.version
ORDER BY u.ord
"""

INSERT_RESULT = """
INSERT INTO scoring.results (
    attempt_id, event_id, candidate_id, candidate_group, blueprint_id, blueprint_name,
    question_count, answered_count, raw_score, percent, passed, blueprint_cut_percent,
    cut_used, cut_score_percent, raw_cut, scaled_score, theta, theta_se, calibration_id,
    started_at, submitted_at, time_limit_seconds, submitted_by, domains, item_ix, choices, keys, orders,
    review_mode, review_after, low_answer)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
        $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)
"""

GET_RESULT = "SELECT * FROM scoring.results WHERE attempt_id = $1"

ITEM_VERSIONS_BY_IDS = """
SELECT id, item_id, version, domain, key, rationale FROM scoring.item_versions WHERE id = ANY($1::int[])
"""

RESULT_SUMMARY_COLUMNS = """
seq, attempt_id, candidate_id, candidate_group, blueprint_id, blueprint_name, raw_score, question_count,
percent, passed, cut_used, scaled_score, submitted_at, theta, theta_se, low_answer
"""

LIST_RESULTS = f"""
SELECT {RESULT_SUMMARY_COLUMNS} FROM scoring.results
WHERE ($1::text IS NULL OR candidate_id = $1)
  AND ($2::text IS NULL OR blueprint_id = $2)
  AND ($3::bigint IS NULL OR seq < $3)
ORDER BY seq DESC
LIMIT $4
"""


class StoredResult(msgspec.Struct):
    """A result as stored (`scoring.results`), with its form in compact columns."""

    attempt_id: str
    seq: int
    candidate_id: str
    blueprint_id: str
    blueprint_name: str
    question_count: int
    answered_count: int
    raw_score: int
    percent: float
    passed: bool
    blueprint_cut_percent: float
    cut_used: Literal["raw", "equated"]
    cut_score_percent: float
    raw_cut: float
    scaled_score: int | None
    theta: float | None
    theta_se: float | None
    started_at: dt.datetime
    submitted_at: dt.datetime
    time_limit_seconds: int
    submitted_by: str
    scored_at: dt.datetime
    domains: list[dict[str, Any]]
    item_ix: bytes  # int32 little-endian item version ids, one per position
    choices: bytes  # int8 original option per position, -1 omitted
    keys: bytes  # int8 original key per position
    orders: bytes | None  # 4 x int8 per position: the original option shown under A, B, C, D
    review_mode: str
    review_after: dt.datetime | None
    low_answer: bool


class ResultRow(msgspec.Struct):
    """A result as the list shows it (`RESULT_SUMMARY_COLUMNS`)."""

    seq: int
    attempt_id: str
    candidate_id: str
    candidate_group: str
    blueprint_id: str
    blueprint_name: str
    raw_score: int
    question_count: int
    percent: float
    passed: bool
    cut_used: str
    scaled_score: int | None
    submitted_at: dt.datetime
    theta: float | None
    theta_se: float | None
    low_answer: bool


class ItemVersion(msgspec.Struct):
    id: int
    item_id: str
    version: int
    domain: str
    key: str  # the original key
    rationale: str


async def insert_event(conn: asyncpg.Connection, event_id: str, attempt_id: str) -> bool:
    """True when new; False when this event or another event for the attempt is already stored."""
    return await conn.fetchval(INSERT_EVENT, event_id, attempt_id) is not None


async def item_version_ids(
    conn: asyncpg.Connection,
    item_ids: Sequence[str],
    versions: Sequence[int],
    domains: Sequence[str],
    keys: Sequence[str],
    rationales: Sequence[str],
) -> list[int]:
    """Ids of the given item versions, in input order, registering the unknown ones."""
    await conn.execute(
        UPSERT_ITEM_VERSIONS, list(item_ids), list(versions), list(domains), list(keys), list(rationales)
    )
    rows = await conn.fetch(ITEM_VERSION_IDS, list(item_ids), list(versions))
    return [int(r["id"]) for r in rows]


async def insert_result(conn: asyncpg.Connection, values: Sequence[Any]) -> None:
    await conn.execute(INSERT_RESULT, *values)


async def get_result(conn: asyncpg.Connection, attempt_id: str) -> StoredResult | None:
    return struct_or_none(StoredResult, await conn.fetchrow(GET_RESULT, attempt_id))


async def item_versions_by_ids(conn: asyncpg.Connection, ids: Sequence[int]) -> dict[int, ItemVersion]:
    rows = await conn.fetch(ITEM_VERSIONS_BY_IDS, list(set(ids)))
    return {int(r["id"]): struct_of(ItemVersion, r) for r in rows}


async def list_results(
    conn: asyncpg.Connection,
    candidate_id: str | None,
    blueprint_id: str | None,
    before_seq: int | None,
    limit: int,
) -> list[ResultRow]:
    rows = await conn.fetch(LIST_RESULTS, candidate_id, blueprint_id, before_seq, limit)
    return [struct_of(ResultRow, r) for r in rows]
