"""Classical item and test analysis (PSYCHOMETRICS.md, "Classical item analysis").

Design
------
Every per-item statistic is a function of a handful of per-item sums, and each
sum is a column of one product `A.T @ V`, where A is the 0/1 item matrix (or
the presentation mask, or an option indicator) and V stacks a few per-candidate
vectors (1, T, T^2, ...). So a whole item analysis costs a few passes over the
data however many items there are, and missing-by-design data (random forms:
each candidate sees 150 of ~600 bank items) costs nothing extra: a sum over
"the candidates who saw item j" is just `M.T @ V` instead of `V.sum(0)`.

The products are taken in row blocks so the float64 copies of uint8/int8 input
stay cache-sized instead of N x K x 8 bytes.

Results are frozen dataclasses of numpy arrays (one entry per item, or per item
and option) rather than msgspec Structs: they are computed, not decoded, and
msgspec cannot encode ndarrays anyway. The service layer turns them into wire
structs.

Conventions
-----------
* Variances and covariances use n - 1 throughout, consistently, so KR-20 and
  alpha-if-deleted equal Cronbach's alpha exactly.
* Option columns are A, B, C, ... (choice codes 0..n_options-1) then "omit"
  (choice code -1). A cell whose mask is 0 (item not presented) is ignored.
* The upper-lower index D uses Kelley's 27 % groups by total score among the
  candidates who saw the item. Candidates tied at a group boundary share the
  remaining places fractionally, so D does not depend on row order.
* With a mask, T is each candidate's own form score (raw, or the fraction
  correct with `total="percent"` when forms differ in length), and the rest
  score is T minus the item's own contribution.
* Alpha if item j is deleted, on random forms, is form-aware in the way the
  form-averaged KR-20 is (`scoring.analysis.analytics`): among the n_j candidates who
  saw j, each one's form without j has the alpha
      c_n (1 - w_n^2 (s_n - var_j) / var_R),  c_n = (k_n - 1) / (k_n - 2),
  with s_n the sum of the item variances var_i = n_i p_i q_i / (n_i - 1) over
  the candidate's own form, w_n the weight of one item in T (1, or 1 / k_n),
  and var_R the variance of the rest score among those n_j; the statistic is
  the mean of these alphas. On one form it is exactly Cronbach's alpha of the
  other K - 1 items. It costs one more pass over the mask: s = M @ var, then
  M.T @ (c w^2 s), in the same row blocks. NaN where a candidate who saw j
  sat a form of fewer than 3 items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._special import Z95

FLAG_NAMES: tuple[str, ...] = (
    "too_hard",  # p < .20 (unacceptable)
    "doubtful",  # .20 <= p < .30
    "review_difficulty",  # .90 <= p < .96
    "too_easy",  # p >= .96 (unacceptable)
    "weak_discrimination",  # corrected r_pb <= .20
    "non_functioning_distractor",  # a distractor chosen by < 5 % or with r > 0
    "possible_miskey",  # a distractor correlates with the rest score above the key
)

# Prometric's bands, made half-open so every p falls in exactly one band.
P_TOO_HARD = 0.20
P_DOUBTFUL = 0.30
P_REVIEW = 0.90
P_TOO_EASY = 0.96
R_MIN = 0.20
DISTRACTOR_MIN_SHARE = 0.05

_BLOCK_BYTES = 5 << 18  # ~1.3 MB float64 blocks: stay in L2 between convert and product


@dataclass(frozen=True, slots=True)
class ItemStats:
    """Per-item statistics; arrays of length K (or K x options, K x flags).

    NaN marks a statistic that is undefined for that item (fewer than 2
    responses, zero variance, alpha-if-deleted with a form under 3 items).
    """

    n: NDArray[np.int64]  # candidates who saw the item
    p: NDArray[np.float64]  # difficulty
    r_pb: NDArray[np.float64]  # corr(X_j, T)
    r_rest: NDArray[np.float64]  # corr(X_j, T - X_j), the corrected r_pb
    r_rest_lo: NDArray[np.float64]  # Fisher-z 95 % CI of r_rest
    r_rest_hi: NDArray[np.float64]
    d_index: NDArray[np.float64]  # p(upper 27 %) - p(lower 27 %)
    alpha_if_deleted: NDArray[np.float64]
    option_share: NDArray[np.float64] | None  # K x (n_options + 1), last column = omit
    option_r_rest: NDArray[np.float64] | None  # corr(chose option, rest score)
    keys: NDArray[np.int64] | None
    flags: NDArray[np.bool_]  # K x len(FLAG_NAMES); all False where n < min_n
    flag_names: tuple[str, ...] = FLAG_NAMES

    def flags_for(self, j: int) -> list[str]:
        return [name for name, on in zip(self.flag_names, self.flags[j], strict=True) if on]


@dataclass(frozen=True, slots=True)
class DomainStats:
    """Per content area: item count, subscore mean/SD in percent, own KR-20."""

    domain: NDArray[np.int64]
    k: NDArray[np.int64]
    mean_pct: NDArray[np.float64]
    sd_pct: NDArray[np.float64]
    kr20: NDArray[np.float64]  # NaN for a 1-item domain


@dataclass(frozen=True, slots=True)
class FormStats:
    """Test-level statistics of one fixed form.

    Named Form*, not Test*, so pytest never mistakes it for a test class.
    """

    n: int
    k: int
    mean: float
    median: float
    sd: float  # n - 1
    skewness: float  # adjusted Fisher-Pearson G1 (as SPSS / Excel)
    kurtosis: float  # excess kurtosis G2 (as SPSS / Excel)
    hist_counts: NDArray[np.int64]
    hist_edges: NDArray[np.float64]  # default: one bin per raw point, centred on it
    kr20: float
    sem: float
    cut: float  # raw cut used for the conditional SEM
    csem_cut: float  # Lord's binomial-error SEM at the cut
    domains: DomainStats | None


# ---------------------------------------------------------------- helpers


def _as01(A: ArrayLike, name: str) -> NDArray[np.uint8]:
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D N x K matrix")
    if A.dtype == np.bool_:
        return A.view(np.uint8)
    if A.dtype == np.uint8:
        if A.size and A.max() > 1:
            raise ValueError(f"{name} must be 0/1")
        return A
    out = A != 0
    if not np.array_equal(out, A == 1):
        raise ValueError(f"{name} must be 0/1")
    return out.view(np.uint8)


def _block_rows(cols: int) -> int:
    return max(64, _BLOCK_BYTES // (8 * max(cols, 1)))


def _fisher_ci(r: NDArray[np.float64], n: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.arctanh(r)
        half = Z95 / np.sqrt(n - 3.0)
        ok = n > 3
        lo = np.where(ok, np.tanh(z - half), np.nan)
        hi = np.where(ok, np.tanh(z + half), np.nan)
    return lo, hi


def _group_weights(T: NDArray[np.float64], frac: float) -> tuple[NDArray, NDArray, float]:
    """Kelley's upper and lower 27 % as per-candidate weights (one form, no mask).

    Weights are 1 inside a group, 0 outside, and a shared fraction for the
    candidates tied at the boundary score, so X.T @ weights gives each item's
    count correct in the group in the same matrix product as everything else.
    """
    values, counts = np.unique(T, return_counts=True)
    g = float(np.floor(frac * T.shape[0] + 0.5))

    def weights(vals: NDArray, cnts: NDArray, beyond: Callable[[Any], NDArray]) -> NDArray:
        cum = np.cumsum(cnts)
        i = int(np.argmax(cum >= g))
        share = (g - (cum[i] - cnts[i])) / cnts[i]
        return beyond(vals[i]).astype(np.float64) + share * (T == vals[i])

    lower = weights(values, counts, lambda v: T < v)
    upper = weights(values[::-1], counts[::-1], lambda v: T > v)
    return upper, lower, g


def _upper_lower_masked(
    T: NDArray[np.float64], X: NDArray[np.uint8], M: NDArray[np.uint8], frac: float
) -> NDArray[np.float64]:
    """Kelley's D per item with groups formed among the candidates who saw it.

    Each item has its own boundary, so instead of weights we tabulate, per
    distinct total score, how many saw / answered each item (sort once, one
    reduceat per matrix) and search the boundary in that small U x K table.
    """
    values, inv = np.unique(T, return_inverse=True)
    inv = inv.reshape(-1)
    order = np.argsort(inv, kind="stable")
    starts = np.searchsorted(inv[order], np.arange(values.shape[0]))
    correct = np.add.reduceat(X[order], starts, axis=0, dtype=np.int64)  # U x K
    seen = np.add.reduceat(M[order], starts, axis=0, dtype=np.int64)
    g = np.floor(frac * seen.sum(axis=0) + 0.5).astype(np.float64)

    def group_p(cnt: NDArray, cor: NDArray) -> NDArray:
        cum_n = np.cumsum(cnt, axis=0)
        cum_c = np.cumsum(cor, axis=0)
        idx = np.argmax(cum_n >= g[None, :], axis=0)[None, :]  # boundary score value
        n_at = np.take_along_axis(cnt, idx, 0)[0]
        c_at = np.take_along_axis(cor, idx, 0)[0]
        n_before = np.take_along_axis(cum_n, idx, 0)[0] - n_at
        c_before = np.take_along_axis(cum_c, idx, 0)[0] - c_at
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(n_at > 0, (g - n_before) / n_at, 0.0)
            return (c_before + share * c_at) / g

    lower = group_p(seen, correct)
    upper = group_p(seen[::-1], correct[::-1])
    with np.errstate(invalid="ignore"):
        return np.where(g > 0, upper - lower, np.nan)


def _alpha_if_deleted(
    Mu: NDArray[np.uint8] | None,
    var_x: NDArray[np.float64],
    var_R: NDArray[np.float64],
    n: NDArray[np.float64],
    w: NDArray[np.float64],
    cw2: NDArray[np.float64],
    SE: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Mean over the candidates who saw j of their form's alpha without j (module docstring)."""
    K = var_x.shape[0]
    var_i = np.where(n > 1, np.nan_to_num(var_x), 0.0)  # as the form-averaged KR-20
    if Mu is None:
        if K < 3:
            return np.full(K, np.nan)
        c = (K - 1.0) / (K - 2.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            w0 = float(w[0]) if w.size else 1.0
            return c * (1.0 - w0 * w0 * (var_i.sum() - var_i) / var_R)
    sum_cw2s = np.zeros(K)  # sum over the candidates who saw j of c_n w_n^2 s_n
    rows = _block_rows(K)
    for lo in range(0, Mu.shape[0], rows):
        hi = min(lo + rows, Mu.shape[0])
        Mb = Mu[lo:hi].astype(np.float64)
        sum_cw2s += Mb.T @ (cw2[lo:hi] * (Mb @ var_i))
    sum_c, sum_cw2, n_short = SE[:, 0], SE[:, 1], SE[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (sum_c - (sum_cw2s - var_i * sum_cw2) / var_R) / n
    return np.where(n_short > 0, np.nan, alpha)


# ---------------------------------------------------------------- item analysis


def _empty_item_stats(K: int, n_options: int, keys: ArrayLike | None) -> ItemStats:
    """No candidates: every statistic undefined (NaN), no flags."""
    nan = np.full(K, np.nan)
    with_options = keys is not None
    return ItemStats(
        n=np.zeros(K, dtype=np.int64),
        p=nan.copy(),
        r_pb=nan.copy(),
        r_rest=nan.copy(),
        r_rest_lo=nan.copy(),
        r_rest_hi=nan.copy(),
        d_index=nan.copy(),
        alpha_if_deleted=nan.copy(),
        option_share=np.full((K, n_options + 1), np.nan) if with_options else None,
        option_r_rest=np.full((K, n_options + 1), np.nan) if with_options else None,
        keys=np.asarray(keys, dtype=np.int64).reshape(-1) if with_options else None,
        flags=np.zeros((K, len(FLAG_NAMES)), dtype=bool),
    )


def item_analysis(
    X: ArrayLike,
    choices: ArrayLike | None = None,
    keys: ArrayLike | None = None,
    *,
    mask: ArrayLike | None = None,
    total: Literal["raw", "percent"] = "raw",
    n_options: int = 4,
    min_n: int = 30,
    group_frac: float = 0.27,
) -> ItemStats:
    """Full classical item analysis of an N x K 0/1 matrix.

    X: item scores (bool/uint8/float 0/1). For random forms pass the N x K bank
    matrix and `mask` (1 where the item was presented); X is ignored outside
    the mask. choices/keys (both or neither): int8 N x K with 0..n_options-1 or
    -1 for omitted, and the K keys. X must equal (choices == keys) where
    presented: totals come from X, item sums from the choices, and the two
    are checked to agree item by item.
    """
    Xu = _as01(X, "X")
    N, K = Xu.shape
    if N == 0:
        return _empty_item_stats(K, n_options, keys if choices is not None else None)
    Mu: NDArray[np.uint8] | None = None
    if mask is not None:
        Mu = _as01(mask, "mask")
        if Mu.shape != Xu.shape:
            raise ValueError("mask must have the shape of X")
        if Mu.all():
            Mu = None
        else:
            Xu = Xu & Mu
    if (choices is None) != (keys is None):
        raise ValueError("pass choices and keys together")
    C8: NDArray[np.int8] | None = None
    key_arr: NDArray[np.int64] | None = None
    if choices is not None:
        C8 = np.asarray(choices, dtype=np.int8)
        key_arr = np.asarray(keys, dtype=np.int64).reshape(-1)
        if C8.shape != Xu.shape or key_arr.shape != (K,):
            raise ValueError("choices must be N x K and keys length K")
        if key_arr.size and (key_arr.min() < 0 or key_arr.max() >= n_options):
            raise ValueError("keys must be option codes 0..n_options-1")
        if C8.size and (C8.max() >= n_options or C8.min() < -1):
            raise ValueError("choice codes must be -1 (omit) or 0..n_options-1")

    raw = Xu.sum(axis=1, dtype=np.int64).astype(np.float64)
    k_n = np.full(N, float(K)) if Mu is None else Mu.sum(axis=1, dtype=np.int64).astype(np.float64)
    if total == "raw":
        T, w = raw, np.ones(N)
    elif total == "percent":
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(k_n > 0, 1.0 / k_n, 0.0)
            # raw / k, not raw * (1 / k): equal fractions (9/150, 6/100) must be equal totals,
            # or candidates tied at a 27 % boundary would not share it.
            T = np.where(k_n > 0, raw / k_n, 0.0)
    else:
        raise ValueError("total must be 'raw' or 'percent'")

    # Per-candidate vectors whose item-wise sums give every moment we need;
    # on one form the 27 % group weights ride along as two more columns.
    cols = [np.ones(N), T, T * T, w, w * w, T * w]
    if Mu is None:
        upper_w, lower_w, g = _group_weights(T, group_frac)
        cols += [upper_w, lower_w]
    V = np.column_stack(cols)
    m = V.shape[1]
    SM = V.sum(axis=0)[None, :] if Mu is None else np.zeros((K, m))  # M.T @ V
    # Alpha-if-deleted on random forms: per candidate c_n, c_n w_n^2 and
    # "form under 3 items", summed over the candidates who saw each item.
    short = k_n < 3.0
    with np.errstate(divide="ignore", invalid="ignore"):
        c_n = np.where(short, 0.0, (k_n - 1.0) / (k_n - 2.0))
    cw2 = c_n * w * w
    E = np.column_stack([c_n, cw2, short.astype(np.float64)]) if Mu is not None else None
    SE = np.zeros((K, 3))  # M.T @ E
    SX = np.zeros((K, m))  # X.T @ V (from X, or from the key's indicator)
    SO = np.zeros((n_options, K, m)) if C8 is not None else None  # per option code

    rows = _block_rows(K)
    for lo in range(0, N, rows):
        hi = min(lo + rows, N)
        Vb = V[lo:hi]
        if Mu is not None and E is not None:
            Mb = Mu[lo:hi].T.astype(np.float64)
            SM += Mb @ Vb
            SE += Mb @ E[lo:hi]
        if C8 is None or SO is None:
            SX += Xu[lo:hi].T.astype(np.float64) @ Vb
            continue
        cb = C8[lo:hi]
        if Mu is not None:
            cb = np.where(Mu[lo:hi].astype(bool), cb, np.int8(-2))  # -2 matches no code
        for code in range(n_options):
            SO[code] += (cb == code).T.astype(np.float64) @ Vb

    n_options_cols = n_options + 1
    share = opt_r = None
    if SO is not None and key_arr is not None:
        items = np.arange(K)
        SX = SO[key_arr, items]
        if not np.array_equal(SX[:, 0], Xu.sum(axis=0, dtype=np.int64).astype(np.float64)):
            raise ValueError("X disagrees with choices == keys")
        # Options and omission partition the presented cells, so the omission
        # sums are what the options leave over: one product fewer per block,
        # and exact for counts and raw totals (integer-valued float sums).
        omit = np.broadcast_to(SM, (K, m)) - SO.sum(axis=0)
        cnt = np.concatenate([SO[:, :, 0].T, omit[:, :1]], axis=1)  # K x (n_options + 1)
        sumT = np.concatenate([SO[:, :, 1].T, omit[:, 1:2]], axis=1)

    n = np.broadcast_to(SM[:, 0], (K,)).copy()
    sT, sTT = np.broadcast_to(SM[:, 1], (K,)), np.broadcast_to(SM[:, 2], (K,))
    sx, sxT, sxw, sxw2, sxTw = SX[:, 0], SX[:, 1], SX[:, 3], SX[:, 4], SX[:, 5]

    p, var_x, var_R, r_pb, r_rest = correlations_from_sums(n, sT, sTT, sx, sxT, sxw, sxw2, sxTw)
    with np.errstate(divide="ignore", invalid="ignore"):
        dof, mT = n - 1.0, sT / n
    r_lo, r_hi = _fisher_ci(r_rest, n)

    alpha_del = _alpha_if_deleted(Mu, var_x, var_R, n, w, cw2, SE)

    if Mu is None:
        d_index = (SX[:, 6] - SX[:, 7]) / g if g > 0 else np.full(K, np.nan)
    else:
        d_index = _upper_lower_masked(T, Xu, Mu, group_frac)

    nfd = np.zeros(K, dtype=bool)
    miskey = np.zeros(K, dtype=bool)
    if SO is not None and key_arr is not None:
        rows_k = np.arange(K)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = cnt / n[:, None]
            cov_dT = (sumT - cnt * mT[:, None]) / dof[:, None]
            # A distractor or omission implies X_j = 0, so sum(D * w * X_j) = 0.
            cov_dwx = -cnt * (sxw / n)[:, None] / dof[:, None]
            var_d = cnt * (1.0 - share) / dof[:, None]
            opt_r = (cov_dT - cov_dwx) / np.sqrt(var_d * var_R[:, None])
            opt_r = np.where(cnt > 0, opt_r, np.nan)
        opt_r[rows_k, key_arr] = r_rest
        is_distractor = np.ones((K, n_options_cols), dtype=bool)
        is_distractor[rows_k, key_arr] = False
        is_distractor[:, n_options] = False  # omission is not a distractor
        with np.errstate(invalid="ignore"):
            weak = (share < DISTRACTOR_MIN_SHARE) | (opt_r > 0.0)
            nfd = (weak & is_distractor).any(axis=1)
            best_distractor = np.where(is_distractor & ~np.isnan(opt_r), opt_r, -np.inf).max(axis=1)
            miskey = best_distractor > np.nan_to_num(r_rest, nan=-np.inf)

    with np.errstate(invalid="ignore"):
        flags = np.column_stack(
            [
                p < P_TOO_HARD,
                (p >= P_TOO_HARD) & (p < P_DOUBTFUL),
                (p >= P_REVIEW) & (p < P_TOO_EASY),
                p >= P_TOO_EASY,
                r_rest <= R_MIN,
                nfd,
                miskey,
            ]
        )
    flags &= (n >= min_n)[:, None]

    return ItemStats(
        n=n.astype(np.int64),
        p=p,
        r_pb=r_pb,
        r_rest=r_rest,
        r_rest_lo=r_lo,
        r_rest_hi=r_hi,
        d_index=d_index,
        alpha_if_deleted=alpha_del,
        option_share=share,
        option_r_rest=opt_r,
        keys=key_arr,
        flags=flags,
    )


# ---------------------------------------------------------------- test level


def kr20(X: ArrayLike) -> float:
    """KR-20 = k/(k-1) (1 - sum var_j / var_T), all variances with n - 1."""
    Xu = _as01(X, "X")
    N, K = Xu.shape
    if K < 2 or N < 2:
        return float("nan")
    sx = Xu.sum(axis=0, dtype=np.int64).astype(np.float64)
    var_items = (sx * (1.0 - sx / N) / (N - 1)).sum()
    var_T = Xu.sum(axis=1, dtype=np.int64).astype(np.float64).var(ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(K / (K - 1.0) * (1.0 - var_items / var_T))


def lord_csem(x: ArrayLike, k: int) -> NDArray[np.float64]:
    """Lord's binomial-error conditional SEM at raw score x: sqrt(x (k - x) / (k - 1))."""
    x = np.asarray(x, dtype=np.float64)
    return np.sqrt(np.clip(x * (k - x), 0.0, None) / (k - 1.0))


def domain_subscores(X: ArrayLike, domains: ArrayLike, n_domains: int | None = None) -> DomainStats:
    """Mean percent and own KR-20 per content area; `domains[j]` is item j's area index."""
    Xu = _as01(X, "X")
    N, K = Xu.shape
    dom = np.asarray(domains, dtype=np.int64).reshape(-1)
    if dom.shape != (K,) or (K and dom.min() < 0):
        raise ValueError("domains must give a non-negative area index per column")
    D = int(dom.max()) + 1 if n_domains is None else n_domains
    E = np.zeros((K, D))
    E[np.arange(K), dom] = 1.0
    S = Xu @ E  # N x D subscores, one matrix product
    k_d = np.bincount(dom, minlength=D).astype(np.int64)
    sx = Xu.sum(axis=0, dtype=np.int64).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        item_var = sx * (1.0 - sx / N) / (N - 1)
        sum_var = np.bincount(dom, weights=item_var, minlength=D)
        var_S = S.var(axis=0, ddof=1) if N > 1 else np.full(D, np.nan)
        kr = np.where(k_d > 1, k_d / (k_d - 1.0) * (1.0 - sum_var / var_S), np.nan)
        mean_pct = 100.0 * S.mean(axis=0) / k_d
        sd_pct = 100.0 * np.sqrt(var_S) / k_d
    return DomainStats(domain=np.arange(D), k=k_d, mean_pct=mean_pct, sd_pct=sd_pct, kr20=kr)


def _moments(T: NDArray[np.float64]) -> tuple[float, float, float, float]:
    n = T.shape[0]
    mean = float(T.mean())
    dev = T - mean
    m2, m3, m4 = (dev**2).mean(), (dev**3).mean(), (dev**4).mean()
    sd = float(np.sqrt(m2 * n / (n - 1))) if n > 1 else float("nan")
    return (mean, sd, *shape_moments(n, m2, m3, m4))


def shape_moments(n: int, m2: float, m3: float, m4: float) -> tuple[float, float]:
    """Adjusted skewness G1 (defined from n = 3) and excess kurtosis G2 (from n = 4), as SPSS,
    from the central moments m2, m3, m4 (means of dev**2, dev**3, dev**4)."""
    if n < 3 or m2 == 0.0:
        return float("nan"), float("nan")
    skew = float(np.sqrt(n * (n - 1.0)) / (n - 2.0) * (m3 / m2**1.5))
    if n < 4:
        return skew, float("nan")
    g2 = m4 / m2**2 - 3.0
    kurt = float((n - 1.0) / ((n - 2.0) * (n - 3.0)) * ((n + 1.0) * g2 + 6.0))
    return skew, kurt


def form_stats(
    X: ArrayLike,
    *,
    cut: float | None = None,
    bins: int | ArrayLike | None = None,
    domains: ArrayLike | None = None,
) -> FormStats:
    """Score distribution and reliability of one fixed form.

    `cut` is the raw cut score for Lord's conditional SEM (default 70 % of k).
    `bins`: None for one bin per raw point (0..k), else as np.histogram.
    """
    Xu = _as01(X, "X")
    N, K = Xu.shape
    T = Xu.sum(axis=1, dtype=np.int64).astype(np.float64)
    mean, sd, skew, kurt = _moments(T)
    if bins is None:
        counts = np.bincount(T.astype(np.int64), minlength=K + 1).astype(np.int64)
        edges = np.arange(K + 2) - 0.5
    else:
        c, edges = np.histogram(T, bins=bins)
        counts = c.astype(np.int64)
    rel = kr20(Xu)
    cut_raw = 0.7 * K if cut is None else float(cut)
    return FormStats(
        n=N,
        k=K,
        mean=mean,
        median=float(np.median(T)),
        sd=sd,
        skewness=skew,
        kurtosis=kurt,
        hist_counts=counts,
        hist_edges=edges.astype(np.float64),
        kr20=rel,
        sem=float(sd * np.sqrt(1.0 - rel)) if rel <= 1.0 else float("nan"),
        cut=cut_raw,
        csem_cut=float(lord_csem(cut_raw, K)),
        domains=None if domains is None else domain_subscores(Xu, domains),
    )


def correlations_from_sums(n, sT, sTT, sx, sxT, sxw, sxw2, sxTw):
    """(p, var_x, var_R, r_pb, r_rest) per item from its sums over the candidates who saw it:
    n, sum T, sum T^2, sum x, sum xT, sum xw, sum (xw)^2, sum xTw (rest score R = T - w x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = n - 1.0
        p = sx / n
        q = 1.0 - p
        mT = sT / n
        var_x = sx * q / dof
        var_T = (sTT - sT * mT) / dof
        cov_xT = (sxT - sx * mT) / dof
        # An item everyone (or no one) answered right has no variance: its correlations are
        # undefined. Rounding can leave var_x a hair above zero, so test the counts, not var_x.
        varies = (sx > 0) & (sx < n)
        r_pb = np.where(varies & (var_T > 0), cov_xT / np.sqrt(var_x * var_T), np.nan)
        cov_x_wx = sxw * q / dof
        var_wx = (sxw2 - sxw * sxw / n) / dof
        cov_T_wx = (sxTw - mT * sxw) / dof
        var_R = var_T + var_wx - 2.0 * cov_T_wx
        r_rest = np.where(varies & (var_R > 0), (cov_xT - cov_x_wx) / np.sqrt(var_x * var_R), np.nan)
    return p, var_x, var_R, r_pb, r_rest
