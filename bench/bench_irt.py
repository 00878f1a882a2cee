"""2PL MML calibration: scoring.stats.irt vs girth.twopl_mml on the same data.

    python bench/bench_irt.py            # 10,000 x 150 (girth takes about a minute)
    python bench/bench_irt.py --quick    # 2,000 x 50 smoke run

Prints a markdown table and writes bench/results/bench_irt.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

from scoring.stats import irt
from scoring.stats import simulate as sim

RESULTS = Path(__file__).resolve().parent / "results"


def rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(x) - y) ** 2)))


def run_girth(X: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    import girth  # optional bench dependency

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # girth's integrations warn on every call
        with np.errstate(all="ignore"):
            t0 = time.perf_counter()
            est = girth.twopl_mml(X.T.astype(np.int64))  # girth wants items x candidates
            elapsed = time.perf_counter() - t0
    return elapsed, np.asarray(est["Discrimination"]), np.asarray(est["Difficulty"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 x 50 smoke run")
    ap.add_argument("--repeats", type=int, default=7, help="repeats of our calibration (girth runs once)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    n, k = (2_000, 50) if args.quick else (10_000, 150)

    d = sim.simulate_2pl(np.random.default_rng(args.seed), n, k)

    irt.calibrate(d.X, max_iter=2)  # warm-up: BLAS threads, page faults
    ours_times = []
    cal = None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        cal = irt.calibrate(d.X)
        ours_times.append(time.perf_counter() - t0)
    assert cal is not None
    ours = statistics.median(ours_times)
    girth_time, g_a, g_b = run_girth(d.X)

    result = {
        "name": "bench_irt",
        "data": {"candidates": n, "items": k, "seed": args.seed, "quick": args.quick},
        "ours": {
            "seconds_median": ours,
            "seconds_all": ours_times,
            "iterations": cal.iterations,
            "converged": cal.converged,
            "rmse_a": rmse(cal.a, d.a),
            "rmse_b": rmse(cal.b, d.b),
        },
        "girth_twopl_mml": {"seconds": girth_time, "rmse_a": rmse(g_a, d.a), "rmse_b": rmse(g_b, d.b)},
        "time_ratio_girth_over_ours": girth_time / ours,
        "env": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
    }

    print(f"### 2PL calibration, {n:,} x {k} simulated responses\n")
    print("| method | wall time (s) | RMSE a | RMSE b |")
    print("|---|---:|---:|---:|")
    o, g = result["ours"], result["girth_twopl_mml"]
    print(
        f"| scoring.stats.irt.calibrate (median of {args.repeats}, {cal.iterations} EM its) "
        f"| {ours:.3f} | {o['rmse_a']:.4f} | {o['rmse_b']:.4f} |"
    )
    print(f"| girth.twopl_mml | {girth_time:.3f} | {g['rmse_a']:.4f} | {g['rmse_b']:.4f} |")
    print(f"\ngirth / ours time ratio: {result['time_ratio_girth_over_ours']:.1f}x")

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_irt.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
