"""Scoring killed in the middle of a wave of submissions, a second wave while
it is down, then scoring back: every submission is scored exactly once.

The delivery engineer's test_delivery_faults.py stops an in-process scoring
before a handful of submissions and brings it back; this is the harsher
variant: scoring is a real process, SIGKILLed while it is ingesting a wave of
events (some committed, some in flight, some not yet sent), a second wave is
submitted while it is dead, and the candidates keep asking for their results
through the entry meanwhile. After a restart on the same address, each of the
attempts has exactly one event and one result, with the answers the candidate
saved; nothing was lost and nothing scored twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import aiohttp
import asyncpg

from tests.delivery_support import wait_for, wait_for_bank
from tests.support import ADMIN_PASSWORD, TEST_JWT_SECRET, TEST_SERVICE_SECRET, event_key_env, start_stack

WAVE = 24  # attempts per wave; two waves
ANSWERS = ("A", "B", "C", "D")


def scoring_env(stack, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOCKCERT_MODE": "production",
        "MOCKCERT_JWT_SECRET": TEST_JWT_SECRET,
        "MOCKCERT_SERVICE_SECRET": TEST_SERVICE_SECRET,
        **event_key_env(),
        "MOCKCERT_SCORING_HOST": "127.0.0.1",
        "MOCKCERT_SCORING_PORT": str(stack.settings["scoring"].port),
        "MOCKCERT_ITEM_BANK_URL": stack.urls["item-bank"],
        "MOCKCERT_EXAM_DELIVERY_URL": stack.urls["exam-delivery"],
        "MOCKCERT_SCORING_URL": stack.urls["scoring"],
        "MOCKCERT_ADMIN_USER": "admin",
        "MOCKCERT_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MOCKCERT_LOG_LEVEL": "WARNING",
    }


async def spawn_scoring(env: dict[str, str], log: Path, url: str) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scoring"], env=env, stdout=out, stderr=subprocess.STDOUT)
    async with aiohttp.ClientSession() as session:

        async def healthy() -> bool:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                async with session.get(f"{url}/healthz", timeout=aiohttp.ClientTimeout(total=1)) as resp:
                    return resp.status == 200
            except (aiohttp.ClientError, TimeoutError):
                return False

        await wait_for(healthy, timeout=30, what="scoring to start")
    return proc


async def sit(stack, blueprint_id: str, n: int) -> list[tuple[str, str, dict[int, str]]]:
    """n candidates each start an attempt and answer every question; (token, attempt id, answers)."""

    async def one(i: int) -> tuple[str, str, dict[int, str]]:
        _, token = await stack.new_user("candidate")
        status, started = await stack.request("POST", "/api/attempts", token, json={"blueprint_id": blueprint_id})
        assert status == 201, started
        answers = {}
        for pos in range(1, started["question_count"] + 1):
            choice = ANSWERS[(i + pos) % 4]
            status, saved = await stack.request("PUT", f"/api/attempts/{started['id']}/responses/{pos}", token,
                                                json={"selected": choice})
            assert status == 200, saved
            answers[pos] = choice
        return token, started["id"], answers

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def submit_all(stack, sitters) -> None:
    outcomes = await asyncio.gather(*(stack.request("POST", f"/api/attempts/{a}/submit", t) for t, a, _ in sitters))
    # A submission returns as soon as delivery has it: scoring being up or down does not matter.
    assert all(s == 200 and body["status"] == "submitted" for s, body in outcomes), outcomes


async def test_scoring_killed_mid_wave_then_restarted_scores_every_submission_exactly_once(database_url):
    log = Path(tempfile.mkdtemp(prefix="mockcert-scoring-")) / "scoring.log"
    async with start_stack(database_url, services=("item-bank", "exam-delivery"), seed_sample_bank=True,
                           feed_poll_seconds=0.2, outbox_poll_seconds=0.2) as stack:
        env = scoring_env(stack, database_url)
        url = stack.urls["scoring"]
        proc = await spawn_scoring(env, log, url)
        db = await asyncpg.connect(database_url)
        try:
            await wait_for_bank(stack)
            admin = await stack.admin_token()
            status, bp = await stack.request("POST", "/api/blueprints", admin, json={
                "name": "Wave", "time_limit_seconds": 3600, "cut_score_percent": 50,
                "domains": [{"code": "EM", "count": 2}, {"code": "ICD", "count": 2}],
            })
            assert status == 201, bp
            first, second = await sit(stack, bp["id"], WAVE), await sit(stack, bp["id"], WAVE)
            everyone = first + second
            ids = [a for _, a, _ in everyone]

            async def results() -> int:
                return await db.fetchval("SELECT count(*) FROM scoring.results WHERE attempt_id = ANY($1)", ids)

            # Wave 1, and scoring dies in the middle of ingesting it. Where "the middle" is must not depend
            # on how fast this machine scores: the first quarter of the wave is submitted and scored; then
            # the test holds a lock on scoring.events that the ingestion's first INSERT waits for, submits
            # the rest, and kills scoring once its calls are waiting on that lock: some events committed,
            # some in flight in scoring's dead transactions, the rest not sent yet.
            head, tail = first[: WAVE // 4], first[WAVE // 4:]
            await submit_all(stack, head)
            await wait_for(lambda: db.fetchval("SELECT count(*) = $2 FROM scoring.results WHERE attempt_id = ANY($1)",
                                               [a for _, a, _ in head], len(head)),
                           timeout=30, what="the first quarter of the wave scored")
            gate = await asyncpg.connect(database_url)
            try:
                hold = gate.transaction()
                await hold.start()
                await gate.execute("LOCK TABLE scoring.events IN EXCLUSIVE MODE")  # reads pass, inserts wait
                await submit_all(stack, tail)

                async def ingestions_waiting() -> int:
                    return await db.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted "
                                             "AND relation = 'scoring.events'::regclass")

                await wait_for(ingestions_waiting, timeout=30, interval=0.02, what="ingestions in flight")
                in_flight = await ingestions_waiting()
                proc.send_signal(signal.SIGKILL)
                await asyncio.get_running_loop().run_in_executor(None, proc.wait)
                scored_before_the_kill = await results()
            finally:
                await gate.close()  # the lock goes with it; the dead process's transactions roll back
            assert scored_before_the_kill == len(head), scored_before_the_kill
            assert 0 < scored_before_the_kill < WAVE and 0 < in_flight < len(tail), (scored_before_the_kill, in_flight)

            # Wave 2 while scoring is dead; candidates keep asking for their results.
            await submit_all(stack, second)
            token, attempt, _ = second[0]
            status, body = await stack.request("GET", f"/api/results/{attempt}", token)
            assert status in (502, 503) and body["status"] == status, (status, body)
            status, health = await stack.request("GET", "/api/health")
            assert status == 503 and health["services"]["scoring"] != "ok", health

            async def deliveries_failing() -> bool:
                return await db.fetchval(
                    "SELECT count(*) FROM delivery.outbox WHERE attempt_id = ANY($1::uuid[]) "
                    "AND published_at IS NULL AND tries >= 1", [uuid.UUID(a) for _, a, _ in second]) == WAVE

            await wait_for(deliveries_failing, timeout=20, what="delivery to try scoring and fail")

            # Scoring comes back on the same address; delivery's outbox delivers the rest.
            proc = await spawn_scoring(env, log, url)

            async def all_scored() -> bool:
                return await results() == 2 * WAVE

            await wait_for(all_scored, timeout=60, what="every submission scored")
            await wait_for(lambda: db.fetchval(
                "SELECT count(*) = 0 FROM delivery.outbox WHERE attempt_id = ANY($1::uuid[]) AND published_at IS NULL",
                [uuid.UUID(a) for a in ids]), timeout=30, what="every event acknowledged")

            for table in ("scoring.events", "scoring.results"):
                rows = await db.fetch(f"SELECT attempt_id, count(*) AS n FROM {table} "  # noqa: S608 - fixed names
                                      "WHERE attempt_id = ANY($1) GROUP BY 1", ids)
                assert {r["attempt_id"]: r["n"] for r in rows} == {a: 1 for a in ids}, table
            for token, attempt, answers in everyone:
                status, result = await stack.request("GET", f"/api/results/{attempt}", token)
                assert status == 200, result
                assert {r["position"]: r["selected"] for r in result["review"]} == answers
                assert result["answered_count"] == len(answers)
        finally:
            await db.close()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.get_running_loop().run_in_executor(None, proc.wait)
