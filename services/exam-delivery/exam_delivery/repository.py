"""SQL of delivery: blueprints, the item read model, attempts, responses, the outbox.

Functions take the connection first; the service layer owns transactions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

# ---------------------------------------------------------------- blueprints

BLUEPRINT_COLUMNS = """id, name, question_count, time_limit_seconds, cut_score_percent, domains, parts,
    shuffle_options, target_difficulty, builtin, created_by, created_at"""

INSERT_BLUEPRINT = f"""
INSERT INTO delivery.blueprints (id, name, question_count, time_limit_seconds, cut_score_percent, domains,
                                 parts, shuffle_options, target_difficulty, builtin, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (id) DO NOTHING
RETURNING {BLUEPRINT_COLUMNS}
"""

SELECT_BLUEPRINT = f"SELECT {BLUEPRINT_COLUMNS} FROM delivery.blueprints WHERE id = $1"
LIST_BLUEPRINTS = f"SELECT {BLUEPRINT_COLUMNS} FROM delivery.blueprints ORDER BY builtin DESC, created_at, id"


async def insert_blueprint(conn: asyncpg.Connection, *args: Any) -> asyncpg.Record | None:
    return await conn.fetchrow(INSERT_BLUEPRINT, *args)


async def get_blueprint(conn: asyncpg.Connection, blueprint_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_BLUEPRINT, blueprint_id)


async def list_blueprints(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(LIST_BLUEPRINTS)


# ---------------------------------------------------------------- attempt policies

POLICY_COLUMNS = """blueprint_id, max_attempts, cooldown_seconds, review_mode, review_after,
    min_answered_share, updated_at"""

UPSERT_POLICY = f"""
INSERT INTO delivery.blueprint_policies AS p (blueprint_id, max_attempts, cooldown_seconds, review_mode,
                                              review_after, min_answered_share, updated_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (blueprint_id) DO UPDATE
SET max_attempts = EXCLUDED.max_attempts, cooldown_seconds = EXCLUDED.cooldown_seconds,
    review_mode = EXCLUDED.review_mode, review_after = EXCLUDED.review_after,
    min_answered_share = EXCLUDED.min_answered_share, updated_by = EXCLUDED.updated_by, updated_at = now()
RETURNING {POLICY_COLUMNS}
"""

SELECT_POLICY = f"SELECT {POLICY_COLUMNS} FROM delivery.blueprint_policies WHERE blueprint_id = $1"
LIST_POLICIES = f"SELECT {POLICY_COLUMNS} FROM delivery.blueprint_policies"

# What the policy needs to judge a start: the blueprint's policy (NULLs: none set),
# how many attempts the candidate has at it, when the last one ended, and the
# database's clock (the cool-down is measured on it).
ATTEMPT_HISTORY = """
SELECT p.max_attempts, p.cooldown_seconds, p.review_mode, p.review_after, p.min_answered_share,
       h.used, h.last_end, now() AS db_now
FROM (SELECT count(*)::integer AS used, max(coalesce(a.submitted_at, a.started_at)) AS last_end
        FROM delivery.attempts a WHERE a.candidate_id = $1 AND a.blueprint_id = $2) AS h
LEFT JOIN delivery.blueprint_policies p ON p.blueprint_id = $2
"""


async def upsert_policy(conn: asyncpg.Connection, *args: Any) -> asyncpg.Record:
    return await conn.fetchrow(UPSERT_POLICY, *args)


async def get_policy(conn: asyncpg.Connection, blueprint_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_POLICY, blueprint_id)


async def list_policies(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(LIST_POLICIES)


async def attempt_history(
    conn: asyncpg.Connection, candidate_id: uuid.UUID, blueprint_id: str
) -> asyncpg.Record:
    return await conn.fetchrow(ATTEMPT_HISTORY, candidate_id, blueprint_id)


# ---------------------------------------------------------------- read model of the feed

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


async def items_changed_since(conn: asyncpg.Connection, rev: int) -> list[asyncpg.Record]:
    return await conn.fetch(ITEMS_CHANGED_SINCE, rev)


async def set_difficulties(conn: asyncpg.Connection, rows: Sequence[tuple[str, int, float, int]]) -> int:
    status = await conn.execute(
        SET_DIFFICULTIES,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
    )
    return int(status.split()[-1])


async def select_versions(conn: asyncpg.Connection, keys: Sequence[tuple[str, int]]) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_VERSIONS, [k[0] for k in keys], [k[1] for k in keys])


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

# The attempt with its responses, and the database's clock.
SELECT_ATTEMPT = f"""
SELECT {ATTEMPT_COLUMNS}, a.form, clock_timestamp() AS db_now,
       coalesce((SELECT array_agg(r.position ORDER BY r.position) FROM delivery.responses r
                  WHERE r.attempt_id = a.id AND r.selected IS NOT NULL), '{{}}') AS answered,
       coalesce((SELECT array_agg(r.position ORDER BY r.position) FROM delivery.responses r
                  WHERE r.attempt_id = a.id AND r.flagged), '{{}}') AS flagged
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
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

# One question: the attempt's state, the pinned entry of the form, the saved response.
SELECT_QUESTION = f"""
SELECT {ATTEMPT_COLUMNS}, a.form -> ($3 - 1) AS entry, clock_timestamp() AS db_now, r.selected, r.flagged
FROM delivery.attempts a
LEFT JOIN delivery.responses r ON r.attempt_id = a.id AND r.position = $3
WHERE a.id = $1 AND a.candidate_id = $2
"""

SELECT_ALL_RESPONSES = "SELECT position, selected, flagged FROM delivery.responses WHERE attempt_id = $1"

# The save: one autocommit statement that checks ownership, status, deadline and
# part on the database's clock, and locks the attempt row FOR SHARE so it cannot
# interleave with a submission (which holds FOR UPDATE): a save that waited for a
# submission re-reads the row, finds it closed, and writes nothing.
# $5 says whether `selected` was sent, $6 is the flag or NULL (keep).
SAVE_RESPONSE = """
INSERT INTO delivery.responses AS r (attempt_id, position, selected, flagged, saved_at)
SELECT a.id, $3::integer, CASE WHEN $5::boolean THEN $4::text END, coalesce($6::boolean, false),
       clock_timestamp()
FROM delivery.attempts a
WHERE a.id = $1 AND a.candidate_id = $2 AND a.status = 'in_progress' AND a.deadline > now()
  AND $3 BETWEEN 1 AND a.question_count
  AND (cardinality(a.part_ends) = 0
       OR delivery.part_of(a.part_ends, $3)
          = delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed, now()))
FOR SHARE OF a
ON CONFLICT (attempt_id, position) DO UPDATE
SET selected = CASE WHEN $5 THEN EXCLUDED.selected ELSE r.selected END,
    flagged = coalesce($6, r.flagged),
    saved_at = EXCLUDED.saved_at
RETURNING position, selected, flagged, saved_at
"""

# Why a save wrote nothing.
SAVE_REFUSAL = """
SELECT a.status, a.question_count, a.deadline <= now() AS past_deadline,
       cardinality(a.part_ends) > 0 AND delivery.part_of(a.part_ends, $3)
           <> delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed,
                                    now())
           AS part_locked,
       delivery.part_of(a.part_ends, $3)
           > delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed, now())
           AS part_upcoming
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
"""

LOCK_ATTEMPT = f"""
SELECT {ATTEMPT_COLUMNS}, a.form, now() AS db_now, a.deadline <= now() AS past_deadline
FROM delivery.attempts a WHERE a.id = $1 AND a.candidate_id = $2
FOR UPDATE
"""

# Work queue of the sweeper: open attempts past their deadline, each taken by one replica.
CLAIM_EXPIRED = f"""
SELECT {ATTEMPT_COLUMNS}, a.form, now() AS db_now, true AS past_deadline
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


async def start_context(conn: asyncpg.Connection, candidate_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(START_CONTEXT, candidate_id)


async def insert_attempt(conn: asyncpg.Connection, *args: Any) -> asyncpg.Record | None:
    return await conn.fetchrow(INSERT_ATTEMPT, *args)


async def get_attempt(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_ATTEMPT, attempt_id, candidate_id)


# Whose attempt it is and whether it is closed, by the database's clock (scoring's result lookups).
SELECT_OWNERSHIP = """
SELECT id, candidate_id, status, (status <> 'in_progress' OR deadline <= clock_timestamp()) AS closed
FROM delivery.attempts WHERE id = $1
"""


async def attempt_ownership(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_OWNERSHIP, attempt_id)


async def list_attempts(
    conn: asyncpg.Connection, candidate_id: uuid.UUID, limit: int
) -> list[asyncpg.Record]:
    return await conn.fetch(LIST_ATTEMPTS, candidate_id, limit)


async def get_question(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(SELECT_QUESTION, attempt_id, candidate_id, position)


async def all_responses(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(SELECT_ALL_RESPONSES, attempt_id)


async def save_response(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    candidate_id: uuid.UUID,
    position: int,
    selected: str | None,
    set_selected: bool,
    flagged: bool | None,
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        SAVE_RESPONSE, attempt_id, candidate_id, position, selected, set_selected, flagged
    )


async def save_refusal(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, position: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(SAVE_REFUSAL, attempt_id, candidate_id, position)


async def lock_attempt(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(LOCK_ATTEMPT, attempt_id, candidate_id)


async def claim_expired(
    conn: asyncpg.Connection, limit: int, skip: Sequence[uuid.UUID] = ()
) -> list[asyncpg.Record]:
    """Lock up to `limit` open attempts past their deadline, oldest deadline first, but not `skip`."""
    return await conn.fetch(CLAIM_EXPIRED, limit, list(skip))


async def submission_lines(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(SUBMISSION_LINES, attempt_id)


async def close_attempt(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    status: str,
    submitted_at: Any,
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
) -> list[asyncpg.Record]:
    return await conn.fetch(MOVE_DEADLINES, candidate_id, multiplier)


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


async def claim_outbox(conn: asyncpg.Connection, limit: int, lease_seconds: float) -> list[asyncpg.Record]:
    return await conn.fetch(CLAIM_OUTBOX, limit, lease_seconds)


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
