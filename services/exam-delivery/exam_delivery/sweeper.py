"""Submits every open attempt whose deadline has passed, client or no client.

A work queue on the attempts table: `FOR UPDATE SKIP LOCKED` lets several
replicas sweep at once, each attempt taken by exactly one of them, and the
status check in the closing UPDATE makes a second submission impossible. After
a restart the first sweep catches up with everything that fell due meanwhile.
"""

from __future__ import annotations

from exam_delivery import attempts
from exam_delivery import repository as repo
from exam_delivery.state import Delivery

BATCH = 50


async def sweep_once(state: Delivery, batch: int = BATCH) -> int:
    """Submit every attempt past its deadline; return how many this replica submitted."""
    total = 0
    while True:
        async with state.pool.acquire() as conn, conn.transaction():
            rows = await repo.claim_expired(conn, batch)
            for row in rows:
                await attempts.finalize(conn, row)
        total += len(rows)
        if len(rows) < batch:
            break
    if total:
        state.outbox_wake.set()
    return total
