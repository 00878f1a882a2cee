"""SQL of attempts: start, state, questions, responses, parts, submission, the outbox.

Functions take the connection first and return typed rows; the service layer owns
transactions. Whether an answer may be written now is decided by the database
(`delivery.answer_refusal`, migration 006), in the save statement and the refusal alike.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from exam_delivery.rows import many, one

# ---------------------------------------------------------------- attempts

# What a start needs besides the blueprint, in one round trip: the items this
# candidate saw on earlier forms and whether an attempt is still open.
START_CONTEXT = """
SELECT u.role,
       (SELECT coalesce(array_agg(DISTINCT e->>'item_id'), '{}')
          FROM delivery.attempts a CROSS JOIN LATERAL jsonb_array_elements(a.form) AS e
         WHERE a.candidate_id = u.id) AS seen,
       (SELECT id FROM delivery.attempts a
         WHERE a.candidate_id = u.id AND a.status = 'in_progress') AS open_id
FROM delivery.users u WHERE u.id = $1
"""

# The deadline is the database's: start (whole seconds) + the limit x the
# candidate's multiplier, read under FOR SHARE so an accommodation being changed
# at this moment is either seen here or applied to this attempt afterwards.
INSERT_ATTEMPT = """
INSERT INTO delivery.attempts (id, candidate_id, candidate_group, blueprint_id, blueprint_name,
                               question_count, time_limit_seconds, cut_score_percent, part_names, part_ends,
                               part_cum_seconds, time_multiplier, started_at, deadline, form)
SELECT $1::uuid, u.id, u.group_name, $3::text, $4::text, $5::integer, $6::integer, $7::double precision,
       $8::text[], $9::integer[], $10::integer[], u.time_multiplier, s.t,
       s.t + make_interval(secs => ceil($6::integer * u.time_multiplier)), $11::jsonb
FROM delivery.users u, (SELECT date_trunc('second', now()) AS t) AS s
WHERE u.id = $2
FOR SHARE OF u
ON CONFLICT DO NOTHING
RETURNING id, started_at, deadline, time_multiplier,
          greatest(0, floor(extract(epoch FROM deadline - clock_timestamp())))::integer AS seconds_remaining
"""

ATTEMPT_COLUMNS = """a.id, a.candidate_id, a.candidate_group, a.blueprint_id, a.blueprint_name,
    a.question_count, a.time_limit_seconds, a.cut_score_percent, a.part_names, a.part_ends,
    a.part_cum_seconds, a.parts_closed, a.time_multiplier, a.status, a.started_at, a.deadline,
    a.submitted_at, a.submitted_by"""

# Parts as the database counts them (migrations 002 and 006): the open part, when each
# part closes, the part of each position.
PART_COLUMNS = """delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed,
                                c.db_now) AS current_part,
       delivery.part_close_times(a.started_at, a.time_multiplier, a.part_cum_seconds) AS part_closes"""

# The attempt with its responses, and the database's clock.
SELECT_ATTEMPT = f"""
SELECT {ATTEMPT_COLUMNS}, a.form, c.db_now, {PART_COLUMNS},
       delivery.position_parts(a.part_ends, a.question_count) AS item_parts,
       greatest(0, floor(extract(epoch FROM a.deadline - c.db_now)))::integer AS seconds_remaining,
       coalesce((SELECT array_agg(r.position ORDER BY r.position) FROM delivery.responses r
                  WHERE r.attempt_id = a.id AND r.selected IS NOT NULL), '{{}}') AS answered,
       coalesce((SELECT array_agg(r.position ORDER BY r.position) FROM delivery.responses r
                  WHERE r.attempt_id = a.id AND r.flagged), '{{}}') AS flagged,
       coalesce((SELECT b.code_book FROM delivery.blueprints b WHERE b.id = a.blueprint_id), true) AS code_book
FROM delivery.attempts a, LATERAL (SELECT clock_timestamp() AS db_now) AS c
WHERE a.id = $1 AND a.candidate_id = $2
"""

LIST_ATTEMPTS = """
SELECT a.id, a.blueprint_id, a.blueprint_name, a.status, a.started_at, a.deadline, a.submitted_at,
       a.question_count,
       greatest(0, floor(extract(epoch FROM a.deadline - clock_timestamp())))::integer AS seconds_remaining,
       (SELECT count(*) FROM delivery.responses r WHERE r.attempt_id = a.id AND r.selected IS NOT NULL)
           AS answered_count
