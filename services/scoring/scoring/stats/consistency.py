"""Classical decision consistency from one administration (PSYCHOMETRICS.md, "Pass rates").

Subkoviak's single-administration index: how often a candidate would get the
same pass/fail decision on a parallel form, estimated before any IRT
calibration exists (Rudner's index in `irt` needs one).

For each candidate, the proportion-correct true score is Kelley's regressed
estimate  tau_i = rel * x_i / k + (1 - rel) * mean(x) / k,  with rel the test's
reliability (KR-20). The chance of passing a parallel form of k items is the
binomial tail  P_i = P(X >= c | k, tau_i),  c the smallest raw score that passes
(a raw score passes when it reaches the raw cut, as grading decides). Then

    agreement  p0 = mean(P_i^2 + (1 - P_i)^2)
    chance     pc = P^2 + (1 - P)^2, with P = mean(P_i)
    kappa         = (p0 - pc) / (1 - pc)

The binomial tail is computed once per distinct raw score (at most k + 1 of
them) from log-factorials, so it costs nothing however many candidates there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

_EPS = 1e-9  # the tolerance grading uses when it compares a raw score with the raw cut


@dataclass(frozen=True, slots=True)
class DecisionConsistency:
    n: int
    agreement: float  # p0: probability of the same decision on a parallel form
    kappa: float  # agreement beyond chance
    pass_probability: float  # mean P_i: expected pass rate on a parallel form


def binomial_tail(k: int, c: int, p: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(X >= c) for X ~ Binomial(k, p), elementwise over p."""
    if c <= 0:
        return np.ones_like(p)
    if c > k:
        return np.zeros_like(p)
    j = np.arange(c, k + 1, dtype=np.float64)
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, k + 1, dtype=np.float64)))])
    log_choose = log_fact[k] - log_fact[c:] - log_fact[k - np.arange(c, k + 1)]
    pc = np.clip(p, 0.0, 1.0)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = log_choose[None, :] + j[None, :] * np.log(pc) + (k - j)[None, :] * np.log1p(-pc)
        tail = np.exp(terms).sum(axis=1)
    # p = 0 or 1 give log(0) terms: the tail is then exactly 0 or 1.
    tail = np.where(pc[:, 0] <= 0.0, 0.0, tail)
    tail = np.where(pc[:, 0] >= 1.0, 1.0, tail)
    return np.clip(tail, 0.0, 1.0)


def subkoviak(raw: ArrayLike, k: int, raw_cut: float, reliability: float) -> DecisionConsistency:
    """Subkoviak's agreement and kappa for raw scores on k-item forms with the given raw cut."""
    x = np.asarray(raw, dtype=np.float64).reshape(-1)
    n = int(x.shape[0])
    nan = float("nan")
    if n == 0 or k < 1 or not math.isfinite(reliability):
        return DecisionConsistency(n=n, agreement=nan, kappa=nan, pass_probability=nan)
    rel = min(max(reliability, 0.0), 1.0)
    c = math.ceil(raw_cut - _EPS)
    values, counts = np.unique(x, return_counts=True)
    tau = rel * values / k + (1.0 - rel) * float(x.mean()) / k
    P = binomial_tail(k, c, tau)
    w = counts / n
    p0 = float((w * (P * P + (1.0 - P) ** 2)).sum())
    mean_p = float((w * P).sum())
    pc = mean_p * mean_p + (1.0 - mean_p) ** 2
    kappa = (p0 - pc) / (1.0 - pc) if pc < 1.0 else nan
    return DecisionConsistency(n=n, agreement=p0, kappa=kappa, pass_probability=mean_p)
