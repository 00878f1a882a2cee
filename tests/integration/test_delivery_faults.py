"""Faults: delivery killed with SIGKILL under answer traffic; scoring down while
attempts are submitted. The item bank (with the sample bank) and scoring run in
process; delivery runs as a real subprocess for the SIGKILL."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg
from aiohttp import web

from tests.delivery_support import wait_for, wait_for_bank
from tests.support import ADMIN_PASSWORD, TEST_JWT_SECRET, TEST_SERVICE_SECRET, auth, start_stack


def delivery_env(stack, database_url: str) -> dict[str, str]:
    port = stack.settings["exam-delivery"].port
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOCKCERT_MODE": "production",
        "MOCKCERT_JWT_SECRET": TEST_JWT_SECRET,
        "MOCKCERT_SERVICE_SECRET": TEST_SERVICE_SECRET,
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


@dataclass
class Candidate:
    token: str
    attempt_id: str
    acked: dict[int, str] = field(default_factory=dict)  # position -> last acknowledged answer
    uncertain: dict[int, set[str]] = field(default_factory=dict)  # sent after that, outcome unknown
    acks: int = 0
    failures: int = 0


async def answer_loop(
    session: aiohttp.ClientSession, url: str, c: Candidate, stop: asyncio.Event, rng: random.Random
) -> None:
    while not stop.is_set():
        pos = rng.randint(1, 100)
        choice = rng.choice("ABCD")
        try:
            async with session.put(
                f"{url}/api/attempts/{c.attempt_id}/responses/{pos}",
                json={"selected": choice},
                headers=auth(c.token),
                timeout=aiohttp.ClientTimeout(total=5),
            ) as resp:
                body = await resp.json(content_type=None)
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            status, body = 0, None
        if status == 200:
            assert body["selected"] == choice and body["position"] == pos
            c.acked[pos] = choice
            c.uncertain.pop(pos, None)
            c.acks += 1
        else:
            assert status in (0, 503), (status, body)
            c.uncertain.setdefault(pos, set()).add(choice)
            c.failures += 1
            await asyncio.sleep(0.05)


async def test_sigkill_under_load_loses_no_acknowledged_answer(database_url):
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
                candidates.append(Candidate(token, body["id"]))
            _, before = await stack.request(
                "GET", f"/api/attempts/{candidates[0].attempt_id}", candidates[0].token
            )

            stop = asyncio.Event()
            async with aiohttp.ClientSession() as session:
                rng = random.Random(5)
                workers = [
                    asyncio.create_task(answer_loop(session, url, c, stop, random.Random(rng.random())))
                    for c in candidates
                ]
                await asyncio.sleep(1.5)
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                acked_at_kill = sum(c.acks for c in candidates)
                await asyncio.sleep(0.5)
                proc = await spawn_delivery(env, log)
                await asyncio.sleep(1.0)
                stop.set()
                await asyncio.gather(*workers)
            assert acked_at_kill > 50, "the load did not run before the kill"
            assert sum(c.failures for c in candidates) > 0, "the kill was not felt"
            assert sum(c.acks for c in candidates) > acked_at_kill, "no answer was saved after the restart"

            conn = await asyncpg.connect(database_url)
            try:
                for c in candidates:
                    rows = await conn.fetch(
                        "SELECT position, selected FROM delivery.responses WHERE attempt_id = $1",
                        uuid.UUID(c.attempt_id),
                    )
                    stored = {r["position"]: r["selected"] for r in rows}
                    for pos, choice in c.acked.items():
                        # The acknowledged answer is there, unless a later send (outcome unknown) replaced it.
                        assert stored.get(pos) == choice or stored.get(pos) in c.uncertain.get(pos, set()), (
                            c.attempt_id,
                            pos,
                            choice,
                            stored.get(pos),
                        )
                    for pos, value in stored.items():
                        assert pos in c.acked or value in c.uncertain.get(pos, set()), (
                            "a write no client made"
                        )
                    # The API reports the same as the database.
                    status, summary = await stack.request("GET", f"/api/attempts/{c.attempt_id}", c.token)
                    assert status == 200 and summary["status"] == "in_progress"
                    answered = {i["position"] for i in summary["items"] if i["answered"]}
                    assert answered == {p for p, v in stored.items() if v is not None}
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

            # Scoring comes back on the same address.
            settings = stack.settings["scoring"]
            app = scoring_app(settings)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", settings.port).start()
            stack.runners["scoring"] = runner

            async def all_scored() -> bool:
                return (
                    await conn.fetchval(
                        "SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", attempt_ids
                    )
                    == 8
                )

            await wait_for(all_scored, timeout=90, what="every submission scored")
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
