"""Service of blueprints and their attempt policies: read, define, judge a start.

Service functions take the pool and own their transactions; `enforce` and
`for_submission` run in the caller's (the attempt's) transaction. A blueprint is
immutable once created, so `cache` (per replica) keeps them by id for good; a
policy is read from the database every time (an admin's change holds at once on
every replica).
"""

from __future__ import annotations

import uuid

import asyncpg
import structlog

from exam_delivery.assembly import Bank
from exam_delivery.blueprints import policy
from exam_delivery.blueprints import repository as repo
from exam_delivery.blueprints.policy import AttemptRefused, Policy
from exam_delivery.blueprints.repository import AttemptHistory, BlueprintRow, PolicyRow
from exam_delivery.blueprints.rules import BUILTIN, Blueprint, Part, check, insert_args, shortfall_errors, to_out
from exam_delivery.blueprints.schemas import AttemptPolicyIn, AttemptPolicyOut, BlueprintIn, BlueprintOut, Eligibility
from exam_delivery.items.service import Catalog, refresh_now
from shared.errors import Problem, field_problem, not_found, validation_problem
from shared.settings import Settings
from shared.times import iso_utc

_log = structlog.get_logger("mockcert.delivery.blueprints")
BlueprintCache = dict[str, Blueprint]


def from_row(row: BlueprintRow) -> Blueprint:
    return Blueprint(
        id=row.id,
        name=row.name,
        question_count=row.question_count,
        time_limit_seconds=row.time_limit_seconds,
        cut_score_percent=row.cut_score_percent,
        domains=tuple((d.code, d.count) for d in row.domains),
        parts=tuple(Part(p.name, p.question_count, p.time_limit_seconds) for p in row.parts),
        shuffle_options=row.shuffle_options,
        target_difficulty=row.target_difficulty,
        builtin=row.builtin,
        created_at=iso_utc(row.created_at),
        code_book=row.code_book,
    )


def policy_of(row: PolicyRow | AttemptHistory | None, settings: Settings) -> Policy:
    """The policy of a stored row or of a start's history (policy columns None: none set)."""
    if row is None or row.cooldown_seconds is None or row.review_mode is None or row.min_answered_share is None:
        return policy.default_policy(settings)
    return Policy(
        max_attempts=row.max_attempts,
        cooldown_seconds=row.cooldown_seconds,
        review_mode=row.review_mode,
        review_after=row.review_after,
        min_answered_share=row.min_answered_share,
        updated_at=row.updated_at if isinstance(row, PolicyRow) else None,
    )


