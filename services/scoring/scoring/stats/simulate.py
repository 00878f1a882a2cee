"""Simulated 2PL response data, for recovery tests and benchmarks.

Everything takes a seeded `numpy.random.Generator` so a failing recovery test
reproduces exactly. Large matrices are generated in row blocks so simulating
100,000 candidates does not need several N x K float64 temporaries at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

_BLOCK_ROWS = 16_384


@dataclass(frozen=True, slots=True)
class SimData:
    """True parameters and the data drawn from them.

    X is uint8 N x K, zero wherever `mask` is zero; `mask` is None for a single
    fixed form (every candidate saw every item).
    """

    a: NDArray[np.float64]
    b: NDArray[np.float64]
    theta: NDArray[np.float64]
    X: NDArray[np.uint8]
    mask: NDArray[np.uint8] | None


def item_params(
    rng: np.random.Generator, k: int, *, a_sigma: float = 0.25, b_mean: float = 0.0, b_sd: float = 1.0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """a ~ lognormal(0, a_sigma) (median 1), b ~ N(b_mean, b_sd)."""
    a = rng.lognormal(0.0, a_sigma, size=k)
    b = rng.normal(b_mean, b_sd, size=k)
    return a, b


def abilities(rng: np.random.Generator, n: int, *, mean: float = 0.0, sd: float = 1.0) -> NDArray[np.float64]:
    return rng.normal(mean, sd, size=n)


def responses(
    rng: np.random.Generator,
    theta: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    mask: NDArray[np.uint8] | None = None,
) -> NDArray[np.uint8]:
    """0/1 responses under the 2PL, P = 1 / (1 + exp(-a (theta - b)))."""
    n, k = theta.shape[0], a.shape[0]
    X = np.empty((n, k), dtype=np.uint8)
    for lo in range(0, n, _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, n)
        z = a[None, :] * (theta[lo:hi, None] - b[None, :])
        p = 1.0 / (1.0 + np.exp(-z))
        X[lo:hi] = rng.random(p.shape) < p
    if mask is not None:
        X &= mask.astype(np.uint8, copy=False)
    return X


def random_forms(rng: np.random.Generator, n: int, bank_size: int, form_length: int) -> NDArray[np.uint8]:
    """Mask of N forms, each a uniform random `form_length`-subset of the bank.

    A uniform key per cell and argpartition picks every candidate's subset at
    once; blueprint-stratified assembly belongs to the form assembler, not here.
    """
    if not 0 < form_length <= bank_size:
        raise ValueError("form_length must be in 1..bank_size")
    mask = np.zeros((n, bank_size), dtype=np.uint8)
    for lo in range(0, n, _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, n)
        keys = rng.random((hi - lo, bank_size))
        picked = np.argpartition(keys, form_length - 1, axis=1)[:, :form_length]
        np.put_along_axis(mask[lo:hi], picked, 1, axis=1)
    return mask


def simulate_2pl(
    rng: np.random.Generator,
    n: int,
    k: int,
    *,
    form_length: int | None = None,
    a_sigma: float = 0.25,
    b_sd: float = 1.0,
) -> SimData:
    """One call for the common case: bank of k items, N candidates.

    With `form_length` each candidate sees a random subset of that many items
    (missing by design); otherwise everyone sees all k.
    """
    a, b = item_params(rng, k, a_sigma=a_sigma, b_sd=b_sd)
    theta = abilities(rng, n)
    mask = random_forms(rng, n, k, form_length) if form_length is not None else None
    X = responses(rng, theta, a, b, mask)
    return SimData(a=a, b=b, theta=theta, X=X, mask=mask)


def choices_from_responses(
    rng: np.random.Generator,
    X: NDArray[np.uint8],
    *,
    n_options: int = 4,
    omit_rate: float = 0.0,
    keys: NDArray[np.int64] | None = None,
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """Option choices consistent with X: the key when correct, else a distractor.

    Each item gets its own distractor attractiveness (Dirichlet), so some
    distractors are rarely chosen, as in real banks. A wrong answer becomes an
    omission (-1) with probability `omit_rate`. Returns (choices, keys).
    """
    n, k = X.shape
    if keys is None:
        keys = rng.integers(0, n_options, size=(k,))
    attract = rng.dirichlet(np.ones(n_options - 1), size=k)  # k x (n_options-1)
    cum = np.cumsum(attract, axis=1)
    cum[:, -1] = 1.0
    choices = np.empty((n, k), dtype=np.int8)
    for lo in range(0, n, _BLOCK_ROWS):
        hi = min(lo + _BLOCK_ROWS, n)
        u = rng.random((hi - lo, k))
        # index of the distractor among the n_options-1 non-key options
        rank = (u[:, :, None] > cum[None, :, :]).sum(axis=2)
        distractor = rank + (rank >= keys[None, :])  # skip over the key
        ch = np.where(X[lo:hi].astype(bool), keys[None, :], distractor)
        if omit_rate > 0.0:
            omit = (rng.random((hi - lo, k)) < omit_rate) & ~X[lo:hi].astype(bool)
            ch = np.where(omit, -1, ch)
        choices[lo:hi] = ch
    return choices, keys.astype(np.int64)
