"""Code book search latency: the ICD-10-CM index in process and through the real item-bank app over HTTP.

    python bench/bench_codebook.py            # 2,000 requests per case
    python bench/bench_codebook.py --quick    # 300 requests per case

The index is built as the app builds it (off the event loop, once); then a mix of what candidates
type (words, a word's beginning, codes, a code prefix) is searched. In process: `Index.search`
against a plain dict lookup of one code, measured in the same run. Over HTTP (the real item-bank
app on a loopback port, a candidate's token, one request at a time with keep-alive): the search
and code-page endpoints against a bare GET of the same server's `/healthz` (a `SELECT 1` on the
database), and the code book's own `/api/codebook` (no search, no database) beside it.
Prints a markdown table and writes bench/results/bench_codebook.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
for sub in ("", "services/item-bank", "services/exam-delivery", "services/scoring"):
    sys.path.insert(0, str(ROOT / sub))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from item_bank.app import create_app  # noqa: E402
from item_bank.codebook import icd  # noqa: E402
from item_bank.codebook.handlers import INDEX_KEY  # noqa: E402
from mockcert.sandbox import create_database, free_port, postgres_server  # noqa: E402
from shared.auth import issue_user_token  # noqa: E402
from shared.settings import Settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
WORDS = ["type 2 diabetes", "fracture of radius", "otitis media", "hypertension", "pneumonia", "sprain of ankle",
         "high blood pressure", "copd", "diab", "kidney stone", "colles fracture", "sepsis"]
CODES = ["E11.9", "e119", "S52.5", "T40.2X5A", "S72.001A", "I10", "J45"]
DETAIL = ["E11.9", "S52.501", "S72.001A", "I10", "J45.909"]


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return {"p50_ms": 1e3 * statistics.median(ordered), "p95_ms": 1e3 * pct(0.95), "n": len(ordered)}


def timed_sync(fn: Callable[[], Any], n: int, warmup: int = 50) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


async def timed(fn: Callable[[], Awaitable[Any]], n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        await fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        await fn()
        out.append(time.perf_counter() - t0)
    return out


def cycle(values: list[str], seed: int) -> Callable[[], str]:
    rng = random.Random(seed)
    return lambda: rng.choice(values)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with postgres_server("mockcert-bench-codebook-") as base_url:
        return await measure(await create_database(base_url, "bench_codebook"), args)


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    settings = Settings(service="item-bank", port=port, database_url=url, mode="production",
                        jwt_secret="bench-jwt-secret-" + "x" * 32, service_secret="bench-service-secret-" + "y" * 32,
                        db_pool_min=1, db_pool_max=4)
    app = create_app(settings)
    runner = web.AppRunner(app, access_log=None)
    t0 = time.perf_counter()
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    index: icd.Index = await app[INDEX_KEY]
    build_s = time.perf_counter() - t0
    n = args.requests
    results: dict[str, dict[str, float]] = {}
    try:
        # In process.
        one = index.entries
        results["in process: baseline, dict lookup of one code"] = summary(timed_sync(lambda: one["E11.9"], n))
        word = cycle(WORDS, 1)
        results["in process: search, words"] = summary(timed_sync(lambda: index.search(word(), 20), n))
        code = cycle(CODES, 2)
        results["in process: search, codes and prefixes"] = summary(timed_sync(lambda: index.search(code(), 20), n))

        # Over HTTP.
        token, _ = issue_user_token(settings, str(uuid.uuid4()), "candidate", "bench")
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:

            def get(path_fn: Callable[[], str]) -> Callable[[], Awaitable[None]]:
                async def call() -> None:
                    async with http.get(base + path_fn()) as resp:
                        assert resp.status == 200, await resp.text()
                        await resp.read()

                return call

            results["HTTP: baseline, GET /healthz (reads the database)"] = summary(
                await timed(get(lambda: "/healthz"), n))
            results["HTTP: baseline, GET /api/codebook (no search)"] = summary(
                await timed(get(lambda: "/api/codebook"), n))
            word = cycle(WORDS, 3)
            results["HTTP: ICD-10-CM search, words"] = summary(await timed(
                get(lambda: f"/api/codebook/icd10cm/search?q={quote(word())}"), n))
            code = cycle(CODES, 4)
            results["HTTP: ICD-10-CM search, codes and prefixes"] = summary(await timed(
                get(lambda: f"/api/codebook/icd10cm/search?q={quote(code())}"), n))
            detail = cycle(DETAIL, 5)
            results["HTTP: ICD-10-CM code page (notes, 7th characters)"] = summary(await timed(
                get(lambda: f"/api/codebook/icd10cm/codes/{detail()}"), n))
            hq = cycle(["injection", "J34", "wheelchair", "oxygen", "E0601"], 6)
            results["HTTP: HCPCS search"] = summary(await timed(
                get(lambda: f"/api/codebook/hcpcs/search?q={quote(hq())}"), n))
    finally:
        await runner.cleanup()
    return {"build_seconds": build_s, "codes": len(index.entries), "load_average": os.getloadavg()[0],
            "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 requests per case instead of 2,000")
    ap.add_argument("--requests", type=int, default=None)
    args = ap.parse_args()
    if args.requests is None:
        args.requests = 300 if args.quick else 2000
    out = asyncio.run(run(args))
    res = out["results"]
    in_base = res["in process: baseline, dict lookup of one code"]["p50_ms"]
    http_base = res["HTTP: baseline, GET /healthz (reads the database)"]["p50_ms"]
    print(f"### Code book search, {out['codes']:,} ICD-10-CM codes, {args.requests} sequential calls per case\n")
    print(f"(app start to index ready: {out['build_seconds']:.1f} s, off the event loop; "
          "a mix of queries per case, drawn at random)\n")
    print(f"(load average during the run: {out['load_average']:.1f} on {os.cpu_count()} cores; "
          "p95 includes the waits of a busy machine, p50 much less)\n")
    bare = res["HTTP: baseline, GET /api/codebook (no search)"]["p50_ms"]
    print("| case | p50 (µs) | p95 (µs) | p50 / its baseline | p50 / GET /api/codebook |")
    print("|---|---:|---:|---:|---:|")
    for name, r in res.items():
        local = name.startswith("in process")
        ratio = r["p50_ms"] / (in_base if local else http_base)
        beside = "" if local else f"{r['p50_ms'] / bare:,.1f}x"
        print(f"| {name} | {1e3 * r['p50_ms']:,.1f} | {1e3 * r['p95_ms']:,.1f} | {ratio:,.1f}x | {beside} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"benchmark": "bench_codebook", "quick": args.quick, "requests_per_case": args.requests,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}, **out}
    (RESULTS / "bench_codebook.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"\nwrote {RESULTS / 'bench_codebook.json'}")


if __name__ == "__main__":
    main()
