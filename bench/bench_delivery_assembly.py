"""Form assembly: cpc-150 forms per second from a 2,000-item approved bank.

    python bench/bench_delivery_assembly.py            # 20,000 forms per case
    python bench/bench_delivery_assembly.py --quick    # 3,000 forms per case

Pure in-process assembly (`exam_delivery.assembly.assemble`), one core. Cases:
exposure control over the last 200 forms (each form recorded, as the service
does), option shuffling, then with a candidate's 300 previously seen items, then
with difficulty steering. Baseline in the same run: the floor of any LOFT
assembler, a plain `random.sample` per domain (no exposure, no seen items, no
shuffle, no difficulty). Prints a markdown table and writes
bench/results/bench_delivery_assembly.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable

import delivery_harness as hx
import numpy as np

from exam_delivery.assembly import Bank, BankItem, Exposure, assemble
from shared.domains import DOMAINS

CPC150 = [(d.code, d.classic_count) for d in DOMAINS]


def make_bank(total: int, difficulty: bool, seed: int) -> Bank:
    rng = random.Random(seed)
    items = []
    for d in DOMAINS:
        for i in range(round(total * d.classic_count / 150)):
            items.append(
                BankItem(f"{d.code}-{i}", 1, d.code, rng.uniform(0.25, 0.95) if difficulty else None)
            )
    return Bank(items)


def timed(fn: Callable[[], object], n: int) -> dict[str, float]:
    for _ in range(min(200, n)):
        fn()  # warm-up
    lat = np.empty(n)
    t_start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter_ns()
        fn()
        lat[i] = time.perf_counter_ns() - t0
    wall = time.perf_counter() - t_start
    return {
        "forms": n,
        "forms_per_s": n / wall,
        "p50_us": float(np.percentile(lat, 50)) / 1000,
        "p99_us": float(np.percentile(lat, 99)) / 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--bank", type=int, default=2000)
    args = ap.parse_args()
    n = 3000 if args.quick else 20000
    plain = make_bank(args.bank, difficulty=False, seed=1)
    graded = make_bank(args.bank, difficulty=True, seed=1)
    rng = random.Random(7)
    seen = frozenset(i.item_id for i in random.Random(3).sample(plain.items, 300))
    target = graded.target_for(CPC150)

    def with_exposure(bank: Bank, **kw: object) -> Callable[[], object]:
        exposure = Exposure(200, 0.5)

        def one() -> object:
            form = assemble(bank, CPC150, rng=rng, exposure=exposure, shuffle=True, **kw)  # type: ignore[arg-type]
            exposure.record(i.item_id for i in form.items)
            return form

        return one

    def floor() -> object:
        return [rng.sample(plain.by_domain[code], k) for code, k in CPC150]

    cases = {
        "baseline: random.sample per domain": floor,
        "assemble: exposure + shuffle": with_exposure(plain),
        "assemble: + 300 seen items avoided": with_exposure(plain, seen=seen),
        "assemble: + difficulty steering": with_exposure(graded, seen=seen, target_difficulty=target),
    }
    res = {name: timed(fn, n) for name, fn in cases.items()}
    steered = [
        assemble(graded, CPC150, rng=rng, target_difficulty=target).mean_difficulty for _ in range(500)
    ]
    free = [assemble(graded, CPC150, rng=rng).mean_difficulty for _ in range(500)]
    base = res["baseline: random.sample per domain"]["forms_per_s"]
    print(f"### Form assembly, cpc-150 from a {len(plain):,}-item bank, {n:,} forms per case, one core\n")
    print("| case | forms/s | p50 (µs) | p99 (µs) | time / baseline |")
    print("|---|---:|---:|---:|---:|")
    for name, r in res.items():
        print(
            f"| {name} | {r['forms_per_s']:,.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} "
            f"| {base / r['forms_per_s']:.2f} |"
        )
    print(
        f"\nmean difficulty of 500 forms, target {target:.3f}: steered sd {np.std(steered):.4f}, "
        f"max |error| {max(abs(m - target) for m in steered):.4f}; unsteered sd {np.std(free):.4f}"
    )
    out = {
        "machine": hx.machine(),
        "bank": len(plain),
        "forms_per_case": n,
        "cases": res,
        "difficulty": {
            "target": target,
            "steered_sd": float(np.std(steered)),
            "steered_max_error": float(max(abs(m - target) for m in steered)),
            "unsteered_sd": float(np.std(free)),
        },
    }
    hx.RESULTS.mkdir(parents=True, exist_ok=True)
    (hx.RESULTS / "bench_delivery_assembly.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
