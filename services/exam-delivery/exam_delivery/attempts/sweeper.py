"""Submits every open attempt whose deadline has passed, client or no client.

A work queue on the attempts table: `FOR UPDATE SKIP LOCKED` lets several
replicas sweep at once, each attempt taken by exactly one of them, and the
status check in the closing UPDATE makes a second submission impossible. After
a restart the first sweep catches up with everything that fell due meanwhile.

Each attempt is finalised in a savepoint of the batch's transaction: one that
cannot be (say, its form names a version missing from the read model) is
logged and left open, the rest of the batch is submitted, and the following
claims of the same sweep pass over it, so it never holds up the attempts due
after it. Every later sweep tries it again (and logs it again) until it is
repaired.
"""

from __future__ import annotations

import uuid

import asyncpg
import structlog

from exam_delivery.attempts import repository as repo
from exam_delivery.attempts.service import finalize

_log = structlog.get_logger("mockcert.delivery.sweeper")
BATCH = 50
# The connection or the database is gone: the whole sweep fails and the loop retries it.
_CONNECTION_LOST = (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError)


async def sweep_once(pool: asyncpg.Pool, batch: int = BATCH) -> int:
    """Submit every attempt past its deadline; return how many this replica submitted (the caller
    wakes the outbox when any)."""
    total = 0
    failed: list[uuid.UUID] = []  # left open by this sweep: not claimed again by it
    while True:
        async with pool.acquire() as conn, conn.transaction():
            rows = await repo.claim_expired(conn, batch, failed)
            for row in rows:
                try:
                    async with conn.transaction():  # a savepoint: a failure undoes this attempt only
                        await finalize(conn, row)
                except _CONNECTION_LOST:
                    raise
                except Exception:
                    failed.append(row.id)
                    _log.exception("sweep_attempt_failed", attempt_id=str(row.id))
                else:
                    total += 1
        if len(rows) < batch:
            break
    return total
