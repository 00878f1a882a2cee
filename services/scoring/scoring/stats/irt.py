"""Rasch and 2PL calibration by marginal maximum likelihood (Bock-Aitkin EM).

Model: P_j(theta) = 1 / (1 + exp(-(a_j theta + d_j))), reported as b_j = -d_j / a_j,
with theta ~ N(0, 1) fixing the scale. The only Python loop is over EM
iterations: each E-step is two matrix products, X @ z.T (log-likelihood of
every candidate at every quadrature node; log P - log(1 - P) is just z) and
X.T @ W (expected correct counts per item and node); the M-step is one Newton
step per item, vectorised across all items as closed-form 2 x 2 solves in
(a, d), where each item's expected-count log-likelihood is concave.

Missing by design (random forms) only changes the node counts: n_jq =
M.T @ W instead of W.sum(0), and the likelihood adds M @ log(1 - P).T.

"Rasch" here is the 1PL with one common slope and a N(0, 1) prior, which is
the Rasch model with an estimated latent SD (= the common slope); pass
`rasch_a=1.0` to fix the slope instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._special import chi2_sf, norm_cdf

# Scaled score: 200 at the cut, SCALE_SLOPE points per logit. With theta ~ N(0, 1)
# a logit is about one population SD, so 40 points spans the cut +/- 2.5 SD
# within 100..300 and clipping only touches the far tails.
SCALE_CENTRE = 200.0
SCALE_SLOPE = 40.0
SCALE_MIN, SCALE_MAX = 100.0, 300.0

_FIT_GROUPS = 10
_ROW_BLOCK = 16_384


@dataclass(frozen=True, slots=True)
class Quadrature:
    points: NDArray[np.float64]
    log_weights: NDArray[np.float64]  # log of the normalised N(mean, sd) prior masses


def normal_grid(n_points: int = 41, lo: float = -6.0, hi: float = 6.0) -> Quadrature:
    """Fixed equally spaced nodes with N(0, 1) prior masses (normalised)."""
    pts = np.linspace(lo, hi, n_points)
    logw = -0.5 * pts * pts
    logw -= np.log(np.exp(logw - logw.max()).sum()) + logw.max()
    return Quadrature(points=pts, log_weights=logw)


@dataclass(frozen=True, slots=True)
class Calibration:
    """Item parameters in the a(theta - b) metric, with theta ~ N(0, 1).

    se_a/se_b come from the cross-product (OPG) of each candidate's posterior
    score, per item (cross-item covariances ignored, which is what keeps them
    cheap for a 600-item bank). Fit: infit/outfit mean squares and Yen's Q1
    chi-square over 10 ability groups, both against each response's
    probability predicted from the candidate's other responses (leave-one-item-
    out posterior); fit_p uses the Wilson-Hilferty approximation. Q1 places
    each response in its ability band (deciles of the EAPs) by the candidate's
    leave-one-out EAP too: grouping by the full EAP, which has seen the
    response, made Q1 reject most well-fitting items of a 40-item form.
    Not S-X2: its summed-score groups mean different abilities on different
    random forms (docs/scoring.md).
    """

    model: str
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    se_a: NDArray[np.float64]
    se_b: NDArray[np.float64]
    n: NDArray[np.int64]  # candidates who saw each item
    loglik: float
    iterations: int
    converged: bool
    infit: NDArray[np.float64]
    outfit: NDArray[np.float64]
    fit_chi2: NDArray[np.float64]
    fit_df: int
    fit_p: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Abilities:
    theta: NDArray[np.float64]  # EAP
    sd: NDArray[np.float64]  # posterior SD, the EAP's standard error


@dataclass(frozen=True, slots=True)
class DecisionStats:
    """Rudner's classification indices."""

    accuracy: float
    consistency: float
    p_correct: NDArray[np.float64]  # per candidate: Phi(|theta_hat - theta_c| / SE)


# ---------------------------------------------------------------- basics


def _log_sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    return -np.logaddexp(0.0, -z)


