"""Helpers for the delivery tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg

from tests.support import Stack, auth


async def wait_for(
    predicate: Callable[[], Awaitable[Any]], timeout: float = 20.0, interval: float = 0.1, what: str = "condition"
) -> Any:
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


# The database clock of an attempt, moved instead of waiting for time to pass: its start and deadline
# (and with the start, the end of each of its parts) earlier by the same span, as the service's own
# statements (the save, the sweeper's claim, the part closing, the cool-down) read them against now().
MOVE_ATTEMPTS_BACK = """
UPDATE delivery.attempts
SET started_at = started_at - $2::interval, deadline = deadline - $2::interval,
    submitted_at = submitted_at - $2::interval
WHERE id = ANY($1::uuid[])
"""
# Each attempt's deadline `$2` in the past on the database clock, its start moved with it.
PASS_DEADLINES = """
UPDATE delivery.attempts
SET started_at = started_at - (deadline - now()) - $2::interval, deadline = now() - $2::interval
WHERE id = ANY($1::uuid[])
"""


def _uuids(attempt_ids: Iterable[str | uuid.UUID]) -> list[uuid.UUID]:
    return [a if isinstance(a, uuid.UUID) else uuid.UUID(a) for a in attempt_ids]


async def move_attempts_back(conn: asyncpg.Connection, attempt_ids: Iterable[str | uuid.UUID], seconds: float) -> None:
    """Make `seconds` pass for these attempts (open or closed) on the database clock."""
    await conn.execute(MOVE_ATTEMPTS_BACK, _uuids(attempt_ids), dt.timedelta(seconds=seconds))


async def pass_deadlines(conn: asyncpg.Connection, attempt_ids: Iterable[str | uuid.UUID], ago: float = 1.0) -> None:
    """Put these open attempts' deadlines `ago` seconds in the past on the database clock."""
    await conn.execute(PASS_DEADLINES, _uuids(attempt_ids), dt.timedelta(seconds=ago))


async def wait_for_bank(stack: Stack, timeout: float = 30.0) -> None:
    """Wait until delivery has followed the item bank's feed far enough to fill the built-in blueprints
    (the stack was started with seed_sample_bank=True)."""
    token = await stack.admin_token()

    async def followed() -> bool:
        status, bps = await stack.request("GET", "/api/blueprints", token)
        return status == 200 and all(b["available"] for b in bps if b["builtin"])

    await wait_for(followed, timeout=timeout, what="delivery to follow the item bank's feed")


# ---------------------------------------------------------------- a candidate's answers with the page's retry queue

RETRYABLE = (0, 502, 503, 504)  # 0: no answer at all (connection refused or reset, timeout)


@dataclass
class Failure:
    """One save that was not acknowledged: its status (0 for no answer) and what came with it."""

    status: int
    ctype: str
    retry_after: str | None
    body: Any


@dataclass
class QueuedCandidate:
    """A candidate's answer traffic as the exam page sends it (static/exam-common.js SaveQueue):
    every change waits in `pending` until the server answers 200 for it, the latest change of a
    position replacing an older one not sent yet, and is resent (with backoff) until then."""

    token: str
    attempt_id: str
    chosen: dict[int, str] = field(default_factory=dict)  # position -> the last value the candidate chose
    pending: dict[int, str] = field(default_factory=dict)  # chosen, not acknowledged yet
    acked: dict[int, str] = field(default_factory=dict)  # position -> the last value acknowledged
    ack_log: list[tuple[float, int, str]] = field(default_factory=list)  # (monotonic time, position, value)
    failures: list[Failure] = field(default_factory=list)
    retried: set[int] = field(default_factory=set)  # positions with a failed send not acknowledged since
    resent_acks: int = 0  # acknowledgements of a position whose earlier send had failed

    def choose(self, pos: int, choice: str) -> None:
        self.chosen[pos] = choice
        self.pending[pos] = choice

    async def send(self, session: aiohttp.ClientSession, base_url: str, pos: int) -> bool:
        """Send the pending change of `pos` once; True when acknowledged."""
        choice = self.pending[pos]
        try:
            async with session.put(
                f"{base_url}/api/attempts/{self.attempt_id}/responses/{pos}",
                json={"selected": choice},
                headers=auth(self.token),
                timeout=aiohttp.ClientTimeout(total=5),
            ) as resp:
                status, ctype = resp.status, resp.headers.get("Content-Type", "")
                retry_after = resp.headers.get("Retry-After")
                body = await resp.json(content_type=None) if "json" in ctype else await resp.text()
        except (aiohttp.ClientError, TimeoutError):
            status, ctype, retry_after, body = 0, "", None, None
        if status != 200:
            # The page drops a change only on 404/409/422 (never in these tests): anything else is retried.
            assert status in RETRYABLE, (status, body)
            self.failures.append(Failure(status, ctype, retry_after, body))
            self.retried.add(pos)
            return False
        assert body["position"] == pos and body["selected"] == choice, (pos, choice, body)
        self.acked[pos] = choice
        self.ack_log.append((time.monotonic(), pos, choice))
        if pos in self.retried:
            self.retried.discard(pos)
            self.resent_acks += 1
        if self.pending.get(pos) == choice:
            del self.pending[pos]
        return True

    async def flush(self, session: aiohttp.ClientSession, base_url: str) -> bool:
        """Send every pending change, oldest first, stopping at the first failure; True when all went."""
        for pos in list(self.pending):
            if pos in self.pending and not await self.send(session, base_url, pos):
                return False
        return True

    async def run(self, session: aiohttp.ClientSession, base_url: str, stop: asyncio.Event,
                  rng: random.Random, positions: int = 100, think: float = 0.0) -> None:
        """Answer (and change answers) at random until `stop`, then drain the queue."""
        delay = 0.0
        while not stop.is_set():
            self.choose(rng.randint(1, positions), rng.choice("ABCD"))
            if await self.flush(session, base_url):  # a new change retries the queue at once, as the page does
                delay = 0.0
                if think:
                    await asyncio.sleep(think)
            else:
                delay = min(0.5, delay * 2 if delay else 0.05)
                await asyncio.sleep(delay)
        await self.drain(session, base_url)

    async def drain(self, session: aiohttp.ClientSession, base_url: str, timeout: float = 30.0) -> None:
        """Resend what is pending until every change is acknowledged; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while not await self.flush(session, base_url):
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.pending)} change(s) of {self.attempt_id} never acknowledged")
            await asyncio.sleep(delay)
            delay = min(0.5, delay * 2)
