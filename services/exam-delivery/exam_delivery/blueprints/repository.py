"""SQL of blueprints and their attempt policies. Functions take the connection first;
the service layer owns transactions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import msgspec

from exam_delivery.rows import many, one

BLUEPRINT_COLUMNS = """id, name, question_count, time_limit_seconds, cut_score_percent, domains, parts,
    shuffle_options, target_difficulty, builtin, created_by, created_at, code_book"""

INSERT_BLUEPRINT = f"""
INSERT INTO delivery.blueprints (id, name, question_count, time_limit_seconds, cut_score_percent, domains,
                                 parts, shuffle_options, target_difficulty, builtin, created_by, code_book)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (id) DO NOTHING
RETURNING {BLUEPRINT_COLUMNS}
"""

SELECT_BLUEPRINT = f"SELECT {BLUEPRINT_COLUMNS} FROM delivery.blueprints WHERE id = $1"
LIST_BLUEPRINTS = f"SELECT {BLUEPRINT_COLUMNS} FROM delivery.blueprints ORDER BY builtin DESC, created_at, id"


class DomainRow(msgspec.Struct, frozen=True):
    code: str
    count: int


class PartRow(msgspec.Struct, frozen=True):
    name: str
    question_count: int
    time_limit_seconds: int


class BlueprintRow(msgspec.Struct, frozen=True):
    id: str
    name: str
    question_count: int
    time_limit_seconds: int
    cut_score_percent: float
    domains: list[DomainRow]
    parts: list[PartRow]
    shuffle_options: bool | None
    target_difficulty: float | None
    builtin: bool
    created_by: uuid.UUID | None
    created_at: dt.datetime
    code_book: bool = True


async def insert_blueprint(conn: asyncpg.Connection, *args: Any) -> BlueprintRow | None:
    return one(BlueprintRow, await conn.fetchrow(INSERT_BLUEPRINT, *args))


async def get_blueprint(conn: asyncpg.Connection, blueprint_id: str) -> BlueprintRow | None:
    return one(BlueprintRow, await conn.fetchrow(SELECT_BLUEPRINT, blueprint_id))


async def list_blueprints(conn: asyncpg.Connection) -> list[BlueprintRow]:
    return many(BlueprintRow, await conn.fetch(LIST_BLUEPRINTS))


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


class PolicyRow(msgspec.Struct, frozen=True):
    blueprint_id: str
    max_attempts: int | None
    cooldown_seconds: int
    review_mode: str
    review_after: dt.datetime | None
    min_answered_share: float
    updated_at: dt.datetime | None = None


class AttemptHistory(msgspec.Struct, frozen=True):
    """The blueprint's policy columns (all None: no policy set), the candidate's attempts at it."""

    max_attempts: int | None
    cooldown_seconds: int | None
    review_mode: str | None
    review_after: dt.datetime | None
    min_answered_share: float | None
    used: int
    last_end: dt.datetime | None
    db_now: dt.datetime


async def upsert_policy(conn: asyncpg.Connection, *args: Any) -> PolicyRow:
    row = one(PolicyRow, await conn.fetchrow(UPSERT_POLICY, *args))
    assert row is not None  # an upsert always returns its row
    return row


async def get_policy(conn: asyncpg.Connection, blueprint_id: str) -> PolicyRow | None:
    return one(PolicyRow, await conn.fetchrow(SELECT_POLICY, blueprint_id))


async def list_policies(conn: asyncpg.Connection) -> list[PolicyRow]:
    return many(PolicyRow, await conn.fetch(LIST_POLICIES))


async def attempt_history(conn: asyncpg.Connection, candidate_id: uuid.UUID, blueprint_id: str) -> AttemptHistory:
    row = one(AttemptHistory, await conn.fetchrow(ATTEMPT_HISTORY, candidate_id, blueprint_id))
    assert row is not None  # an aggregate over the attempts: always one row
    return row
