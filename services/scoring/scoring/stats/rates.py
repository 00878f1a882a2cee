"""Pass rates with Wilson intervals.

Wilson, never Wald: Wald collapses to a zero-width interval at 0/n and n/n and
undercovers badly for the small groups (a cohort, a week) a dashboard slices
into. Every rate travels with its n so a reader can judge it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._special import Z95


def wilson_interval_array(
    successes: ArrayLike, n: ArrayLike, z: float = Z95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised Wilson score interval; NaN where n == 0 (no data, no interval)."""
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if np.any(s < 0) or np.any(s > n):
        raise ValueError("successes must lie in 0..n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = p + z2 / (2.0 * n)
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
        lo = (centre - half) / denom
        hi = (centre + half) / denom
    # At 0/n and n/n the bound is exactly 0 or 1; rounding would leave 1 - 1e-16.
    lo = np.where((s == 0) & (n > 0), 0.0, np.clip(lo, 0.0, 1.0))
    hi = np.where((s == n) & (n > 0), 1.0, np.clip(hi, 0.0, 1.0))
    return lo, hi


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Scalar Wilson score interval, e.g. 8/10 -> (0.490, 0.943)."""
    lo, hi = wilson_interval_array(successes, n, z)
    return float(lo), float(hi)


@dataclass(frozen=True, slots=True)
class PassRates:
    """One row per group, in sorted order of the group labels."""

    groups: NDArray
    n: NDArray[np.int64]
    passed: NDArray[np.int64]
    rate: NDArray[np.float64]
    lo: NDArray[np.float64]
    hi: NDArray[np.float64]


def pass_rates(passed: ArrayLike, groups: ArrayLike | None = None, z: float = Z95) -> PassRates:
    """Pass rate per group (blueprint, cohort, week...) with Wilson intervals.

    `groups` is any label array np.unique can sort; None means one overall group.
    """
    passed = np.asarray(passed, dtype=bool)
    if groups is None:
        labels = np.array(["all"])
        inverse = np.zeros(passed.shape[0], dtype=np.intp)
    else:
        labels, inverse = np.unique(np.asarray(groups), return_inverse=True)
        inverse = inverse.reshape(-1)
    n = np.bincount(inverse, minlength=labels.shape[0]).astype(np.int64)
    ok = np.bincount(inverse, weights=passed, minlength=labels.shape[0]).astype(np.int64)
    lo, hi = wilson_interval_array(ok, n, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = ok / n
    return PassRates(groups=labels, n=n, passed=ok, rate=rate, lo=lo, hi=hi)
