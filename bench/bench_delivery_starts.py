"""Start storm: 1,000 candidates press Start in the same second (cpc-150, 2,000-item bank).

    python bench/bench_delivery_starts.py            # 1,000 starts
    python bench/bench_delivery_starts.py --quick    # 300 starts

The service runs as a real process (`python -m exam_delivery`, production
mode); every candidate's POST /api/attempts is sent at once over its own
connection (no client-side queue): each start reads the candidate's context
(one query), assembles a form from the in-memory pool and writes the attempt
with its form (one statement). Baseline in the same run, same client: a bare
aiohttp + asyncpg endpoint that only inserts an attempt row with a prebuilt
150-item form (no auth, no context query, no assembly). Afterwards the
database is checked: one attempt per candidate, 150 distinct items each.
Prints a markdown table and writes bench/results/bench_delivery_starts.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import aiohttp
import asyncpg
import delivery_harness as hx
import numpy as np


async def storm(requests: list[tuple[str, dict[str, str], bytes]]) -> dict[str, float]:
    connector = aiohttp.TCPConnector(limit=0)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        gate = asyncio.Event()

        async def one(url: str, headers: dict[str, str], body: bytes) -> None:
            await gate.wait()
            t0 = time.perf_counter()
            try:
                async with session.post(url, headers=headers, data=body) as resp:
                    await resp.read()
                    status = resp.status
            except aiohttp.ClientError:
                status = 0
            latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1

        tasks = [asyncio.create_task(one(*r)) for r in requests]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - started
    lat = np.asarray(latencies) * 1000
    return {
        "starts": len(requests),
        "wall_s": wall,
        "starts_per_s": len(requests) / wall,
        "p50_ms": float(np.percentile(lat, 50)),
        "p99_ms": float(np.percentile(lat, 99)),
        "max_ms": float(lat.max()),
        "statuses": {str(k): v for k, v in statuses.items()},
    }


async def run(n: int) -> dict[str, object]:
    logs = Path(tempfile.mkdtemp(prefix="mockcert-bench-starts-"))
    async with hx.fresh_database() as url:
        await hx.prepare_delivery_database(url, bank_size=2000)
        service = hx.delivery_process(url, logs / "delivery.log")
        bare = hx.bare_process(url, logs / "bare.log", reset=True)
        for p in (service, bare):
            await p.start()
        try:
            candidates = await hx.make_candidates(url, n)
            body = json.dumps({"blueprint_id": "cpc-150"}).encode()
            service_requests = [
                (
                    f"{service.url}/api/attempts",
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body,
                )
                for _, token in candidates
            ]
            bare_requests = [(f"{bare.url}/starts", {"Content-Type": "application/json"}, b"{}")] * n
            results = {"bare endpoint: insert a prebuilt form": await storm(bare_requests)}
            await asyncio.sleep(1.0)
            results["exam-delivery POST /api/attempts"] = await storm(service_requests)
            conn = await asyncpg.connect(url)
            try:
                check = await conn.fetchrow(
                    "SELECT count(*) AS attempts, count(DISTINCT candidate_id) AS candidates,"
                    " min(jsonb_array_length(form)) AS min_len, max(jsonb_array_length(form)) AS max_len,"
                    " bool_and((SELECT count(DISTINCT e->>'item_id')"
                    "           FROM jsonb_array_elements(form) e) = 150)"
                    "   AS distinct_items FROM delivery.attempts"
                )
            finally:
                await conn.close()
        finally:
            for p in (service, bare):
                p.stop()
    return {"results": results, "check": dict(check)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n = 300 if args.quick else 1000
    out = asyncio.run(run(n))
    res, check = out["results"], out["check"]
    assert check["attempts"] == n and check["candidates"] == n, check
    assert check["min_len"] == check["max_len"] == 150 and check["distinct_items"], check
    print(f"### Start storm: {n:,} cpc-150 attempts started at the same moment (2,000-item bank)\n")
    print("| endpoint | wall (s) | starts/s | p50 (ms) | p99 (ms) | max (ms) | statuses |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in res.items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        print(
            f"| {name} | {r['wall_s']:.2f} | {r['starts_per_s']:,.0f} | {r['p50_ms']:.0f} "
            f"| {r['p99_ms']:.0f} "
            f"| {r['max_ms']:.0f} | {statuses} |"
        )
    svc = res["exam-delivery POST /api/attempts"]
    base = res["bare endpoint: insert a prebuilt form"]
    print(
        f"\np99 start latency {svc['p99_ms']:.0f} ms "
        f"({svc['p99_ms'] / base['p99_ms']:.2f}x the bare insert's); "
        f"database check: {check['attempts']} attempts, one per candidate, 150 distinct items on every form"
    )
    hx.RESULTS.mkdir(parents=True, exist_ok=True)
    (hx.RESULTS / "bench_delivery_starts.json").write_text(
        json.dumps({"machine": hx.machine(), "starts": n, **out}, indent=2, default=str)
    )


if __name__ == "__main__":
    main()
