"""Dashboard latency over 100,000 stored attempts, against a count(*) baseline.

    python bench/bench_dashboard.py            # 100,000 attempts (70 % cpc-150, 30 % cpc-100)
    python bench/bench_dashboard.py --quick    # 10,000 attempts smoke run

A fresh embedded PostgreSQL gets the scoring schema, a 600-item bank and the
attempts (2PL answers on random forms), written with COPY straight into
scoring's tables. The real scoring app then starts on a loopback port and
builds its statistics once (reported: the cold start), then calibrates
(reported: Rasch + 2PL, abilities, new snapshot); the benchmark then times
sequential requests to the dashboard endpoints (median, p99) and, in the same
run, a baseline endpoint doing a bare `SELECT count(*) FROM scoring.results`
(and /healthz, one `SELECT 1`). It also measures freshness: the time from a
POSTed cpc-150 event to the statistics counting it, with the default 10 s
refresh, and how long that incremental recompute took. Prints a markdown table and writes
bench/results/bench_dashboard.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import sys
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import msgspec
import numpy as np
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
for extra in ("", "services/scoring", "services/item-bank", "services/exam-delivery"):
    sys.path.insert(0, str(ROOT / extra))

from mockcert.sandbox import create_database, free_port, postgres_server  # noqa: E402
from mockcert.simulate import BankItem, EventFactory, blueprint_counts, post_events, synthetic_bank  # noqa: E402
from scoring.analysis.loop import ENGINE_KEY  # noqa: E402
from scoring.app import create_app  # noqa: E402
from shared import event_signing  # noqa: E402
from shared.auth import ADMIN, issue_service_token, issue_user_token  # noqa: E402
from shared.contracts import LABEL_INDEX  # noqa: E402
from shared.db import POOL_KEY, migrate  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.web import RouteTable, install, json_response  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECRET_J = "bench-jwt-secret-" + "j" * 40
SECRET_S = "bench-service-secret-" + "s" * 40
EVENT_KEY = event_signing.new_signing_key()  # this run's delivery key: the events posted below are signed


# ---------------------------------------------------------------- data


def generate(n: int, seed: int) -> tuple[list[BankItem], list[tuple], list[tuple], list[tuple]]:
    """Item versions, events and results rows for n attempts, vectorised per blueprint."""
    rng = np.random.default_rng(seed)
    classic = blueprint_counts("cpc-150")
    bank = synthetic_bank(rng, {code: 4 * c for code, c in classic.items()}, seed=seed)
    ids = {it.item_id: i + 1 for i, it in enumerate(bank)}
    versions = [(ids[it.item_id], it.item_id, 1, it.domain, it.key, it.rationale) for it in bank]
    columns: dict[str, list[int]] = {}
    for it in bank:
        columns.setdefault(it.domain, []).append(ids[it.item_id] - 1)
    by_domain = {code: np.asarray(cols) for code, cols in columns.items()}
    a = np.asarray([it.a for it in bank])
    b = np.asarray([it.b for it in bank])
    key = np.asarray([LABEL_INDEX[it.key] for it in bank], dtype=np.int8)
    codes = list(classic)

    events: list[tuple] = []
    results: list[tuple] = []
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    seq = 0
    for bp, share in (("cpc-150", 0.7), ("cpc-100", 0.3)):
        counts = blueprint_counts(bp)
        m = int(n * share) if bp == "cpc-150" else n - int(n * 0.7)
        k = sum(counts.values())
        forms = np.empty((m, k), dtype=np.int64)
        pos = 0
        for code in codes:
            c = counts[code]
            pool = by_domain[code]
            pick = np.argpartition(rng.random((m, pool.shape[0])), c - 1, axis=1)[:, :c]
            forms[:, pos : pos + c] = np.sort(pool[pick], axis=1)
            pos += c
        theta = rng.normal(0.0, 1.0, m)
        p = 1.0 / (1.0 + np.exp(-a[forms] * (theta[:, None] - b[forms])))
        right = rng.random((m, k)) < p
        wrong = (key[forms] + rng.integers(1, 4, size=(m, k))) % 4
        omitted = ~right & (rng.random((m, k)) < 0.02)
        choices = np.where(omitted, -1, np.where(right, key[forms], wrong)).astype(np.int8)
        keys = key[forms]
        raw = right.sum(axis=1)
        answered = (~omitted).sum(axis=1)
        dom_index = np.repeat(np.arange(len(codes)), [counts[c] for c in codes])
        dom_right = np.zeros((m, len(codes)), dtype=np.int64)
        np.add.at(dom_right, (np.repeat(np.arange(m), k), np.tile(dom_index, m)), right.reshape(-1))
        offsets = rng.uniform(0, 180 * 86400, m)
        groups = np.asarray(["cohort-a", "cohort-b", "evening", ""])[rng.integers(0, 4, m)]
        item_ix = (forms + 1).astype("<i4")
        orders = np.tile(np.arange(4, dtype=np.int8), (1, k))
        limit = 20400 if bp == "cpc-150" else 14400
        cut = 70.0
        for i in range(m):
            seq += 1
            attempt_id = str(uuid.uuid4())
            event_id = str(uuid.uuid4())
            submitted = start + dt.timedelta(seconds=float(offsets[i]))
            started = submitted - dt.timedelta(seconds=int(limit * 0.8))
            r = int(raw[i])
            events.append((event_id, attempt_id))
            domains = [{"code": c, "correct": int(dom_right[i, j]), "total": counts[c]} for j, c in enumerate(codes)]
            results.append(
                (
                    attempt_id,
                    seq,
                    event_id,
                    str(uuid.uuid4()),
                    str(groups[i]),
                    bp,
                    bp,
                    k,
                    int(answered[i]),
                    r,
                    round(100.0 * r / k, 2),
                    r * 100 >= cut * k,
                    cut,
                    "raw",
                    cut,
                    cut * k / 100,
                    started,
                    submitted,
                    limit,
                    "candidate",
                    domains,
                    item_ix[i].tobytes(),
                    choices[i].tobytes(),
                    keys[i].tobytes(),
                    orders[0].tobytes(),
                )
            )
    return bank, versions, events, results


RESULT_COLUMNS = [
    "attempt_id",
    "seq",
    "event_id",
    "candidate_id",
    "candidate_group",
    "blueprint_id",
    "blueprint_name",
    "question_count",
    "answered_count",
    "raw_score",
    "percent",
    "passed",
    "blueprint_cut_percent",
    "cut_used",
    "cut_score_percent",
    "raw_cut",
    "started_at",
    "submitted_at",
    "time_limit_seconds",
    "submitted_by",
    "domains",
    "item_ix",
    "choices",
    "keys",
    "orders",
]


async def load(database_url: str, n: int, seed: int) -> tuple[list[BankItem], dict[str, float]]:
    t0 = time.perf_counter()
    bank, versions, events, results = await asyncio.get_running_loop().run_in_executor(None, generate, n, seed)
    t1 = time.perf_counter()
    await migrate(database_url, "scoring", "scoring")
    conn = await asyncpg.connect(database_url)
    try:
        # Binary COPY needs a binary jsonb codec: version byte 1, then the JSON text.
        await conn.set_type_codec(
            "jsonb",
            schema="pg_catalog",
            format="binary",
            encoder=lambda v: b"\x01" + msgspec.json.encode(v),
            decoder=lambda b: msgspec.json.decode(b[1:]),
        )
        async with conn.transaction():
            await conn.copy_records_to_table(
                "item_versions",
                schema_name="scoring",
                records=versions,
                columns=["id", "item_id", "version", "domain", "key", "rationale"],
            )
            await conn.copy_records_to_table(
                "events", schema_name="scoring", records=events, columns=["event_id", "attempt_id"]
            )
            await conn.copy_records_to_table("results", schema_name="scoring", records=results, columns=RESULT_COLUMNS)
            await conn.execute("SELECT setval('scoring.item_versions_id_seq', $1)", len(versions))
            await conn.execute("SELECT setval('scoring.results_seq_seq', $1)", len(results))
        await conn.execute("ANALYZE scoring.results")
    finally:
        await conn.close()
    return bank, {"generate_s": t1 - t0, "copy_s": time.perf_counter() - t1}


# ---------------------------------------------------------------- timing


async def timed_get(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], n: int, vary: bool = False
) -> list[float]:
    out = []
    for i in range(n + 3):
        # A different `from` each time (to the second) defeats the per-snapshot cache: computed per request.
        target = f"{url}&from=2026-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z" if vary else url
        t0 = time.perf_counter()
        async with session.get(target, headers=headers) as resp:
            await resp.read()
            assert resp.status == 200, (target, resp.status)
        if i >= 3:  # warm-up
            out.append(time.perf_counter() - t0)
    return out


def stats(times: list[float]) -> dict[str, float]:
    arr = np.asarray(times) * 1000.0
    return {"median_ms": float(np.median(arr)), "p99_ms": float(np.percentile(arr, 99)), "runs": len(times)}


async def run(args: argparse.Namespace) -> dict:
    n = 10_000 if args.quick else args.attempts
    with postgres_server("mockcert-bench-dashboard-", from_env=False) as server_url:
        database_url = await create_database(server_url, "bench")
        bank, loaded = await load(database_url, n, args.seed)

        port = free_port()
        settings = Settings(
            service="scoring",
            port=port,
            database_url=database_url,
            jwt_secret=SECRET_J,
            service_secret=SECRET_S,
            event_verify_key=event_signing.verify_key_for(EVENT_KEY),
            db_pool_min=2,
            db_pool_max=10,
            stats_refresh_seconds=10.0,
        )
        settings.check()
        app = create_app(settings)
        baseline = RouteTable("bench")

        @baseline.get("/bench/count", roles=ADMIN, summary="baseline: SELECT count(*)")
        async def count(request: web.Request) -> web.Response:
            async with request.app[POOL_KEY].acquire() as conn:
                total = await conn.fetchval("SELECT count(*) FROM scoring.results")
            return json_response({"count": total})

        install(app, baseline)
        runner = web.AppRunner(app, access_log=None)
        t0 = time.perf_counter()
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        engine = app[ENGINE_KEY]
        engine.auto_calibrate = False  # calibrated below, timed, before the steady-state measurements
        await engine.current()
        cold = time.perf_counter() - t0
        t_cal = time.perf_counter()
        calibration = await engine.calibrate(force=True)
        assert calibration.status == "calibrated", calibration.detail
        calibrate_s = time.perf_counter() - t_cal
        base = f"http://127.0.0.1:{port}"
        token, _ = issue_user_token(settings, str(uuid.uuid4()), "admin", "bench")
        headers = {"Authorization": f"Bearer {token}"}
        reps = 30 if args.quick else args.requests
        cases = {
            "baseline: SELECT count(*) FROM scoring.results": (f"{base}/bench/count?x=1", False),
            "baseline: GET /healthz (SELECT 1 on the pool)": (f"{base}/healthz?x=1", False),
            "GET /api/stats/pass-rates?group_by=week (cached)": (
                f"{base}/api/stats/pass-rates?group_by=week",
                False,
            ),
            "GET /api/stats/pass-rates?group_by=week&from=… (computed)": (
                f"{base}/api/stats/pass-rates?group_by=week",
                True,
            ),
            "GET /api/stats/pass-rates?group_by=group&from=… (computed)": (
                f"{base}/api/stats/pass-rates?group_by=group",
                True,
            ),
            "GET /api/stats/scores?blueprint_id=cpc-150": (
                f"{base}/api/stats/scores?blueprint_id=cpc-150",
                False,
            ),
            "GET /api/stats/items?blueprint_id=cpc-150&min_n=30": (
                f"{base}/api/stats/items?blueprint_id=cpc-150&min_n=30",
                False,
            ),
            "GET /api/stats/items?item_id=… (one item, as the bank page)": (None, False),
            "GET /api/stats/blueprints": (f"{base}/api/stats/blueprints?x=1", False),
        }
        snapshot = await engine.current()
        one_item = snapshot.items[""][0].item_id
        cases["GET /api/stats/items?item_id=… (one item, as the bank page)"] = (
            f"{base}/api/stats/items?item_id={one_item}&min_n=0",
            False,
        )
        results: dict[str, dict[str, float]] = {}
        async with aiohttp.ClientSession() as session:
            for label, (url, vary) in cases.items():
                results[label] = stats(await timed_get(session, url, headers, reps, vary))
            # Freshness: one more cpc-150 submission, until the statistics count it.
            factory = EventFactory(bank, blueprint_counts("cpc-150"), blueprint_id="cpc-150", blueprint_name="cpc-150")
            ev = factory.event(np.random.default_rng(2), 0.0)
            service = issue_service_token(settings)
            t_post = time.perf_counter()
            await post_events(session, base, service, [ev], signing_key=EVENT_KEY)
            while True:
                async with session.get(f"{base}/api/stats/blueprints", headers=headers) as resp:
                    body = await resp.json()
                if body["n_attempts"] > n:
                    break
                await asyncio.sleep(0.05)
            freshness = time.perf_counter() - t_post
        recompute = engine.last_compute_seconds
        await runner.cleanup()
    base_med = results["baseline: SELECT count(*) FROM scoring.results"]["median_ms"]
    base_p99 = results["baseline: SELECT count(*) FROM scoring.results"]["p99_ms"]
    for r in results.values():
        r["median_ratio"] = r["median_ms"] / base_med
        r["p99_ratio"] = r["p99_ms"] / base_p99
    return {
        "name": "bench_dashboard",
        "data": {
            "attempts": n,
            "bank_item_versions": 600,
            "blueprints": {"cpc-150": 0.7, "cpc-100": 0.3},
            "requests_per_endpoint": reps,
            "seed": args.seed,
            "quick": args.quick,
        },
        "setup": {**loaded, "cold_start_statistics_s": cold, "calibration_s": calibrate_s},
        "results": results,
        "freshness": {
            "refresh_interval_s": 10.0,
            "event_to_statistics_s": freshness,
            "incremental_recompute_s": recompute,
        },
        "env": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 attempts smoke run")
    ap.add_argument("--attempts", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    out = asyncio.run(run(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_dashboard.json").write_text(json.dumps(out, indent=2) + "\n")
    n = out["data"]["attempts"]
    print(f"### Dashboard latency over {n:,} stored attempts\n")
    print(
        f"Setup: generated in {out['setup']['generate_s']:.1f} s, COPY in {out['setup']['copy_s']:.1f} s; "
        "the scoring app's first statistics (load + compute) took "
        f"{out['setup']['cold_start_statistics_s']:.1f} s.\n"
    )
    print(
        f"Calibration (Rasch and 2PL on the latest 10,000 attempts x 600 item versions, stored, then EAP "
        f"abilities for all {n:,} attempts and a new snapshot): {out['setup']['calibration_s']:.1f} s. "
        "The latencies below are then measured in that steady state.\n"
    )
    print("| endpoint | median ms | p99 ms | median / baseline | p99 / baseline |")
    print("|---|---:|---:|---:|---:|")
    for label, r in out["results"].items():
        print(
            f"| {label} | {r['median_ms']:.2f} | {r['p99_ms']:.2f} | {r['median_ratio']:.2f} | {r['p99_ratio']:.2f} |"
        )
    f = out["freshness"]
    print(
        f"\nFreshness: an event POSTed to scoring was counted by the statistics after "
        f"{f['event_to_statistics_s']:.1f} s (refresh every {f['refresh_interval_s']:.0f} s; the incremental "
        f"recompute over {n:,} attempts took {f['incremental_recompute_s']:.2f} s)."
    )


if __name__ == "__main__":
    main()
