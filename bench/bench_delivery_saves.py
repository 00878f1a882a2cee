"""Answer saves through the exam-delivery service against a bare upsert endpoint.

    python bench/bench_delivery_saves.py            # 3 rounds of 10 s per case, 64 connections
    python bench/bench_delivery_saves.py --quick    # 1 round of 3 s per case

The service runs as a real process (`python -m exam_delivery`, production mode,
JSON request logs to a file), with 64 candidates each saving answers to their
own cpc-150 attempt: PUT /api/attempts/{id}/responses/{position} with a bearer
token (auth, ownership, status, deadline and part checked in the statement that
writes). Baselines in the same run, same client, same database: a bare
aiohttp + asyncpg + msgspec endpoint doing one autocommit upsert per request,
with asyncpg's Pool as it comes (reset query on release) and with the reset
replaced by a no-op (what delivery's pool does). Closed-loop asyncio aiohttp
client with bounded concurrency; the client shares the machine's 2 cores.
Prints a markdown table and writes bench/results/bench_delivery_saves.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
from pathlib import Path

import delivery_harness as hx
import msgspec

from shared.contracts import LABELS


async def run(args: argparse.Namespace) -> dict[str, object]:
    logs = Path(tempfile.mkdtemp(prefix="mockcert-bench-saves-"))
    async with hx.fresh_database() as url:
        await hx.prepare_delivery_database(url, bank_size=3 * 150)
        service = hx.delivery_process(url, logs / "delivery.log")
        bare = hx.bare_process(url, logs / "bare.log", reset=True)
        bare_nr = hx.bare_process(url, logs / "bare-noreset.log", reset=False)
        for p in (service, bare, bare_nr):
            await p.start()
        try:
            import aiohttp

            candidates = await hx.make_candidates(url, args.concurrency)
            attempts: list[tuple[str, str]] = []
            async with aiohttp.ClientSession() as session:
                for _, token in candidates:
                    async with session.post(
                        f"{service.url}/api/attempts",
                        json={"blueprint_id": "cpc-150"},
                        headers={"Authorization": f"Bearer {token}"},
                    ) as resp:
                        body = await resp.json()
                        assert resp.status == 201, body
                        attempts.append((body["id"], token))
            bodies = [msgspec.json.encode({"selected": c}) for c in LABELS]
            json_headers = {"Content-Type": "application/json"}

            def service_request(w: int, rng: random.Random) -> tuple[str, str, dict[str, str], bytes]:
                attempt, token = attempts[w]
                return (
                    "PUT",
                    f"{service.url}/api/attempts/{attempt}/responses/{rng.randint(1, 150)}",
                    {**json_headers, "Authorization": f"Bearer {token}"},
                    bodies[rng.randrange(4)],
                )

            bare_ids = [str(hx.uuid.uuid4()) for _ in range(args.concurrency)]

            def bare_request_for(base: str):  # type: ignore[no-untyped-def]
                def make(w: int, rng: random.Random) -> tuple[str, str, dict[str, str], bytes]:
                    return (
                        "PUT",
                        f"{base}/answers/{bare_ids[w]}/{rng.randint(1, 150)}",
                        json_headers,
                        bodies[rng.randrange(4)],
                    )

                return make

            cases = {
                "bare endpoint (asyncpg Pool, default reset)": bare_request_for(bare.url),
                "exam-delivery PUT /api/attempts/{id}/responses/{n}": service_request,
                "bare endpoint (asyncpg Pool, no-op reset)": bare_request_for(bare_nr.url),
            }
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
            for _ in range(args.rounds):
                for name, make in cases.items():
                    out = await hx.closed_loop(make, args.concurrency, args.seconds, args.warmup)
                    rounds[name].append(out.summary())
        finally:
            for p in (service, bare, bare_nr):
                p.stop()
    return {
        name: {
            "rps": statistics.median(r["rps"] for r in rs),
            "p50_ms": statistics.median(r["p50_ms"] for r in rs),
            "p99_ms": statistics.median(r["p99_ms"] for r in rs),
            "errors": sum(r["errors"] for r in rs),
            "rounds": rs,
        }
        for name, rs in rounds.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--concurrency", type=int, default=64)
    args = ap.parse_args()
    args.rounds, args.seconds, args.warmup = (1, 3.0, 1.0) if args.quick else (3, 10.0, 2.0)
    res = asyncio.run(run(args))
    names = list(res)
    bare, service, bare_nr = (res[n] for n in names)
    print(
        f"### Answer saves, {args.concurrency} connections, closed loop, "
        f"{args.rounds} x {args.seconds:.0f} s "
        "per case (medians over rounds)\n"
    )
    print("| endpoint | req/s | p50 (ms) | p99 (ms) | errors | throughput / bare (default Pool) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        r = res[name]
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} "
            f"| {r['rps'] / bare['rps']:.2f} |"
        )
    print(
        f"\nexam-delivery / bare (default Pool): {service['rps'] / bare['rps']:.2f}x throughput; "
        f"exam-delivery / bare (no-op reset): {service['rps'] / bare_nr['rps']:.2f}x "
        "(target: at least 0.80 of the bare endpoint)"
    )
    out = {
        "machine": hx.machine(),
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cases": res,
        "ratio_to_bare_default": service["rps"] / bare["rps"],
        "ratio_to_bare_noreset": service["rps"] / bare_nr["rps"],
    }
    hx.RESULTS.mkdir(parents=True, exist_ok=True)
    (hx.RESULTS / "bench_delivery_saves.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