async def ensure_builtin(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        for bp in BUILTIN:
            await repo.insert_blueprint(conn, *insert_args(bp, None))


async def get(pool: asyncpg.Pool, cache: BlueprintCache, blueprint_id: str) -> Blueprint:
    cached = cache.get(blueprint_id)
    if cached is not None:
        return cached
    async with pool.acquire() as conn:
        row = await repo.get_blueprint(conn, blueprint_id)
    if row is None:
        raise not_found("no such blueprint")
    bp = from_row(row)
    cache[bp.id] = bp
    return bp


async def get_out(
    pool: asyncpg.Pool, settings: Settings, cache: BlueprintCache, bank: Bank, blueprint_id: str
) -> BlueprintOut:
    bp = await get(pool, cache, blueprint_id)
    out = to_out(bp, bank)
    async with pool.acquire() as conn:
        row = await repo.get_policy(conn, bp.id)
    out.policy = policy.to_out(bp.id, policy_of(row, settings))
    return out


async def list_all(pool: asyncpg.Pool, settings: Settings, bank: Bank) -> list[BlueprintOut]:
    async with pool.acquire() as conn:
        rows = await repo.list_blueprints(conn)
        policies = {r.blueprint_id: r for r in await repo.list_policies(conn)}
    out = [to_out(from_row(r), bank) for r in rows]
    default = policy.default_policy(settings)
    for bp in out:
        stored = policies.get(bp.id)
        bp.policy = policy.to_out(bp.id, policy_of(stored, settings) if stored is not None else default)
    return out


async def create(
    pool: asyncpg.Pool, settings: Settings, cache: BlueprintCache, catalog: Catalog, body: BlueprintIn,
    created_by: str,
) -> BlueprintOut:
    bp, errors = check(body)
    rules, policy_errors = (
        policy.check(body.policy, settings, "policy.") if body.policy is not None else (None, [])
    )
    if bp is None or policy_errors:
        raise validation_problem(errors + policy_errors)
    await refresh_now(catalog)  # judge against the bank as it is now, not as last polled
    short = shortfall_errors(bp, catalog.items.bank)
    if short:
        raise Problem(
            422,
            "the approved bank cannot fill this blueprint: " + "; ".join(e.message for e in short),
            errors=short,
        )
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.insert_blueprint(conn, *insert_args(bp, uuid.UUID(created_by)))
        if row is None:
            raise field_problem("id", f"a blueprint with id {bp.id!r} exists", status=409)
        policy_row = await _store_policy(conn, row.id, rules, created_by) if rules is not None else None
    created = from_row(row)
    cache[created.id] = created
    _log.info("blueprint_created", blueprint_id=created.id, question_count=created.question_count)
    out = to_out(created, catalog.items.bank)
    out.policy = policy.to_out(created.id, policy_of(policy_row, settings))
    return out


# ---------------------------------------------------------------- attempt policies


async def _store_policy(conn: asyncpg.Connection, blueprint_id: str, p: Policy, admin_id: str) -> repo.PolicyRow:
    return await repo.upsert_policy(
        conn,
        blueprint_id,
        p.max_attempts,
        p.cooldown_seconds,
        p.review_mode,
        p.review_after,
        p.min_answered_share,
        uuid.UUID(admin_id),
    )


async def get_policy(
    pool: asyncpg.Pool, settings: Settings, cache: BlueprintCache, blueprint_id: str
) -> AttemptPolicyOut:
    bp = await get(pool, cache, blueprint_id)
    async with pool.acquire() as conn:
        row = await repo.get_policy(conn, bp.id)
    return policy.to_out(bp.id, policy_of(row, settings))


async def put_policy(
    pool: asyncpg.Pool, settings: Settings, cache: BlueprintCache, blueprint_id: str, body: AttemptPolicyIn,
    admin_id: str,
) -> AttemptPolicyOut:
    bp = await get(pool, cache, blueprint_id)
    p, errors = policy.check(body, settings)
    if p is None:
        raise validation_problem(errors)
    async with pool.acquire() as conn:
        row = await _store_policy(conn, bp.id, p, admin_id)
    _log.info(
        "attempt_policy_set",
        blueprint_id=bp.id,
        max_attempts=p.max_attempts,
        cooldown_seconds=p.cooldown_seconds,
        review_mode=p.review_mode,
        min_answered_share=p.min_answered_share,
    )
    return policy.to_out(bp.id, policy_of(row, settings))


async def eligibility(
    pool: asyncpg.Pool, settings: Settings, cache: BlueprintCache, blueprint_id: str, candidate_id: str
) -> Eligibility:
    bp = await get(pool, cache, blueprint_id)
    async with pool.acquire() as conn:
        history = await repo.attempt_history(conn, uuid.UUID(candidate_id), bp.id)
    p = policy_of(history, settings)
    verdict = policy.judge(p, history.used, history.last_end, history.db_now)
    return Eligibility(
        blueprint_id=bp.id,
        can_start=verdict.can_start,
        attempts_used=history.used,
        max_attempts=p.max_attempts,
        attempts_remaining=None if p.max_attempts is None else max(0, p.max_attempts - history.used),
        cooldown_seconds=p.cooldown_seconds,
        next_attempt_at=iso_utc(verdict.next_at) if verdict.next_at else None,
        reason=verdict.reason,
        review_mode=p.review_mode,
        review_after=iso_utc(p.review_after) if p.review_after else None,
    )


async def enforce(conn: asyncpg.Connection, settings: Settings, candidate_id: uuid.UUID, blueprint_id: str) -> None:
    """Raise AttemptRefused when the blueprint's policy refuses this candidate a new attempt now
    (in the caller's transaction: the start's)."""
    history = await repo.attempt_history(conn, candidate_id, blueprint_id)
    p = policy_of(history, settings)
    verdict = policy.judge(p, history.used, history.last_end, history.db_now)
    if not verdict.can_start:
        _log.info("attempt_refused", blueprint_id=blueprint_id, status=verdict.status, attempts_used=history.used)
        raise AttemptRefused(verdict, p, history.used)


async def for_submission(conn: asyncpg.Connection, blueprint_id: str) -> tuple[str, str | None, float]:
    """(review_mode, review_after, min_answered_share) for the event, in the caller's transaction
    (the submission's); the defaults when none is set."""
    row = await repo.get_policy(conn, blueprint_id)
    if row is None:
        return "immediate", None, policy.DEFAULT_MIN_ANSWERED_SHARE
    return row.review_mode, iso_utc(row.review_after) if row.review_after else None, row.min_answered_share
