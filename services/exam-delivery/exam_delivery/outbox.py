"""Publisher of the outbox: delivers each `attempt.submitted` event to scoring
until scoring acknowledges it.

At-least-once delivery with an idempotent consumer (scoring keys on
`event_id`) gives each submission exactly one score. A batch is leased (its
`next_try_at` pushed ahead) before the calls, so replicas never deliver the
same event concurrently, and a replica dying mid-call only delays its batch
until the lease runs out. Failures back off exponentially, capped.
"""

from __future__ import annotations

import asyncio
import random
import uuid

import msgspec
import structlog

from exam_delivery import repository as repo
from exam_delivery.state import Delivery
from shared import event_signing
from shared.http import ServiceUnreachable, call_service

BATCH = 50
CONCURRENCY = 8
LEASE_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 60.0
ACCEPTED = (200, 201, 202)
_log = structlog.get_logger("mockcert.delivery.outbox")
_encode = msgspec.json.Encoder().encode


def backoff(tries: int, base: float) -> float:
    """Delay before the next try after `tries` failed ones: base x 2^(tries-1), capped, with jitter."""
    delay = min(MAX_BACKOFF_SECONDS, max(base, 0.05) * 2 ** max(0, tries - 1))
    return delay * random.uniform(0.8, 1.2)


async def deliver(state: Delivery, payload: object) -> str | None:
    """POST one event to scoring, signed; None when acknowledged, else why not."""
    assert state.session is not None and state.service_auth is not None
    url = f"{state.settings.scoring_url}/internal/events"
    headers = {"Content-Type": "application/json"}  # after the credential, as call_service puts it
    body = _encode(payload)
    if state.settings.event_signing_key:
        # Signed at publication, over the very bytes sent: scoring stores nothing it cannot verify.
        headers[event_signing.SIGNATURE_HEADER] = event_signing.sign(state.settings.event_signing_key, body)
    try:
        reply = await call_service(state.session, "POST", url, state.service_auth, timeout=15, data=body,
                                   headers=headers)
    except ServiceUnreachable as exc:
        return f"scoring unreachable: {exc.kind}"
    if reply.status in ACCEPTED:
        return None
    return f"scoring answered {reply.status}"


async def publish_once(state: Delivery) -> int:
    """Deliver what is due; return how many events were acknowledged."""
    acknowledged = 0
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(payload: object) -> str | None:
        async with gate:
            return await deliver(state, payload)

    while True:
        async with state.pool.acquire() as conn:
            rows = await repo.claim_outbox(conn, BATCH, LEASE_SECONDS)
        if not rows:
            break
        outcomes = await asyncio.gather(*(one(r["payload"]) for r in rows))
        done: list[uuid.UUID] = [r["event_id"] for r, err in zip(rows, outcomes, strict=True) if err is None]
        async with state.pool.acquire() as conn:
            if done:
                await repo.mark_published(conn, done)
            for r, err in zip(rows, outcomes, strict=True):
                if err is not None:
                    delay = backoff(r["tries"], state.settings.outbox_poll_seconds)
                    await repo.schedule_retry(conn, r["event_id"], delay, err)
                    _log.warning(
                        "event_delivery_failed",
                        event_id=str(r["event_id"]),
                        attempt_id=str(r["attempt_id"]),
                        tries=r["tries"],
                        error=err,
                        retry_in=round(delay, 2),
                    )
        acknowledged += len(done)
        if len(done) < len(rows) or len(rows) < BATCH:
            break  # failures are rescheduled; do not spin on them
    if acknowledged:
        _log.info("events_delivered", count=acknowledged)
    if state.metrics is not None:
        # What an operator watches while scoring is down: submissions waiting, and for how long.
        async with state.pool.acquire() as conn:
            pending, oldest = await repo.outbox_backlog(conn)
        state.metrics.set_gauge("mockcert_outbox_pending_events", pending)
        state.metrics.set_gauge("mockcert_outbox_oldest_pending_seconds", round(oldest, 3))
    return acknowledged