FROM delivery.attempts a WHERE a.candidate_id = $1
ORDER BY a.started_at DESC
LIMIT $2
"""

# One question: the attempt's state, the pinned entry of the form, the saved response and the
# candidate's tools (migration 007).
SELECT_QUESTION = """
SELECT a.status, a.question_count, cardinality(a.part_ends) > 0 AS has_parts,
       delivery.part_of(a.part_ends, $3) AS part,
       delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed,
                             clock_timestamp()) AS current_part,
       a.form -> ($3 - 1) AS entry, r.selected, coalesce(r.flagged, false) AS flagged,
       coalesce(t.struck, '{}') AS struck, coalesce(t.highlights, '[]') AS highlights,
       coalesce(t.note, '') AS note
FROM delivery.attempts a
LEFT JOIN delivery.responses r ON r.attempt_id = a.id AND r.position = $3
LEFT JOIN delivery.question_tools t ON t.attempt_id = a.id AND t.position = $3
WHERE a.id = $1 AND a.candidate_id = $2
"""

SELECT_ALL_RESPONSES = "SELECT position, selected, flagged FROM delivery.responses WHERE attempt_id = $1"

# The save: one autocommit statement that checks ownership and, by
# `delivery.answer_refusal`, position, status, deadline and part on the database's
# clock, and locks the attempt row FOR SHARE so it cannot
# interleave with a submission (which holds FOR UPDATE): a save that waited for a
# submission re-reads the row, finds it closed, and writes nothing.
# $5 says whether `selected` was sent, $6 is the flag or NULL (keep).
SAVE_RESPONSE = """
INSERT INTO delivery.responses AS r (attempt_id, position, selected, flagged, saved_at)
SELECT a.id, $3::integer, CASE WHEN $5::boolean THEN $4::text END, coalesce($6::boolean, false),
       clock_timestamp()
FROM delivery.attempts a
WHERE a.id = $1 AND a.candidate_id = $2 AND delivery.answer_refusal(a, $3, now()) IS NULL
FOR SHARE OF a
ON CONFLICT (attempt_id, position) DO UPDATE
SET selected = CASE WHEN $5 THEN EXCLUDED.selected ELSE r.selected END,
    flagged = coalesce($6, r.flagged),
    saved_at = EXCLUDED.saved_at
RETURNING position, selected, flagged, saved_at
"""

# Why a save wrote nothing: the same function, read as a column (NULL: it may be written now,
# so the save lost a race and may be retried).
SAVE_REFUSAL = """
SELECT a.status, delivery.answer_refusal(a, $3, now()) AS refusal
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
"""

LOCK_ATTEMPT = f"""
SELECT {ATTEMPT_COLUMNS}, now() AS db_now, a.deadline <= now() AS past_deadline,
       delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed,
                             now()) AS current_part
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
FOR UPDATE
"""

# Work queue of the sweeper: open attempts past their deadline, each taken by one replica.
CLAIM_EXPIRED = f"""
SELECT {ATTEMPT_COLUMNS}, now() AS db_now, true AS past_deadline,
       delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed,
                             now()) AS current_part
FROM delivery.attempts a
WHERE a.status = 'in_progress' AND a.deadline <= now() AND a.id <> ALL($2::uuid[])
ORDER BY a.deadline
LIMIT $1
FOR UPDATE SKIP LOCKED
"""

# Everything the event needs, by position: the pinned version's key and rationale, the response.
SUBMISSION_LINES = """
SELECT f.ord::integer AS position, f.e->>'item_id' AS item_id, (f.e->>'version')::integer AS version,
       f.e->>'domain' AS domain, f.e->>'order' AS option_order, v.key, v.rationale, r.selected,
       coalesce(r.flagged, false) AS flagged
FROM delivery.attempts a
CROSS JOIN LATERAL jsonb_array_elements(a.form) WITH ORDINALITY AS f(e, ord)
LEFT JOIN delivery.item_versions v ON v.item_id = f.e->>'item_id' AND v.version = (f.e->>'version')::integer
LEFT JOIN delivery.responses r ON r.attempt_id = a.id AND r.position = f.ord
WHERE a.id = $1
ORDER BY f.ord
"""

# Close the attempt and write its event: one statement, inside the caller's transaction.
CLOSE_ATTEMPT = """
WITH closed AS (
    UPDATE delivery.attempts SET status = $2, submitted_at = $3, submitted_by = $4
    WHERE id = $1 AND status = 'in_progress'
    RETURNING id
)
INSERT INTO delivery.outbox (event_id, attempt_id, payload)
SELECT $5, id, $6 FROM closed
RETURNING event_id
"""

CLOSE_PART = """
UPDATE delivery.attempts SET parts_closed = $3
WHERE id = $1 AND candidate_id = $2 AND status = 'in_progress'
"""

# An accommodation moves the deadline of the candidate's open attempts (not of
# an attempt whose time is already over: that one is being submitted).
MOVE_DEADLINES = """
UPDATE delivery.attempts
SET time_multiplier = $2::double precision,
    deadline = started_at + make_interval(secs => ceil(time_limit_seconds * $2::double precision))
