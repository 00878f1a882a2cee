"""Faults: delivery killed with SIGKILL under answer traffic; scoring down while
attempts are submitted. The item bank (with the sample bank) and scoring run in
process; delivery runs as a real subprocess for the SIGKILL."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import aiohttp
import asyncpg
from aiohttp import web

from tests.delivery_support import QueuedCandidate, wait_for, wait_for_bank
from tests.support import (
    ADMIN_PASSWORD,
    TEST_JWT_SECRET,
    TEST_SERVICE_SECRET,
    event_key_env,
    serve_again,
    start_stack,
)


def delivery_env(stack, database_url: str) -> dict[str, str]:
    port = stack.settings["exam-delivery"].port
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOCKCERT_MODE": "production",
        "MOCKCERT_JWT_SECRET": TEST_JWT_SECRET,
        "MOCKCERT_SERVICE_SECRET": TEST_SERVICE_SECRET,
        **event_key_env(),
        "MOCKCERT_EXAM_DELIVERY_HOST": "127.0.0.1",
        "MOCKCERT_EXAM_DELIVERY_PORT": str(port),
        "MOCKCERT_ITEM_BANK_URL": stack.urls["item-bank"],
        "MOCKCERT_SCORING_URL": stack.urls["scoring"],
        "MOCKCERT_EXAM_DELIVERY_URL": stack.urls["exam-delivery"],
        "MOCKCERT_ADMIN_USER": "admin",
        "MOCKCERT_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MOCKCERT_FEED_POLL_SECONDS": "0.2",
        "MOCKCERT_SWEEP_INTERVAL_SECONDS": "0.5",
        "MOCKCERT_OUTBOX_POLL_SECONDS": "0.2",
        "MOCKCERT_LOG_LEVEL": "WARNING",
    }


async def spawn_delivery(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "exam_delivery"], env=env, stdout=out, stderr=subprocess.STDOUT
    )
    out.close()
    url = env["MOCKCERT_EXAM_DELIVERY_URL"]
    async with aiohttp.ClientSession() as session:

        async def healthy() -> bool:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                async with session.get(f"{url}/healthz", timeout=aiohttp.ClientTimeout(total=1)) as resp:
                    return resp.status == 200
            except (aiohttp.ClientError, TimeoutError):
                return False

        await wait_for(healthy, timeout=30, interval=0.1, what="delivery to start")
    return proc


async def test_sigkill_under_load_loses_no_acknowledged_answer(database_url):
    """Twelve candidates answer (and change answers) as fast as they can, each with the exam page's
    retry queue; delivery is SIGKILLed mid-traffic and restarted. Every change the queue could not get
    acknowledged is resent until a 200 after the restart; then nothing is left unconfirmed, every
    acknowledged answer is in the database, and the database holds the last value each candidate chose
    for each position (nothing lost, nothing stale, nothing the clients did not send)."""
    log = Path(tempfile.mkdtemp(prefix="mockcert-delivery-")) / "delivery.log"
    async with start_stack(database_url, services=("item-bank", "scoring"), seed_sample_bank=True) as stack:
        env = delivery_env(stack, database_url)
        url = env["MOCKCERT_EXAM_DELIVERY_URL"]
        proc = await spawn_delivery(env, log)
        try:
            await wait_for_bank(stack)  # the delivery process follows the in-process item bank's feed
            candidates = []
            for _ in range(12):
                _, token = await stack.new_user("candidate")
                status, body = await stack.request(
                    "POST", "/api/attempts", token, json={"blueprint_id": "cpc-100"}
                )
                assert status == 201, body
                candidates.append(QueuedCandidate(token, body["id"]))
            _, before = await stack.request(
                "GET", f"/api/attempts/{candidates[0].attempt_id}", candidates[0].token
            )

            def acks() -> int:
                return sum(len(c.ack_log) for c in candidates)

            stop = asyncio.Event()
            async with aiohttp.ClientSession() as session:
                rng = random.Random(5)
                workers = [
                    asyncio.create_task(c.run(session, url, stop, random.Random(rng.random())))
                    for c in candidates
                ]
                await asyncio.sleep(1.5)
                proc.send_signal(signal.SIGKILL)
                await asyncio.get_running_loop().run_in_executor(None, proc.wait)
                acked_at_kill = acks()
                await asyncio.sleep(0.5)
                queued_while_down = sum(len(c.pending) for c in candidates)
                proc = await spawn_delivery(env, log)
                await asyncio.sleep(1.0)
                stop.set()
                await asyncio.gather(*workers)  # each drains its queue: every change resent until a 200
            assert acked_at_kill > 50, "the load did not run before the kill"
            failures = [f for c in candidates for f in c.failures]
            assert any(f.status == 0 for f in failures), "the kill was not felt"
            assert queued_while_down > 0, "no change waited in a queue while delivery was down"
            assert acks() > acked_at_kill, "no answer was saved after the restart"
            assert sum(c.resent_acks for c in candidates) > 0, "nothing the queue held was resent and acknowledged"
            assert all(not c.pending for c in candidates), "changes left unconfirmed after the drain"

            conn = await asyncpg.connect(database_url)
            try:
                for c in candidates:
                    rows = await conn.fetch(
                        "SELECT position, selected FROM delivery.responses WHERE attempt_id = $1",
                        uuid.UUID(c.attempt_id),
                    )
                    stored = {r["position"]: r["selected"] for r in rows}
                    for pos, choice in c.acked.items():
                        assert stored.get(pos) == choice, ("an acknowledged answer is missing", c.attempt_id, pos)
                    # The last value each position was given, every one of them, and nothing else.
                    assert stored == c.chosen, c.attempt_id
                    # The API reports the same as the database.
                    status, summary = await stack.request("GET", f"/api/attempts/{c.attempt_id}", c.token)
                    assert status == 200 and summary["status"] == "in_progress"
                    answered = {i["position"] for i in summary["items"] if i["answered"]}
                    assert answered == set(c.chosen)
            finally:
                await conn.close()
            _, after = await stack.request(
                "GET", f"/api/attempts/{candidates[0].attempt_id}", candidates[0].token
            )
            assert after["deadline"] == before["deadline"], "the server's clock kept its deadline"
            assert after["seconds_remaining"] < before["seconds_remaining"]
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=15)


async def outbox_gauges(stack) -> dict[str, float]:
    async with stack.session.get(f"{stack.urls['exam-delivery']}/metrics") as resp:
        text = await resp.text()
    found = dict(re.findall(r'^(mockcert_outbox_\w+)\{service="exam-delivery"\} (\S+)$', text, re.M))
    return {name: float(value) for name, value in found.items()}


async def test_scoring_down_during_submissions_then_each_is_scored_exactly_once(database_url):
    from scoring.app import create_app as scoring_app

    async with start_stack(
        database_url, seed_sample_bank=True, outbox_poll_seconds=0.2, sweep_interval_seconds=0.2
    ) as stack:
        await wait_for_bank(stack)
        admin = await stack.admin_token()
        status, bp = await stack.request(
            "POST",
            "/api/blueprints",
            admin,
            json={
                "name": "Quick",
                "time_limit_seconds": 3,
                "cut_score_percent": 70,
                "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
            },
        )
        assert status == 201
        users = [await stack.new_user("candidate") for _ in range(8)]
        await stack.runners["scoring"].cleanup()  # scoring goes down

        attempt_ids = []
        for i, (_, token) in enumerate(users):
            blueprint_id = bp["id"] if i % 2 else "cpc-100"
            status, started = await stack.request(
                "POST", "/api/attempts", token, json={"blueprint_id": blueprint_id}
            )
            assert status == 201
            await stack.request(
                "PUT", f"/api/attempts/{started['id']}/responses/1", token, json={"selected": "B"}
            )
            if blueprint_id == "cpc-100":  # the others are left to the sweeper
                status, out = await stack.request("POST", f"/api/attempts/{started['id']}/submit", token)
                assert status == 200 and out["status"] == "submitted"
            attempt_ids.append(started["id"])
        conn = await asyncpg.connect(database_url)
        try:

            async def all_closed_and_tried() -> bool:
                rows = await conn.fetch(
                    "SELECT tries, published_at FROM delivery.outbox WHERE attempt_id = ANY($1::uuid[])",
                    [uuid.UUID(a) for a in attempt_ids],
                )
                return len(rows) == 8 and all(r["tries"] >= 2 and r["published_at"] is None for r in rows)

            await wait_for(all_closed_and_tried, timeout=20, what="failed deliveries while scoring is down")
            # An operator sees the backlog on delivery's /metrics while scoring is down.
            backlog = await outbox_gauges(stack)
            assert backlog["mockcert_outbox_pending_events"] >= 8
            assert backlog["mockcert_outbox_oldest_pending_seconds"] > 0

            # Scoring comes back on the same address.
            settings = stack.settings["scoring"]
            app = scoring_app(settings)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
            await runner.setup()
            await serve_again(runner, settings.port)
            stack.runners["scoring"] = runner

            async def all_scored() -> bool:
                return (
                    await conn.fetchval(
                        "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", attempt_ids
                    )
                    == 8
                )

            await wait_for(all_scored, timeout=90, what="every submission scored")

            async def backlog_drained() -> bool:
                gauges = await outbox_gauges(stack)
                return gauges["mockcert_outbox_pending_events"] == 0 == gauges["mockcert_outbox_oldest_pending_seconds"]

            await wait_for(backlog_drained, what="the outbox gauges back to zero")
            # Deliver one event again, as a publisher dying after the call but before recording it would.
            await conn.execute(
                "UPDATE delivery.outbox SET published_at = NULL, next_try_at = now() WHERE attempt_id = $1",
                uuid.UUID(attempt_ids[0]),
            )

            async def republished() -> bool:
                return await conn.fetchval(
                    "SELECT published_at IS NOT NULL FROM delivery.outbox WHERE attempt_id = $1",
                    uuid.UUID(attempt_ids[0]),
                )

            await wait_for(republished, what="the redelivery")
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", attempt_ids
                )
                == 8
            )
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM scoring.events WHERE attempt_id = ANY($1)", attempt_ids
                )
                == 8
            )
            for (_, token), attempt in zip(users, attempt_ids, strict=True):
                status, result = await stack.request("GET", f"/api/results/{attempt}", token)
                assert status == 200 and result["answered_count"] == 1
        finally:
            await conn.close()
