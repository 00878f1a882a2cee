"""SQL of the question tools. Functions take the connection first and return typed rows; the
service layer owns transactions. A write is allowed exactly when an answer would be
(`delivery.answer_refusal`, migration 006), checked in the statement that writes."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg
import msgspec

from exam_delivery.attempts.repository import FormEntry
from exam_delivery.rows import one

# The pinned entry of the form at a position (the stem's length bounds the highlights).
SELECT_TARGET = """
SELECT a.question_count, a.form -> ($3 - 1) AS entry
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
"""

# One statement, like an answer's save: ownership, position, status, deadline and part by
# `delivery.answer_refusal` on the database's clock, the attempt row FOR SHARE so a write
# cannot land after a submission. A NULL parameter keeps what was saved.
SAVE_TOOLS = """
INSERT INTO delivery.question_tools AS t (attempt_id, position, struck, highlights, note, saved_at)
SELECT a.id, $3::integer, coalesce($4::text[], '{}'), coalesce($5::jsonb, '[]'), coalesce($6::text, ''),
       clock_timestamp()
FROM delivery.attempts a
WHERE a.id = $1 AND a.candidate_id = $2 AND delivery.answer_refusal(a, $3, now()) IS NULL
FOR SHARE OF a
ON CONFLICT (attempt_id, position) DO UPDATE
SET struck = coalesce($4, t.struck),
    highlights = coalesce($5, t.highlights),
    note = coalesce($6, t.note),
    saved_at = EXCLUDED.saved_at
RETURNING position, struck, highlights, note, saved_at
"""

# Why a write wrote nothing: the same function's reason (NULL: a lost race, may be retried).
TOOLS_REFUSAL = """
SELECT a.status, delivery.answer_refusal(a, $3, now()) AS refusal
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
"""


class Target(msgspec.Struct, frozen=True):
    question_count: int
    entry: FormEntry | None


class SavedTools(msgspec.Struct, frozen=True):
    position: int
    struck: list[str]
    highlights: list[tuple[int, int]]
    note: str
    saved_at: dt.datetime


class Refusal(msgspec.Struct, frozen=True):
    status: str
    refusal: str | None


async def target(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> Target | None:
    return one(Target, await conn.fetchrow(SELECT_TARGET, attempt_id, candidate_id, position))


async def save_tools(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    candidate_id: uuid.UUID,
    position: int,
    struck: list[str] | None,
    highlights: list[tuple[int, int]] | None,
    note: str | None,
) -> SavedTools | None:
    ranges = None if highlights is None else [list(r) for r in highlights]
    return one(SavedTools, await conn.fetchrow(SAVE_TOOLS, attempt_id, candidate_id, position, struck, ranges, note))


async def refusal(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> Refusal | None:
    return one(Refusal, await conn.fetchrow(TOOLS_REFUSAL, attempt_id, candidate_id, position))