def prob(theta: ArrayLike, a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """P[i, j] = P_j(theta_i) under the 2PL (len(theta) x K)."""
    th = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.exp(_log_sigmoid(a[None, :] * (th[:, None] - b[None, :])))


def tcc(theta: ArrayLike, a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Test characteristic curve: expected raw score at each theta."""
    return prob(theta, a, b).sum(axis=1)


def _prep(X: ArrayLike, mask: ArrayLike | None) -> tuple[NDArray, NDArray | None]:
    Xf = np.asarray(X, dtype=np.float64)
    if Xf.ndim != 2:
        raise ValueError("X must be N x K")
    if np.any((Xf != 0.0) & (Xf != 1.0)):
        raise ValueError("X must be 0/1")
    if mask is None:
        return Xf, None
    Mf = np.asarray(mask, dtype=np.float64)
    if Mf.shape != Xf.shape:
        raise ValueError("mask must have the shape of X")
    if Mf.min() == 1.0:
        return Xf, None
    return Xf * Mf, Mf


def _posterior(
    Xf: NDArray, Mf: NDArray | None, a: NDArray, d: NDArray, grid: Quadrature
) -> tuple[NDArray[np.float64], float]:
    """Posterior node weights W (N x Q) and the marginal log-likelihood."""
    z = a[:, None] * grid.points[None, :] + d[:, None]  # K x Q
    log_q = _log_sigmoid(-z)
    L = Xf @ z  # sum_j x_nj (log P - log Q) = x_n . z
    if Mf is None:
        L += log_q.sum(axis=0) + grid.log_weights
    else:
        L += Mf @ log_q
        L += grid.log_weights
    top = L.max(axis=1, keepdims=True)
    L -= top
    np.exp(L, out=L)
    s = L.sum(axis=1, keepdims=True)
    L /= s
    return L, float((top[:, 0] + np.log(s[:, 0])).sum())


def _newton_2pl(a: NDArray, d: NDArray, r: NDArray, nq: NDArray, th: NDArray, steps: int) -> None:
    """In-place Newton steps on each item's expected-count log-likelihood."""
    th2 = th * th
    for _ in range(steps):
        P = np.exp(_log_sigmoid(a[:, None] * th[None, :] + d[:, None]))
        res = r - nq * P
        w = nq * P * (1.0 - P)
        g_a, g_d = res @ th, res.sum(axis=1)
        h_aa, h_ad, h_dd = w @ th2, w @ th, w.sum(axis=1)
        det = h_aa * h_dd - h_ad * h_ad
        with np.errstate(divide="ignore", invalid="ignore"):
            da = (h_dd * g_a - h_ad * g_d) / det
            dd = (h_aa * g_d - h_ad * g_a) / det
        # Cap the step: early EM counts can be far from the optimum.
        big = np.maximum(np.abs(da), np.abs(dd))
        scale = np.where(np.isfinite(big), np.minimum(1.0, 1.0 / np.maximum(big, 1e-300)), 0.0)
        a += np.nan_to_num(da) * scale
        d += np.nan_to_num(dd) * scale


def _newton_1pl(
    a: NDArray, d: NDArray, r: NDArray, nq: NDArray, th: NDArray, steps: int, fixed_a: bool
) -> None:
    th2 = th * th
    for _ in range(steps):
        P = np.exp(_log_sigmoid(a[:, None] * th[None, :] + d[:, None]))
        res = r - nq * P
        w = nq * P * (1.0 - P)
        d += np.clip(res.sum(axis=1) / w.sum(axis=1), -1.0, 1.0)
        if not fixed_a:
            P = np.exp(_log_sigmoid(a[:, None] * th[None, :] + d[:, None]))
            res = r - nq * P
            w = nq * P * (1.0 - P)
            a += np.clip((res @ th).sum() / (w @ th2).sum(), -1.0, 1.0)


# ---------------------------------------------------------------- calibration


def calibrate(
    X: ArrayLike,
    mask: ArrayLike | None = None,
    *,
    model: Literal["2pl", "rasch"] = "2pl",
    rasch_a: float | None = None,
    n_points: int = 41,
    max_iter: int = 500,
    tol: float = 1e-4,
    newton_steps: int = 2,
) -> Calibration:
    """Marginal ML calibration by Bock-Aitkin EM on a fixed N(0, 1) grid.

    X: N x K 0/1 responses; mask: N x K 0/1 (1 where the item was presented),
    or None when everyone saw every item. Converged when no a or b moved by
    more than `tol` in an EM iteration. Each iteration costs a few dense
    N x K x n_points products, so with a mask K is the bank size: a 600-item
    bank costs ~4x a 150-item form for the same N.
    """
    if model not in ("2pl", "rasch"):
        raise ValueError("model must be '2pl' or 'rasch'")
    Xf, Mf = _prep(X, mask)
    N, K = Xf.shape
    grid = normal_grid(n_points)
    th = grid.points
    n_item = Xf.shape[0] * np.ones(K) if Mf is None else Mf.sum(axis=0)
    if np.any(n_item == 0):
        raise ValueError("every item needs at least one response")
    p0 = np.clip(Xf.sum(axis=0) / n_item, 0.02, 0.98)
    a = np.full(K, 1.0 if rasch_a is None else float(rasch_a))
    # With a = 1 and theta ~ N(0, 1) the marginal logit is roughly d / 1.16.
    d = 1.16 * np.log(p0 / (1.0 - p0))

    converged = False
    it = 0
    ll = float("nan")
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported after the loop)
        W, ll = _posterior(Xf, Mf, a, d, grid)
        r = Xf.T @ W
        nq = np.broadcast_to(W.sum(axis=0), r.shape) if Mf is None else Mf.T @ W
        a_old, b_old = a.copy(), -d / a
        if model == "2pl":
            _newton_2pl(a, d, r, nq, th, newton_steps)
        else:
            _newton_1pl(a, d, r, nq, th, newton_steps, fixed_a=rasch_a is not None)
        change = max(np.abs(a - a_old).max(), np.abs(-d / a - b_old).max())
        if change < tol:
            converged = True
            break

    W, ll = _posterior(Xf, Mf, a, d, grid)
    b = -d / a
    se_a, se_b, infit, outfit, q1 = _item_diagnostics(Xf, Mf, W, a, b, th, model, rasch_a is not None)
    df = _FIT_GROUPS - (2 if model == "2pl" else 1)
    return Calibration(
        model=model,
        a=a,
        b=b,
        se_a=se_a,
        se_b=se_b,
        n=n_item.astype(np.int64),
        loglik=ll,
        iterations=it,
        converged=converged,
        infit=infit,
        outfit=outfit,
        fit_chi2=q1,
        fit_df=df,
        fit_p=chi2_sf(q1, df),
    )


def _item_diagnostics(
    Xf: NDArray, Mf: NDArray | None, W: NDArray, a: NDArray, b: NDArray, th: NDArray, model: str, fixed_a: bool
) -> tuple[NDArray, NDArray, NDArray, NDArray, NDArray]:
    """Standard errors and fit, in row blocks to bound the N x K temporaries.

    Each candidate's score for item j is the posterior mean of the complete-data
    score: d/da_j = m (x - P)(theta - b_j), d/db_j = -a_j m (x - P). Its
    expectations need only E[P_j] and E[P_j theta] under the posterior, i.e.
    W @ P.T and W @ (P * theta).T.
    """
    N, K = Xf.shape
    P = prob(th, a, b).T  # K x Q
    Pth = P * th[None, :]
    z = (a[:, None] * (th[None, :] - b[:, None])).T  # Q x K
    with np.errstate(over="ignore"):
        p_over_q = np.exp(z)  # huge only where the posterior mass is ~0
        inv_p = 1.0 + np.exp(-z)
        inv_q = 1.0 + p_over_q
        th_inv_p = th[:, None] * inv_p
        th_inv_q = th[:, None] * inv_q
    theta_bar = W @ th
    # Fit groups: fixed ability bands (deciles of the EAPs), each response placed
    # by the candidate's ability estimated without it, so the grouping, like the
    # prediction, never sees the response it judges.
    cut = np.quantile(theta_bar, np.linspace(0, 1, _FIT_GROUPS + 1)[1:-1])
    item_ix = np.arange(K)

    s_aa = np.zeros(K)
    s_ab = np.zeros(K)
    s_bb = np.zeros(K)
    s_a1 = 0.0  # common slope, Rasch
    sq_std = np.zeros(K)  # outfit numerator
    sq = np.zeros(K)  # infit numerator
    var = np.zeros(K)
    obs = np.zeros((_FIT_GROUPS, K))
    exp_ = np.zeros((_FIT_GROUPS, K))
    cnt = np.zeros((_FIT_GROUPS, K))
    for lo in range(0, N, _ROW_BLOCK):
        hi = min(lo + _ROW_BLOCK, N)
        Wb, xb = W[lo:hi], Xf[lo:hi]
        mb = np.ones_like(xb) if Mf is None else Mf[lo:hi]
        EP = Wb @ P.T  # posterior-predictive P(x = 1)
        EPth = Wb @ Pth.T
        resid = mb * (xb - EP)
        score_b = -a[None, :] * resid
        score_a = mb * (xb * (theta_bar[lo:hi, None] - b[None, :]) - EPth + b[None, :] * EP)
        s_aa += (score_a * score_a).sum(axis=0)
        s_ab += (score_a * score_b).sum(axis=0)
        s_bb += (score_b * score_b).sum(axis=0)
        s_a1 += float((score_a.sum(axis=1) ** 2).sum())
        # Fit compares each response with its prediction from the candidate's
        # other responses (posterior with item j divided out); the full
        # posterior has already seen x_nj and pulls mean squares below 1.
        right = xb > 0.5
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            den = np.where(right, Wb @ inv_p, Wb @ inv_q)
            loo = np.where(right, 1.0, Wb @ p_over_q) / den
            theta_loo = np.where(right, Wb @ th_inv_p, Wb @ th_inv_q) / den
        loo = np.clip(np.nan_to_num(loo, nan=0.5), 1e-12, 1.0 - 1e-12)
        r_loo = mb * (xb - loo)
        v = mb * loo * (1.0 - loo)
        sq_std += (r_loo * r_loo / np.where(mb > 0, v, 1.0)).sum(axis=0)
        sq += (r_loo * r_loo).sum(axis=0)
        var += v.sum(axis=0)
        theta_loo = np.nan_to_num(theta_loo)
        group = np.zeros(theta_loo.shape, dtype=np.int8)  # band index: how many cuts lie at or below
        for c in cut:  # 9 comparisons beat searchsorted's per-element binary search
            group += theta_loo >= c
        cell = (group.astype(np.intp) * K + item_ix[None, :]).ravel()
        size = _FIT_GROUPS * K
        obs += np.bincount(cell, weights=(mb * xb).ravel(), minlength=size).reshape(_FIT_GROUPS, K)
        exp_ += np.bincount(cell, weights=(mb * loo).ravel(), minlength=size).reshape(_FIT_GROUPS, K)
        cnt += np.bincount(cell, weights=mb.ravel(), minlength=size).reshape(_FIT_GROUPS, K)
    n_item = cnt.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if model == "2pl":
            det = s_aa * s_bb - s_ab * s_ab
            se_a = np.sqrt(s_bb / det)
            se_b = np.sqrt(s_aa / det)
        else:
            se_b = 1.0 / np.sqrt(s_bb)
            se_a = np.full(K, 0.0 if fixed_a else 1.0 / np.sqrt(s_a1))
        outfit = sq_std / n_item
        infit = sq / var
        e = exp_ / cnt
        o = obs / cnt
        q1 = np.where(cnt > 0, cnt * (o - e) ** 2 / (e * (1.0 - e)), 0.0).sum(axis=0)
    return se_a, se_b, infit, outfit, q1


# ---------------------------------------------------------------- scoring


def eap(
    X: ArrayLike, a: ArrayLike, b: ArrayLike, mask: ArrayLike | None = None, *, n_points: int = 121
) -> Abilities:
    """EAP theta and posterior SD for every candidate at once.

    A finer grid than calibration (0.1 logit spacing by default): with 150
    items a candidate's posterior SD is ~0.25, and EAP is a per-person
    integral where grid coarseness shows directly.
    """
    Xf, Mf = _prep(X, mask)
    a = np.asarray(a, dtype=np.float64)
    d = -a * np.asarray(b, dtype=np.float64)
    grid = normal_grid(n_points)
    th = grid.points
    N = Xf.shape[0]
    mean = np.empty(N)
    sd = np.empty(N)
    for lo in range(0, N, _ROW_BLOCK):
        hi = min(lo + _ROW_BLOCK, N)
        W, _ = _posterior(Xf[lo:hi], None if Mf is None else Mf[lo:hi], a, d, grid)
        m = W @ th
        mean[lo:hi] = m
        sd[lo:hi] = np.sqrt(np.clip(W @ (th * th) - m * m, 0.0, None))
    return Abilities(theta=mean, sd=sd)


def rudner(theta_hat: ArrayLike, se: ArrayLike, theta_cut: float) -> DecisionStats:
    """Rudner's expected classification accuracy and consistency.

    P_i = Phi(|theta_hat_i - theta_c| / SE_i) is the chance candidate i lands on
    the same side of the cut as their true ability; consistency is the chance
    two parallel forms agree, P^2 + (1 - P)^2.
    """
    t = np.asarray(theta_hat, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.abs(t - theta_cut) / s
    z = np.where(np.isnan(z), 0.0, z)  # exactly at the cut with SE 0: a coin toss
    p = norm_cdf(z)
    return DecisionStats(
        accuracy=float(p.mean()), consistency=float((p * p + (1.0 - p) ** 2).mean()), p_correct=p
    )


# ---------------------------------------------------------------- equating


def theta_for_true_score(
    target: ArrayLike, a: ArrayLike, b: ArrayLike, *, lo: float = -10.0, hi: float = 10.0
) -> NDArray[np.float64]:
    """Invert the TCC by bisection, vectorised over targets (raw-score units).

    The TCC is increasing when every a > 0. Targets outside
    (TCC(lo), TCC(hi)), e.g. raw 0 or a perfect score, come back as lo or hi.
    """
    tgt = np.atleast_1d(np.asarray(target, dtype=np.float64))
    left = np.full(tgt.shape, lo)
    right = np.full(tgt.shape, hi)
    for _ in range(64):  # (hi - lo) / 2^64 is below float resolution
        mid = 0.5 * (left + right)
        above = tcc(mid, a, b) > tgt
        right = np.where(above, mid, right)
        left = np.where(above, left, mid)
    return 0.5 * (left + right)


def equated_theta_cut(a_ref: ArrayLike, b_ref: ArrayLike, cut_fraction: float = 0.70) -> float:
    """theta_c at which the reference form's expected raw score is the raw cut."""
    k = np.asarray(a_ref).shape[0]
    return float(theta_for_true_score(cut_fraction * k, a_ref, b_ref)[0])


@dataclass(frozen=True, slots=True)
class Linking:
    """theta_ref = A theta_new + B: puts a new calibration on the reference scale."""

    A: float
    B: float
    n_common: int
    iterations: int

    def apply(self, a: ArrayLike, b: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Item parameters of the new calibration on the reference scale."""
        return np.asarray(a, dtype=np.float64) / self.A, self.A * np.asarray(b, dtype=np.float64) + self.B


def stocking_lord(
    a_new: ArrayLike, b_new: ArrayLike, a_ref: ArrayLike, b_ref: ArrayLike, *, n_points: int = 41,
    max_iter: int = 50, tol: float = 1e-10,
) -> Linking:
    """Stocking-Lord linking on the common items (arrays aligned item by item).

    Finds A, B minimising sum_q w_q (TCC_ref(theta_q) - TCC_new*(theta_q))^2 over a N(0, 1)
    grid on the reference scale, where new* are the new parameters moved by (A, B). Starts
    at mean/sigma and takes Gauss-Newton steps on the two unknowns (closed-form 2 x 2 solves).
    """
    an, bn = np.asarray(a_new, dtype=np.float64), np.asarray(b_new, dtype=np.float64)
    ar, br = np.asarray(a_ref, dtype=np.float64), np.asarray(b_ref, dtype=np.float64)
    if an.shape != bn.shape or ar.shape != br.shape or an.shape != ar.shape or an.ndim != 1:
        raise ValueError("common item parameters must be aligned 1-d arrays")
    if an.shape[0] < 2:
        raise ValueError("linking needs at least two common items")
    grid = normal_grid(n_points)
    th = grid.points
    sw = np.sqrt(np.exp(grid.log_weights))
    target = tcc(th, ar, br)
    sd_new = float(bn.std())
    A = float(br.std() / sd_new) if sd_new > 0 else 1.0
    B = float(br.mean() - A * bn.mean())
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        z = (an / A)[None, :] * (th[:, None] - A * bn[None, :] - B)
        P = np.exp(_log_sigmoid(z))
        PQ = P * (1.0 - P)
        dz_dA = -(an / (A * A))[None, :] * (th[:, None] - B)
        dz_dB = -(an / A)[None, :] + 0.0 * th[:, None]
        r = sw * (target - P.sum(axis=1))
        J = np.column_stack([sw * (PQ * dz_dA).sum(axis=1), sw * (PQ * dz_dB).sum(axis=1)])
        step = np.linalg.lstsq(J, r, rcond=None)[0]
        A, B = A + float(step[0]), B + float(step[1])
        if A <= 0:
            raise ValueError("linking diverged: the common items do not tie the scales together")
        if abs(step[0]) < tol and abs(step[1]) < tol:
            break
    return Linking(A=A, B=B, n_common=int(an.shape[0]), iterations=it)


def form_raw_cuts(theta_cut: float, a: ArrayLike, b: ArrayLike, forms: ArrayLike) -> NDArray[np.float64]:
    """Each form's own raw cut c_f = sum over its items of P_i(theta_c).

    a, b: bank parameters (K); forms: F x K 0/1 matrix, one row per form.
    """
    p = prob([theta_cut], a, b)[0]
    return np.asarray(forms, dtype=np.float64) @ p


def scaled_score(
    theta: ArrayLike, theta_cut: float, *, slope: float = SCALE_SLOPE
) -> NDArray[np.float64]:
    """100..300 reporting scale: theta_c -> 200, `slope` points per logit, clipped."""
    t = np.asarray(theta, dtype=np.float64)
    return np.clip(SCALE_CENTRE + slope * (t - theta_cut), SCALE_MIN, SCALE_MAX)
