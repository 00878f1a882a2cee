"""Publisher of the outbox: delivers each `attempt.submitted` event to scoring
until scoring acknowledges it.

At-least-once delivery with an idempotent consumer (scoring keys on
`event_id`) gives each submission exactly one score. A batch is leased (its
`next_try_at` pushed ahead) before the calls, so replicas never deliver the
same event concurrently, and a replica dying mid-call only delays its batch
until the lease runs out. Failures back off by the shared rule (shared/backoff.py):
exponential, capped, with jitter so replicas do not retry together.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import structlog

from exam_delivery.attempts import repository as repo
from exam_delivery.clients import ScoringClient
from shared.backoff import backoff_delay
from shared.metrics import Metrics

BATCH = 50
CONCURRENCY = 8
LEASE_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 60.0
JITTER = 0.2
_log = structlog.get_logger("mockcert.delivery.outbox")


def retry_delay(tries: int, base: float) -> float:
    """Delay before the next try after `tries` failed ones."""
    return backoff_delay(tries, base, MAX_BACKOFF_SECONDS, jitter=JITTER)


async def publish_once(pool: asyncpg.Pool, scoring: ScoringClient, retry_base: float, metrics: Metrics) -> int:
    """Deliver what is due; return how many events were acknowledged. `retry_base`: the first
    retry's delay (the outbox poll interval)."""
    acknowledged = 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(payload: object) -> str | None:
        async with gate:
            return await scoring.deliver(payload)

    while True:
        async with pool.acquire() as conn:
            rows = await repo.claim_outbox(conn, BATCH, LEASE_SECONDS)
        if not rows:
            break
        outcomes = await asyncio.gather(*(one(r.payload) for r in rows))
        done: list[uuid.UUID] = [r.event_id for r, err in zip(rows, outcomes, strict=True) if err is None]
        async with pool.acquire() as conn:
            if done:
                await repo.mark_published(conn, done)
            for r, err in zip(rows, outcomes, strict=True):
                if err is not None:
                    delay = retry_delay(r.tries, retry_base)
                    await repo.schedule_retry(conn, r.event_id, delay, err)
                    _log.warning(
                        "event_delivery_failed",
                        event_id=str(r.event_id),
                        attempt_id=str(r.attempt_id),
                        tries=r.tries,
                        error=err,
                        retry_in=round(delay, 2),
                    )
        acknowledged += len(done)
        if len(done) < len(rows) or len(rows) < BATCH:
            break  # failures are rescheduled; do not spin on them
    if acknowledged:
        _log.info("events_delivered", count=acknowledged)
    # What an operator watches while scoring is down: submissions waiting, and for how long.
    async with pool.acquire() as conn:
        pending, oldest = await repo.outbox_backlog(conn)
    metrics.set_gauge("mockcert_outbox_pending_events", pending)
    metrics.set_gauge("mockcert_outbox_oldest_pending_seconds", round(oldest, 3))
    return acknowledged