WHERE candidate_id = $1 AND status = 'in_progress' AND deadline > now()
RETURNING id, deadline
"""

RECENT_FORMS = """
SELECT array(SELECT e->>'item_id' FROM jsonb_array_elements(f.form) AS e) AS item_ids
FROM (SELECT form, started_at FROM delivery.attempts ORDER BY started_at DESC LIMIT $1) AS f
ORDER BY f.started_at
"""


# Whose attempt it is and whether it is closed, by the database's clock (scoring's result lookups).
SELECT_OWNERSHIP = """
SELECT id, candidate_id, status, (status <> 'in_progress' OR deadline <= clock_timestamp()) AS closed
FROM delivery.attempts WHERE id = $1
"""



# ---------------------------------------------------------------- rows


class StartContext(msgspec.Struct, frozen=True):
    role: str
    seen: list[str]
    open_id: uuid.UUID | None


class Started(msgspec.Struct, frozen=True):
    id: uuid.UUID
    started_at: dt.datetime
    deadline: dt.datetime
    time_multiplier: float
    seconds_remaining: int


class FormEntry(msgspec.Struct, frozen=True):
    """One position of an assembled form: the pinned version and the option order shown."""

    item_id: str
    version: int
    domain: str
    order: str


class AttemptColumns(msgspec.Struct, frozen=True):
    id: uuid.UUID
    candidate_id: uuid.UUID
    candidate_group: str
    blueprint_id: str
    blueprint_name: str
    question_count: int
    time_limit_seconds: int
    cut_score_percent: float
    part_names: list[str]
    part_ends: list[int]
    part_cum_seconds: list[int]
    parts_closed: int
    time_multiplier: float
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    submitted_by: str | None
    db_now: dt.datetime
    current_part: int  # 0-based open part, as the database counts it (== parts once all are over)


class Attempt(AttemptColumns, frozen=True):
    """SELECT_ATTEMPT: the attempt, its form, its responses' positions and its parts."""

    form: list[FormEntry]
    part_closes: list[dt.datetime]
    item_parts: list[int]  # 0-based part of each position
    seconds_remaining: int
    answered: list[int]
    flagged: list[int]
    code_book: bool = True


class LockedAttempt(AttemptColumns, frozen=True):
    """LOCK_ATTEMPT and CLAIM_EXPIRED: an attempt held FOR UPDATE."""

    past_deadline: bool


class AttemptListRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    blueprint_id: str
    blueprint_name: str
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    submitted_at: dt.datetime | None
    question_count: int
    seconds_remaining: int
    answered_count: int


class QuestionRow(msgspec.Struct, frozen=True):
    status: str
    question_count: int
    has_parts: bool
    part: int  # 0-based part of the position
    current_part: int
    entry: FormEntry | None
    selected: str | None
    flagged: bool
    struck: list[str] = []  # the candidate's tools (question_tools)
    highlights: list[tuple[int, int]] = []
    note: str = ""


class ResponseRow(msgspec.Struct, frozen=True):
    position: int
    selected: str | None
    flagged: bool


class SavedResponse(msgspec.Struct, frozen=True):
    position: int
    selected: str | None
    flagged: bool
    saved_at: dt.datetime


class Refusal(msgspec.Struct, frozen=True):
    """Why a save wrote nothing: `delivery.answer_refusal`'s reason (None: a lost race)."""

    status: str
    refusal: str | None


class SubmissionLine(msgspec.Struct, frozen=True):
    position: int
    item_id: str
    version: int
    domain: str
    option_order: str
    key: str | None  # None: the version is missing from the read model
    rationale: str | None
    selected: str | None
    flagged: bool


class Ownership(msgspec.Struct, frozen=True):
    id: uuid.UUID
    candidate_id: uuid.UUID
    status: str
    closed: bool


class MovedDeadline(msgspec.Struct, frozen=True):
    id: uuid.UUID
    deadline: dt.datetime


# ---------------------------------------------------------------- functions


async def start_context(conn: asyncpg.Connection, candidate_id: uuid.UUID) -> StartContext | None:
    return one(StartContext, await conn.fetchrow(START_CONTEXT, candidate_id))


async def insert_attempt(conn: asyncpg.Connection, *args: Any) -> Started | None:
    return one(Started, await conn.fetchrow(INSERT_ATTEMPT, *args))


async def get_attempt(conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID) -> Attempt | None:
    return one(Attempt, await conn.fetchrow(SELECT_ATTEMPT, attempt_id, candidate_id))


