"""Full classical item analysis on 100,000 x 150 responses with option choices.

    python bench/bench_item_analysis.py            # 100,000 x 150
    python bench/bench_item_analysis.py --quick    # 10,000 x 150 smoke run

Baselines in the same run, on the same data: one Gram product X.T @ X (float64,
conversion included, since our input is uint8 too) and np.corrcoef of the item
matrix. Prints a markdown table and writes bench/results/bench_item_analysis.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scoring.stats import classical as cl
from scoring.stats import simulate as sim

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm-up: page faults, BLAS thread start
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(times: list[float]) -> dict[str, float]:
    arr = np.asarray(times)
    return {"median_s": float(np.median(arr)), "p99_s": float(np.percentile(arr, 99)), "runs": len(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 x 150 smoke run")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    n, k = (10_000, 150) if args.quick else (100_000, 150)

    rng = np.random.default_rng(args.seed)
    d = sim.simulate_2pl(rng, n, k)
    choices, keys = sim.choices_from_responses(rng, d.X, omit_rate=0.02)
    X = d.X

    cases: dict[str, Callable[[], object]] = {
        "item_analysis (X, choices, keys)": lambda: cl.item_analysis(X, choices, keys),
        "item_analysis (X only)": lambda: cl.item_analysis(X),
        "form_stats (KR-20, moments, histogram)": lambda: cl.form_stats(X),
        "baseline: X.T @ X (float64)": lambda: (lambda f: f.T @ f)(X.astype(np.float64)),
        "baseline: np.corrcoef(X)": lambda: np.corrcoef(X, rowvar=False),
    }
    res = {name: summary(timed(fn, args.repeats)) for name, fn in cases.items()}
    full = res["item_analysis (X, choices, keys)"]["median_s"]
    gram = res["baseline: X.T @ X (float64)"]["median_s"]
    corr = res["baseline: np.corrcoef(X)"]["median_s"]

    print(f"### Classical item analysis, {n:,} x {k}, 4 options + omit ({args.repeats} runs each)\n")
    print("| computation | median (ms) | p99 (ms) | / X.T@X | / corrcoef |")
    print("|---|---:|---:|---:|---:|")
    for name, r in res.items():
        print(
            f"| {name} | {1e3 * r['median_s']:.1f} | {1e3 * r['p99_s']:.1f} "
            f"| {r['median_s'] / gram:.2f} | {r['median_s'] / corr:.2f} |"
        )
    print(f"\nfull analysis / X.T@X: {full / gram:.2f}x; full analysis / corrcoef: {full / corr:.2f}x")
    print("(p99 of a handful of runs is close to the max; read it as 'worst seen')")

    out = {
        "name": "bench_item_analysis",
        "data": {"candidates": n, "items": k, "seed": args.seed, "quick": args.quick, "repeats": args.repeats},
        "results": res,
        "ratio_full_over_gram": full / gram,
        "ratio_full_over_corrcoef": full / corr,
        "env": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_item_analysis.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
