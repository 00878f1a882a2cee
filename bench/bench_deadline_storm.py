"""Deadline storm: thousands of attempts reach their deadline in the same second.

    python bench/bench_deadline_storm.py [--quick]

The whole product runs as `mockcert run` (separate processes, embedded
PostgreSQL, demo mode with the sample bank, the services' default settings:
the sweeper looks every second, the outbox publisher every second). An admin
defines a 100-question blueprint (the domains of `cpc-100`) with a 60-second
time limit, and ATTEMPTS candidates start an attempt each. Starting them takes
some seconds, so their deadlines (start + limit x the candidate's time
multiplier) are spread over those seconds; the admin then gives each candidate
the accommodation that puts every deadline on the same second D
(PATCH /api/users/{id} {"time_multiplier": m}: the product moves the deadline
of the open attempt to start + ceil(limit x m), whole seconds). No client
submits anything: at D the server's sweeper submits them all, the outbox
delivers the events, scoring scores them.

Reported: how long after D every attempt was submitted (the outbox rows'
creation, read from the database), and how long after D the last result
existed (the latest `scored_at` of GET /api/results/{id}, polled as admin until
every attempt answers 200, as result pages do).

Baseline, in the same run: the same candidates start new attempts on a
blueprint with a long limit and all press Submit at the same moment (POST
/submit from 64 connections); how long from that moment to the last result.

Set-up shortcut, stated: the candidates are inserted into delivery.users with
one shared Argon2 hash and their tokens minted with the demo signing secret
(hashing thousands of passwords would take minutes and measure nothing here);
everything measured goes through the public API.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
for sub in ("", "services/exam-delivery"):
    sys.path.insert(0, str(ROOT / sub))

from bench_exam_day import api, demo_settings, start_product  # noqa: E402

from mockcert.sandbox import free_port  # noqa: E402
from shared.auth import _hasher, issue_user_token  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LIMIT_SECONDS = 60


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def insert_candidates(database_url: str, n: int, folder: Path) -> list[tuple[str, str]]:
    """n candidates straight into delivery.users (one shared hash); (user id, token minted with the secret of
    the demo instance in `folder`)."""
    settings = demo_settings(folder, database_url)
    password_hash = _hasher.hash("deadline-storm-password")
    run = uuid.uuid4().hex[:6]
    rows = [(uuid.uuid4(), f"storm-{run}-{i:05d}") for i in range(n)]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.executemany(
            "INSERT INTO delivery.users (id, username, password_hash, role, display_name, username_canonical) "
            "VALUES ($1, $2, $3, 'candidate', $2, $2)",  # lower-case ASCII names: their own canonical form
            [(uid, name, password_hash) for uid, name in rows])
    finally:
        await conn.close()
    return [(str(uid), issue_user_token(settings, str(uid), "candidate", name)[0]) for uid, name in rows]


async def gathered(n_parallel: int, coros) -> list:
    gate = asyncio.Semaphore(n_parallel)

    async def one(coro):
        async with gate:
            return await coro

    return list(await asyncio.gather(*(one(c) for c in coros)))


async def start_all(session, base: str, people: list[tuple[str, str]], blueprint_id: str) -> list[dict]:
    return await gathered(32, (api(session, "POST", f"{base}/api/attempts", token, {"blueprint_id": blueprint_id})
                               for _, token in people))


async def wait_results(session, base: str, admin: str, attempt_ids: list[str], timeout: float) -> list[dict]:
    """GET /api/results/{id} as admin until every one answers 200; the results."""
    pending = set(attempt_ids)
    done: dict[str, dict] = {}
    deadline = time.monotonic() + timeout

    async def one(attempt_id: str) -> None:
        async with session.get(f"{base}/api/results/{attempt_id}",
                               headers={"Authorization": f"Bearer {admin}"}) as resp:
            body = await resp.json(content_type=None)
            if resp.status == 200:
                done[attempt_id] = body
            elif resp.status != 202:
                raise RuntimeError(f"result {attempt_id}: {resp.status} {body}")

    while pending:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(pending)} results still missing after {timeout:.0f}s")
        await gathered(8, (one(a) for a in sorted(pending)))
        pending -= set(done)
        if pending:
            await asyncio.sleep(0.5)
    return [done[a] for a in attempt_ids]


async def scored_span(conn: asyncpg.Connection, attempt_ids: list[str]) -> asyncpg.Record:
    """When the first and the last of these results were written (the database's clock, to the microsecond:
    the API's `scored_at` is to the second)."""
    return await conn.fetchrow("SELECT min(scored_at) AS first, max(scored_at) AS last FROM scoring.results "
                               "WHERE attempt_id = ANY($1)", attempt_ids)


async def run(args: argparse.Namespace) -> dict:
    n = 200 if args.quick else 2000
    folder = Path(tempfile.mkdtemp(prefix="mockcert-storm-"))
    port = free_port()
    proc, accounts, state = await start_product(folder, port)
    base = f"http://127.0.0.1:{port}"
    database_url = state["database_url"]
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=128)) as session:
            admin = (await api(session, "POST", f"{base}/api/auth/login", None,
                               {"username": "admin", "password": accounts["admin"]}))["token"]
            for _ in range(240):
                bps = await api(session, "GET", f"{base}/api/blueprints", admin)
                cpc100 = next((b for b in bps if b["id"] == "cpc-100" and b["available"]), None)
                if cpc100:
                    break
                await asyncio.sleep(0.5)
            else:
                raise RuntimeError("cpc-100 never became available")
            storm_bp = await api(session, "POST", f"{base}/api/blueprints", admin, {
                "name": "Deadline storm", "time_limit_seconds": LIMIT_SECONDS, "cut_score_percent": 70,
                "domains": cpc100["domains"]})
            long_bp = await api(session, "POST", f"{base}/api/blueprints", admin, {
                "name": "Submit together", "time_limit_seconds": 4 * 3600, "cut_score_percent": 70,
                "domains": cpc100["domains"]})
            people = await insert_candidates(database_url, n, folder)

            # The storm: start them all, then one accommodation each puts every deadline on one second.
            t = time.monotonic()
            started = await start_all(session, base, people, storm_bp["id"])
            start_seconds = time.monotonic() - t
            starts = [parse_time(s["started_at"]) for s in started]
            target = max(starts) + dt.timedelta(seconds=LIMIT_SECONDS + 5)
            multipliers = [((target - s).total_seconds() - 0.5) / LIMIT_SECONDS for s in starts]
            await gathered(16, (api(session, "PATCH", f"{base}/api/users/{uid}", admin, {"time_multiplier": m})
                                for (uid, _), m in zip(people, multipliers, strict=True)))
            ids = [s["id"] for s in started]
            conn = await asyncpg.connect(database_url)
            try:
                deadlines = await conn.fetch("SELECT DISTINCT deadline FROM delivery.attempts WHERE id = ANY($1)",
                                             [uuid.UUID(i) for i in ids])
            finally:
                await conn.close()
            assert len(deadlines) == 1, f"the deadlines fall on {len(deadlines)} different seconds"
            deadline = deadlines[0]["deadline"]
            wait = (deadline - dt.datetime.now(dt.UTC)).total_seconds()
            sys.stderr.write(f"{n} attempts started in {start_seconds:.1f}s; all due at {deadline} "
                             f"(in {wait:.0f}s)\n")
            await asyncio.sleep(max(0.0, wait))
            await wait_results(session, base, admin, ids, timeout=600)
            seen_all = dt.datetime.now(dt.UTC)
            conn = await asyncpg.connect(database_url)
            try:
                scored = await scored_span(conn, ids)
                swept = await conn.fetchrow(
                    "SELECT max(o.created_at) AS last, min(o.created_at) AS first, "
                    "count(*) FILTER (WHERE a.submitted_by = 'sweeper') AS by_sweeper "
                    "FROM delivery.outbox o JOIN delivery.attempts a ON a.id = o.attempt_id "
                    "WHERE o.attempt_id = ANY($1)", [uuid.UUID(i) for i in ids])
            finally:
                await conn.close()
            storm = {
                "attempts": n,
                "start_seconds": start_seconds,
                "by_sweeper": swept["by_sweeper"],
                "first_submitted_after": (swept["first"] - deadline).total_seconds(),
                "all_submitted_after": (swept["last"] - deadline).total_seconds(),
                "last_result_after": (scored["last"] - deadline).total_seconds(),
                "first_result_after": (scored["first"] - deadline).total_seconds(),
                "all_seen_by_polling_after": (seen_all - deadline).total_seconds(),
            }
            sys.stderr.write(f"storm: {storm}\n")

            # Baseline: the same candidates start again and all press Submit at the same moment.
            again = await start_all(session, base, people, long_bp["id"])
            moment = dt.datetime.now(dt.UTC)
            await gathered(64, (api(session, "POST", f"{base}/api/attempts/{s['id']}/submit", token)
                                for s, (_, token) in zip(again, people, strict=True)))
            submitted_seconds = (dt.datetime.now(dt.UTC) - moment).total_seconds()
            await wait_results(session, base, admin, [s["id"] for s in again], timeout=600)
            seen_all = dt.datetime.now(dt.UTC)
            conn = await asyncpg.connect(database_url)
            try:
                scored = await scored_span(conn, [s["id"] for s in again])
            finally:
                await conn.close()
            baseline = {
                "attempts": n,
                "all_submitted_after": submitted_seconds,
                "last_result_after": (scored["last"] - moment).total_seconds(),
                "all_seen_by_polling_after": (seen_all - moment).total_seconds(),
            }
            sys.stderr.write(f"baseline: {baseline}\n")
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), timeout=60)
    return {"storm": storm, "baseline": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description="thousands of deadlines in the same second")
    parser.add_argument("--quick", action="store_true", help="200 attempts instead of 2,000")
    args = parser.parse_args()
    out = asyncio.run(run(args))
    storm, baseline = out["storm"], out["baseline"]
    n = storm["attempts"]
    print(f"{n:,} attempts of a 100-question blueprint, every deadline on the same second D; nobody submits: "
          f"the sweeper (every 1 s) submits, the outbox (every 1 s) delivers, scoring scores. Results polled "
          f"as admin with GET /api/results/{{id}} until all {n:,} answer 200.\n")
    print("| scenario | attempts | all submitted after | last result written after | all seen by the polling "
          "admin after | results/s (from D) |")
    print("|---|---|---|---|---|---|")
    print(f"| deadline storm (server submits at D) | {n:,} | {storm['all_submitted_after']:.2f} s after D "
          f"({storm['by_sweeper']:,} by the sweeper) | **{storm['last_result_after']:.2f} s** after D | "
          f"{storm['all_seen_by_polling_after']:.2f} s | {n / max(storm['last_result_after'], 1e-9):.0f} |")
    print(f"| baseline: every candidate presses Submit at once | {n:,} | {baseline['all_submitted_after']:.2f} s "
          f"(all POST /submit answered) | {baseline['last_result_after']:.2f} s | "
          f"{baseline['all_seen_by_polling_after']:.2f} s | {n / max(baseline['last_result_after'], 1e-9):.0f} |")
    ratio = storm["last_result_after"] / max(baseline["last_result_after"], 1e-9)
    print(f"\nTime to the last result, storm / baseline: {ratio:.2f}x. Starting the {n:,} attempts took "
          f"{storm['start_seconds']:.1f} s ({n / storm['start_seconds']:.0f} starts/s, 32 connections).")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "deadline_storm.json").write_text(json.dumps({**out, "ratio_storm_to_baseline": ratio}, indent=1))


if __name__ == "__main__":
    main()