async def attempt_ownership(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> Ownership | None:
    return one(Ownership, await conn.fetchrow(SELECT_OWNERSHIP, attempt_id))


async def list_attempts(conn: asyncpg.Connection, candidate_id: uuid.UUID, limit: int) -> list[AttemptListRow]:
    return many(AttemptListRow, await conn.fetch(LIST_ATTEMPTS, candidate_id, limit))


async def get_question(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> QuestionRow | None:
    return one(QuestionRow, await conn.fetchrow(SELECT_QUESTION, attempt_id, candidate_id, position))


async def all_responses(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[ResponseRow]:
    return many(ResponseRow, await conn.fetch(SELECT_ALL_RESPONSES, attempt_id))


async def save_response(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    candidate_id: uuid.UUID,
    position: int,
    selected: str | None,
    set_selected: bool,
    flagged: bool | None,
) -> SavedResponse | None:
    row = await conn.fetchrow(SAVE_RESPONSE, attempt_id, candidate_id, position, selected, set_selected, flagged)
    return None if row is None else SavedResponse(row[0], row[1], row[2], row[3])  # the hot path: positional


async def save_refusal(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> Refusal | None:
    return one(Refusal, await conn.fetchrow(SAVE_REFUSAL, attempt_id, candidate_id, position))


async def lock_attempt(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID
) -> LockedAttempt | None:
    return one(LockedAttempt, await conn.fetchrow(LOCK_ATTEMPT, attempt_id, candidate_id))


async def claim_expired(
    conn: asyncpg.Connection, limit: int, skip: Sequence[uuid.UUID] = ()
) -> list[LockedAttempt]:
    """Lock up to `limit` open attempts past their deadline, oldest deadline first, but not `skip`."""
    return many(LockedAttempt, await conn.fetch(CLAIM_EXPIRED, limit, list(skip)))


async def submission_lines(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[SubmissionLine]:
    return many(SubmissionLine, await conn.fetch(SUBMISSION_LINES, attempt_id))


async def close_attempt(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    status: str,
    submitted_at: dt.datetime,
    submitted_by: str,
    event_id: uuid.UUID,
    payload: Any,
) -> bool:
    return (
        await conn.fetchval(CLOSE_ATTEMPT, attempt_id, status, submitted_at, submitted_by, event_id, payload)
        is not None
    )


async def close_part(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, closed: int
) -> None:
    await conn.execute(CLOSE_PART, attempt_id, candidate_id, closed)


async def move_deadlines(
    conn: asyncpg.Connection, candidate_id: uuid.UUID, multiplier: float
) -> list[MovedDeadline]:
    return many(MovedDeadline, await conn.fetch(MOVE_DEADLINES, candidate_id, multiplier))


async def recent_forms(conn: asyncpg.Connection, limit: int) -> list[list[str]]:
    return [list(r["item_ids"]) for r in await conn.fetch(RECENT_FORMS, limit)]


# ---------------------------------------------------------------- outbox

# Lease a batch: invisible to other publishers until the lease runs out, so a
# publisher that dies mid-delivery only delays its batch.
CLAIM_OUTBOX = """
UPDATE delivery.outbox o
SET tries = o.tries + 1, next_try_at = now() + make_interval(secs => $2)
WHERE o.event_id IN (
    SELECT event_id FROM delivery.outbox
    WHERE published_at IS NULL AND next_try_at <= now()
    ORDER BY next_try_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED)
RETURNING o.event_id, o.attempt_id, o.payload, o.tries
"""

MARK_PUBLISHED = """
UPDATE delivery.outbox SET published_at = now(), last_error = NULL
WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL
"""

SCHEDULE_RETRY = """
UPDATE delivery.outbox SET next_try_at = now() + make_interval(secs => $2), last_error = $3
WHERE event_id = $1 AND published_at IS NULL
"""

OUTBOX_BACKLOG = """
SELECT count(*) AS pending,
       coalesce(extract(epoch FROM now() - min(created_at)), 0)::double precision AS oldest_seconds
FROM delivery.outbox WHERE published_at IS NULL
"""


class OutboxEvent(msgspec.Struct, frozen=True):
    event_id: uuid.UUID
    attempt_id: uuid.UUID
    payload: Any  # the event as stored (JSON), sent as it is
    tries: int


async def claim_outbox(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[OutboxEvent]:
    return many(OutboxEvent, await conn.fetch(CLAIM_OUTBOX, limit, lease_seconds))


async def mark_published(conn: asyncpg.Connection, event_ids: Sequence[uuid.UUID]) -> None:
    await conn.execute(MARK_PUBLISHED, list(event_ids))


async def schedule_retry(
    conn: asyncpg.Connection, event_id: uuid.UUID, delay_seconds: float, error: str
) -> None:
    await conn.execute(SCHEDULE_RETRY, event_id, delay_seconds, error[:500])


async def outbox_backlog(conn: asyncpg.Connection) -> tuple[int, float]:
    """Events not yet acknowledged by scoring, and the age of the oldest (seconds)."""
    row = await conn.fetchrow(OUTBOX_BACKLOG)
    return int(row["pending"]), float(row["oldest_seconds"])
