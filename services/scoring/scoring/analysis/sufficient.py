"""Sufficient statistics of the results: what the statistics need, kept as counts that grow
with each new result, so a refresh costs the new results, not every result ever stored.

Pure numpy, no I/O. Results fall into cells, one per (blueprint, question count, low-answer
or not); each cell keeps integer counts only:

* `opt[slot, r, o]`: responses to item version `slot` by candidates whose own form score
  (right answers against the keys, as the item analysis recomputes it) is `r`, who chose
  option `o` (A..D, then 4 = omitted). Every per-item sum of the classical item analysis is
  a sum over these counts of a function of (r, k): n, sum T, sum T^2, the right answers'
  sums, each option's count and sum of T (for its correlation with the rest score), the
  per-candidate weights of the rest score on percent totals, and the tables of the
  upper-lower index by total score.
* `co[slot, slot']`: candidates who saw both item versions (alpha if deleted on random
  forms needs, for each item, the sum over the candidates who saw it of their own form's
  item-variance sum: `co @ var`).
* `hist[r]`: stored raw scores (mean, median, SD, shape, histogram, KR-20's var_T, Subkoviak).
* `dom[area][t, c]`: candidates whose form had t questions of the area and got c right
  (the per-area means, SDs and reliabilities).
* pass and equated counts, the latest submission, the latest started result (which carries
  the blueprint's current length and cut), and Rudner's sums under one calibration and cut.

Counts are exact, so the figures do not depend on the order in which results arrived:
`Tallies` fed in any number of batches gives the same figures as fed in one
(`tests/unit/test_scoring_sufficient.py`), and they equal the full recompute over the
response matrices (`analytics.item_analysis`, `analytics.score_figures`) to rounding.

Item versions are kept by id in slots of their own (`Tallies.ids`), so a new item version
only widens the tables; the keys the counts were made with are remembered, and a key that
changed (it must not: item versions are immutable) means the engine rebuilds from scratch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from scoring.analysis.analytics import (
    DomainFigures,
    IrtState,
    ItemAnalysis,
    Rudner,
    ScopeStats,
    ScoreFigures,
    month_of,
)
from scoring.analysis.frame import Frame, ItemMeta, gather
from scoring.stats import classical, consistency, irt, rates
from scoring.stats._special import Z95
from shared.domains import DOMAIN_ORDER

OMIT = 4  # the option slot of an omitted answer
SLOTS = 5
GROUP_FRAC = 0.27  # Kelley's upper and lower groups, as the stats core


@dataclass(frozen=True, slots=True)
class CellKey:
    blueprint: int  # the frame's blueprint code
    k: int  # question count
    low: bool  # low-answer results


@dataclass(slots=True)
class Current:
    """The latest started result of a cell: its start, frame row, and percent cut."""

    started: float
    row: int
    cut_percent: float


@dataclass(slots=True)
class RudnerSums:
    calibration_id: int
    theta_cut: float
    n: int
    sum_p: float
    sum_cons: float


@dataclass(slots=True)
class Cell:
    k: int
    opt: NDArray[np.int64]  # slots x (k + 1) x SLOTS
    co: NDArray[np.int64]  # slots x slots
    hist: NDArray[np.int64]  # k + 1, stored raw scores
    dom: dict[str, NDArray[np.int64]] = field(default_factory=dict)  # area -> (k + 1) x (k + 1)
    n: int = 0
    passed: int = 0
    equated: int = 0
    last_submitted: float = -math.inf
    current: Current | None = None
    rudner: RudnerSums | None = None
    pending: list[NDArray[np.int64]] = field(default_factory=list)  # rows since `rudner`

    @classmethod
    def empty(cls, k: int, width: int) -> Cell:
        return cls(
            k=k,
            opt=np.zeros((width, k + 1, SLOTS), dtype=np.int64),
            co=np.zeros((width, width), dtype=np.int64),
            hist=np.zeros(k + 1, dtype=np.int64),
        )

    def widen(self, width: int) -> None:
        old = self.opt.shape[0]
        if width <= old:
            return
        opt = np.zeros((width, self.k + 1, SLOTS), dtype=np.int64)
        opt[:old] = self.opt
        co = np.zeros((width, width), dtype=np.int64)
        co[:old, :old] = self.co
        self.opt, self.co = opt, co


class Tallies:
    """Every cell, and the item versions' slots. Fed by `add` with batches of new rows
    (a frame of forms whose label codes are the engine frame's) and read by `figures_*`.
    Used from the engine's single worker thread only."""

    def __init__(self) -> None:
        self.cells: dict[CellKey, Cell] = {}
        self.ids = np.zeros(0, dtype=np.int64)  # item version id of each slot
        self.keys = np.zeros(0, dtype=np.int8)  # the key each slot was counted with
        self._slot_of: dict[int, int] = {}
        self.last_cut: dict[int, tuple[int, float]] = {}  # blueprint code -> (last row, its cut)
        self.latest: dict[int, Current] = {}  # blueprint code -> latest started result (every result)
        self.latest_k: dict[int, int] = {}
        self.days: dict[tuple[int, int, int, bool], list[int]] = {}  # (bp, group, day, low) -> [results, passed]
        self.rows = 0  # rows added

    @property
    def width(self) -> int:
        return int(self.ids.shape[0])

    def keys_agree(self, meta: ItemMeta) -> bool:
        """False when an item version's key in `meta` differs from the one it was counted with."""
        if self.width == 0:
            return True
        cols = meta.col_of(int(self.ids.max()))[self.ids]
        if cols.min() < 0:
            return False
        return bool(np.array_equal(meta.key[cols], self.keys))

    def _slots(self, ids: NDArray[np.int64], meta: ItemMeta) -> NDArray[np.int64]:
        fresh = [int(i) for i in np.unique(ids).tolist() if int(i) not in self._slot_of]
        if fresh:
            cols = meta.col_of(max(fresh))[np.asarray(fresh, dtype=np.int64)]
            if cols.min() < 0:
                raise ValueError("a stored form names an unknown item version")
            for i in fresh:
                self._slot_of[i] = len(self._slot_of)
            self.ids = np.concatenate([self.ids, np.asarray(fresh, dtype=np.int64)])
            self.keys = np.concatenate([self.keys, meta.key[cols]])
            for cell in self.cells.values():
                cell.widen(self.width)
        lookup = np.full(max(int(ids.max(initial=0)), int(self.ids.max(initial=0))) + 1, -1, dtype=np.int64)
        lookup[self.ids] = np.arange(self.width)
        return lookup[ids]

    def add(self, f: Frame, meta: ItemMeta, base_row: int) -> None:
        """Count the rows of `f` (frame rows base_row.. of the engine)."""
        n = f.n
        if n == 0:
            return
        rows = np.arange(n, dtype=np.int64)
        flat, row_of = gather(f, rows)
        slot = self._slots(f.items[flat].astype(np.int64), meta)
        choice = f.choices[flat]
        right = choice == self.keys[slot]
        raw = np.bincount(row_of, weights=right, minlength=n).astype(np.int64)  # own form score
        option = np.where(choice < 0, OMIT, choice).astype(np.int64)
        low = f.low if f.low.shape[0] == n else np.zeros(n, dtype=np.bool_)
        codes = sorted(set(meta.domain))
        area_ix = {c: i for i, c in enumerate(codes)}
        dom_of_slot = np.asarray(
            [area_ix[meta.domain[c]] for c in meta.col_of(int(self.ids.max()))[self.ids].tolist()], dtype=np.int64
        )
        D = len(codes)
        width = self.width
        for i in range(n):  # per row only the label bookkeeping; the counts are vectorised per cell
            bp = int(f.blueprint[i])
            row = base_row + i
            self.last_cut[bp] = (row, float(f.cut_percent[i]))
            cur = self.latest.get(bp)
            if cur is None or float(f.started[i]) > cur.started:
                self.latest[bp] = Current(float(f.started[i]), row, float(f.cut_percent[i]))
                self.latest_k[bp] = int(f.k[i])
        cell_keys = list(zip(f.blueprint.tolist(), f.k.tolist(), low.tolist(), strict=True))
        groups: dict[CellKey, list[int]] = {}
        for i, (bp, k, lo) in enumerate(cell_keys):
            groups.setdefault(CellKey(int(bp), int(k), bool(lo)), []).append(i)
        starts = f.offsets[:-1]
        for key, members in groups.items():
            sel = np.asarray(members, dtype=np.int64)
            cell = self.cells.get(key)
            if cell is None:
                cell = self.cells[key] = Cell.empty(key.k, width)
            cell.widen(width)
            kk = key.k
            m = sel.shape[0]
            pos = (np.repeat(starts[sel], kk) + np.tile(np.arange(kk, dtype=np.int64), m))
            r = np.repeat(raw[sel], kk)
            s = slot[pos]
            idx = (s * (kk + 1) + r) * SLOTS + option[pos]
            cell.opt += np.bincount(idx, minlength=cell.opt.size).reshape(cell.opt.shape)
            # Co-presentation: a 0/1 matrix product (float32 is exact for counts under 2^24 a batch).
            for lo in range(0, m, 4096):
                part = sel[lo : lo + 4096]
                P = np.zeros((part.shape[0], width), dtype=np.float32)
                pp = np.repeat(starts[part], kk) + np.tile(np.arange(kk, dtype=np.int64), part.shape[0])
                P[np.repeat(np.arange(part.shape[0]), kk), slot[pp]] = 1.0
                cell.co += np.rint(P.T @ P).astype(np.int64)
            stored = f.raw[sel].astype(np.int64)
            cell.hist += np.bincount(np.clip(stored, 0, kk), minlength=kk + 1)
            # Per area: questions sat and right, per row.
            cellix = np.repeat(np.arange(m, dtype=np.int64), kk) * D + dom_of_slot[s]
            sat = np.bincount(cellix, minlength=m * D).reshape(m, D)
            got = np.bincount(cellix, weights=right[pos], minlength=m * D).reshape(m, D).astype(np.int64)
            for d in np.flatnonzero(sat.any(axis=0)).tolist():
                on = sat[:, d] > 0
                table = cell.dom.get(codes[d])
                if table is None:
                    table = cell.dom[codes[d]] = np.zeros((kk + 1, kk + 1), dtype=np.int64)
                np.add.at(table, (sat[on, d], got[on, d]), 1)
            cell.n += m
            cell.passed += int(f.passed[sel].sum())
            cell.equated += int(f.equated[sel].sum())
            cell.last_submitted = max(cell.last_submitted, float(f.submitted[sel].max()))
            st = f.started[sel]
            best = int(np.argmax(st))
            if cell.current is None or float(st[best]) > cell.current.started:
                cell.current = Current(float(st[best]), base_row + int(sel[best]), float(f.cut_percent[sel[best]]))
            cell.pending.append(base_row + sel)
        add_day_counts(self.days, f)
        self.rows += n

    # ------------------------------------------------------------ reading

    def blueprint_cells(self, bp: int, include_low: bool) -> list[Cell]:
        return [c for key, c in self.cells.items() if key.blueprint == bp and (include_low or not key.low)]

    def counted_cells(self, include_low: bool) -> list[Cell]:
        return [c for key, c in self.cells.items() if include_low or not key.low]


def current_of(cells: list[Cell]) -> Current | None:
    """The latest started result among the cells (the first read on a tie, as `analytics.current_row`)."""
    best: Current | None = None
    for c in cells:
        cur = c.current
        if cur is None:
            continue
        if best is None or cur.started > best.started or (cur.started == best.started and cur.row < best.row):
            best = cur
    return best


# ---------------------------------------------------------------- item analysis


def item_analysis(t: Tallies, cells: list[Cell], meta: ItemMeta, flag_min_n: int) -> ItemAnalysis:
    """`analytics.item_analysis` of the results in `cells`, from their counts.

    Totals are raw scores when every result has the same length, else the fraction right
    (as the full analysis); every formula is the stats core's (`classical.item_analysis`)."""
    W = t.width
    ks = {c.k for c in cells if c.n}
    percent = len(ks) > 1
    m = 6
    SM = np.zeros((W, m))
    SX = np.zeros((W, m))
    SE = np.zeros((W, 3))
    cnt = np.zeros((W, SLOTS))
    sumT = np.zeros((W, SLOTS))
    co_w = np.zeros((W, W))  # sum over lengths of c w^2 co
    tvals: list[NDArray[np.float64]] = []
    seen_by_t: list[NDArray[np.int64]] = []
    right_by_t: list[NDArray[np.int64]] = []
    keys = t.keys.astype(np.int64)
    slots = np.arange(W)
    for c in cells:
        if c.n == 0:
            continue
        k = float(c.k)
        r = np.arange(c.k + 1, dtype=np.float64)
        if percent:
            w = 1.0 / k if k > 0 else 0.0
            T = r / k if k > 0 else np.zeros_like(r)
        else:
            w, T = 1.0, r
        V = np.column_stack([np.ones_like(T), T, T * T, np.full_like(T, w), np.full_like(T, w * w), T * w])
        opt = c.opt[:W].astype(np.float64)
        seen = c.opt[:W].sum(axis=2)
        right = c.opt[:W][slots, :, keys]  # W x (k + 1)
        SM += seen.astype(np.float64) @ V
        SX += right.astype(np.float64) @ V
        for o in range(SLOTS):
            cnt[:, o] += opt[:, :, o].sum(axis=1)
            sumT[:, o] += opt[:, :, o] @ T
        short = c.k < 3
        c_n = 0.0 if short else (k - 1.0) / (k - 2.0)
        n_seen = seen.sum(axis=1).astype(np.float64)
        SE += n_seen[:, None] * np.asarray([c_n, c_n * w * w, 1.0 if short else 0.0])[None, :]
        if not short:
            co_w += (c_n * w * w) * c.co[:W, :W]
        tvals.append(T)
        seen_by_t.append(seen)
        right_by_t.append(right)
    n = SM[:, 0]
    cols_slot = np.flatnonzero(n > 0)
    mcol = meta.col_of(int(t.ids.max(initial=0)))[t.ids[cols_slot]] if cols_slot.size else np.zeros(0, np.int64)
    order = np.argsort(mcol, kind="stable")  # the full analysis's columns are in meta order
    sl, cols = cols_slot[order], mcol[order].astype(np.int64)
    K = sl.shape[0]
    n = n[sl]
    sT, sTT = SM[sl, 1], SM[sl, 2]
    sx, sxT, sxw, sxw2, sxTw = SX[sl, 0], SX[sl, 1], SX[sl, 3], SX[sl, 4], SX[sl, 5]
    key_arr = keys[sl]
    p, var_x, var_R, r_pb, r_rest = classical.correlations_from_sums(n, sT, sTT, sx, sxT, sxw, sxw2, sxTw)
    with np.errstate(divide="ignore", invalid="ignore"):
        dof, mT = n - 1.0, sT / n
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.arctanh(r_rest)
        half = Z95 / np.sqrt(n - 3.0)
        r_lo = np.where(n > 3, np.tanh(z - half), np.nan)
        r_hi = np.where(n > 3, np.tanh(z + half), np.nan)
    # Alpha if deleted (form-aware): sum over who saw j of c w^2 s_n = (sum_k c w^2 co_k) @ var.
    var_all = np.zeros(W)
    var_all[sl] = np.where(n > 1, np.nan_to_num(var_x), 0.0)
    var_i = var_all[sl]
    sum_cw2s = (co_w @ var_all)[sl]
    sum_c, sum_cw2, n_short = SE[sl, 0], SE[sl, 1], SE[sl, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (sum_c - (sum_cw2s - var_i * sum_cw2) / var_R) / n
    alpha = np.where(n_short > 0, np.nan, alpha)
    d_index = _upper_lower(tvals, seen_by_t, right_by_t, sl)
    cnt_k, sumT_k = cnt[sl], sumT[sl]
    rows_k = np.arange(K)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = cnt_k / n[:, None]
        cov_dT = (sumT_k - cnt_k * mT[:, None]) / dof[:, None]
        cov_dwx = -cnt_k * (sxw / n)[:, None] / dof[:, None]
        var_d = cnt_k * (1.0 - share) / dof[:, None]
        opt_r = (cov_dT - cov_dwx) / np.sqrt(var_d * var_R[:, None])
        opt_r = np.where(cnt_k > 0, opt_r, np.nan)
    opt_r[rows_k, key_arr] = r_rest
    is_distractor = np.ones((K, SLOTS), dtype=bool)
    is_distractor[rows_k, key_arr] = False
    is_distractor[:, OMIT] = False
    with np.errstate(invalid="ignore"):
        weak = (share < classical.DISTRACTOR_MIN_SHARE) | (opt_r > 0.0)
        nfd = (weak & is_distractor).any(axis=1)
        best = np.where(is_distractor & ~np.isnan(opt_r), opt_r, -np.inf).max(axis=1) if K else np.zeros(0)
        miskey = best > np.nan_to_num(r_rest, nan=-np.inf)
        flags = np.column_stack(
            [
                p < classical.P_TOO_HARD,
                (p >= classical.P_TOO_HARD) & (p < classical.P_DOUBTFUL),
                (p >= classical.P_REVIEW) & (p < classical.P_TOO_EASY),
                p >= classical.P_TOO_EASY,
                r_rest <= classical.R_MIN,
                nfd,
                miskey,
            ]
        ) if K else np.zeros((0, len(classical.FLAG_NAMES)), dtype=bool)
    flags &= (n >= flag_min_n)[:, None]
    stats = classical.ItemStats(
        n=n.astype(np.int64),
        p=p,
        r_pb=r_pb,
        r_rest=r_rest,
        r_rest_lo=r_lo,
        r_rest_hi=r_hi,
        d_index=d_index,
        alpha_if_deleted=alpha,
        option_share=share,
        option_r_rest=opt_r,
        keys=key_arr,
        flags=flags,
    )
    correct = np.rint(np.nan_to_num(p) * n)
    p_lo, p_hi = rates.wilson_interval_array(correct, n)
    return ItemAnalysis(cols=cols, keys=meta.key[cols], stats=stats, p_lo=p_lo, p_hi=p_hi)


def _upper_lower(
    tvals: list[NDArray[np.float64]], seen: list[NDArray[np.int64]], right: list[NDArray[np.int64]], sl: NDArray
) -> NDArray[np.float64]:
    """Kelley's D per item, groups among who saw it, from counts per total score
    (`classical._upper_lower_masked` over the same U x K tables)."""
    if not tvals:
        return np.zeros(0)
    allv = np.concatenate(tvals)
    values, inv = np.unique(allv, return_inverse=True)
    U, K = values.shape[0], sl.shape[0]
    S = np.zeros((U, K), dtype=np.int64)
    C = np.zeros((U, K), dtype=np.int64)
    at = 0
    for T, s, r in zip(tvals, seen, right, strict=True):
        ix = inv[at : at + T.shape[0]]
        at += T.shape[0]
        np.add.at(S, ix, s[sl].T)
        np.add.at(C, ix, r[sl].T)
    keep = S.any(axis=1)  # only the total scores someone had
    S, C = S[keep], C[keep]
    g = np.floor(GROUP_FRAC * S.sum(axis=0) + 0.5).astype(np.float64)

    def group_p(cnt: NDArray, cor: NDArray) -> NDArray:
        cum_n = np.cumsum(cnt, axis=0)
        cum_c = np.cumsum(cor, axis=0)
        idx = np.argmax(cum_n >= g[None, :], axis=0)[None, :]
        n_at = np.take_along_axis(cnt, idx, 0)[0]
        c_at = np.take_along_axis(cor, idx, 0)[0]
        n_before = np.take_along_axis(cum_n, idx, 0)[0] - n_at
        c_before = np.take_along_axis(cum_c, idx, 0)[0] - c_at
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(n_at > 0, (g - n_before) / n_at, 0.0)
            return (c_before + share * c_at) / g

    lower = group_p(S, C)
    upper = group_p(S[::-1], C[::-1])
    with np.errstate(invalid="ignore"):
        return np.where(g > 0, upper - lower, np.nan)


def scope_stats(t: Tallies, cells: list[Cell], meta: ItemMeta) -> ScopeStats:
    """Item n and p over the results of `cells` (`analytics.scope_of`)."""
    W = t.width
    keys = t.keys.astype(np.int64)
    n = np.zeros(W, dtype=np.int64)
    right = np.zeros(W, dtype=np.int64)
    for c in cells:
        n += c.opt[:W].sum(axis=(1, 2))
        right += c.opt[:W][np.arange(W), :, keys].sum(axis=1)
    sl = np.flatnonzero(n > 0)
    mcol = meta.col_of(int(t.ids.max(initial=0)))[t.ids[sl]] if sl.size else np.zeros(0, np.int64)
    order = np.argsort(mcol, kind="stable")
    sl = sl[order]
    return ScopeStats(cols=mcol[order].astype(np.int64), n=n[sl], p=right[sl] / n[sl])


# ---------------------------------------------------------------- test level


def _weighted(values: NDArray[np.float64], counts: NDArray[np.int64]) -> tuple[float, float, float, float, float]:
    """Mean, median, SD (n - 1), skewness and kurtosis of values repeated counts times
    (`analytics.distribution`)."""
    n = int(counts.sum())
    mean = float((values * counts).sum() / n)
    cum = np.cumsum(counts)
    lo = float(values[int(np.searchsorted(cum, (n - 1) // 2, side="right"))])
    hi = float(values[int(np.searchsorted(cum, n // 2, side="right"))])
    median = (lo + hi) / 2.0
    dev = values - mean
    m2 = float((counts * dev**2).sum() / n)
    m3 = float((counts * dev**3).sum() / n)
    m4 = float((counts * dev**4).sum() / n)
    sd = math.sqrt(m2 * n / (n - 1)) if n > 1 else float("nan")
    skew, kurt = classical.shape_moments(n, m2, m3, m4)
    return mean, median, sd, skew, kurt


def _kr20(values: NDArray[np.float64], counts: NDArray[np.int64], k: float, item_n: NDArray, item_p: NDArray) -> float:
    """`analytics.form_averaged_kr20` of the scores `values` repeated `counts` times."""
    N = int(counts.sum())
    if N < 2 or k < 2:
        return float("nan")
    mean = float((values * counts).sum() / N)
    var_T = float((counts * (values - mean) ** 2).sum() / (N - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        var_j = np.where(item_n > 1, item_n * item_p * (1.0 - item_p) / (item_n - 1.0), 0.0)
    if var_T <= 0.0:
        return float("nan")
    return float(k / (k - 1.0) * (1.0 - float((item_n * var_j).sum()) / N / var_T))


def score_figures(
    t: Tallies, cells: list[Cell], meta: ItemMeta
) -> tuple[ScoreFigures, list[Cell]]:
    """`analytics.score_figures` of a blueprint's results (`cells`: all its counted cells), over
    those of its current length (the latest started result's); and the cells of that length."""
    cur = current_of(cells)
    assert cur is not None
    k = next(c.k for c in cells if c.current is cur)
    same = [c for c in cells if c.k == k]
    other = sum(c.n for c in cells if c.k != k)
    st = scope_stats(t, same, meta)
    hist = np.sum([c.hist for c in same], axis=0)
    values = np.arange(k + 1, dtype=np.float64)
    mean, median, sd, skew, kurt = _weighted(values, hist)
    raw_cut = cur.cut_percent * k / 100.0
    width = max(1, math.ceil((k + 1) / 60))
    edges = np.arange(0, k + width + 1, width, dtype=np.float64)
    counts, _ = np.histogram(values, bins=edges, weights=hist)
    rel = _kr20(values, hist, k, st.n.astype(np.float64), np.nan_to_num(st.p))
    sem = sd * math.sqrt(1.0 - rel) if math.isfinite(rel) and rel <= 1.0 else float("nan")
    csem = float(classical.lord_csem(raw_cut, k)) if k > 1 else float("nan")
    present = np.flatnonzero(hist)
    fig = ScoreFigures(
        rows=np.zeros(0, dtype=np.int64),
        scope=st,
        k=k,
        cut_percent=cur.cut_percent,
        raw_cut=raw_cut,
        other_length=other,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skew,
        kurtosis=kurt,
        minimum=int(present[0]),
        maximum=int(present[-1]),
        edges=edges,
        counts=np.rint(counts).astype(np.int64),
        kr20=rel,
        sem=sem,
        csem_at_cut=csem,
        passed=sum(c.passed for c in same),
        equated=sum(c.equated for c in same),
    )
    return fig, same


def domain_figures(t: Tallies, cells: list[Cell], meta: ItemMeta, st: ScopeStats) -> list[DomainFigures]:
    """`analytics.domain_figures` of the results of `cells` (one length), from their area tables."""
    codes = sorted(set(meta.domain), key=lambda c: (DOMAIN_ORDER.get(c, 99), c))
    col_domain = [meta.domain[c] for c in st.cols.tolist()]
    out = []
    for code in codes:
        tables = [c.dom[code] for c in cells if code in c.dom]
        if not tables:
            continue
        size = max(tb.shape[0] for tb in tables)
        table = np.zeros((size, size), dtype=np.int64)
        for tb in tables:
            table[: tb.shape[0], : tb.shape[1]] += tb
        tt, cc = np.nonzero(table)
        counts = table[tt, cc]
        if counts.sum() == 0:
            continue
        N = int(counts.sum())
        pct = 100.0 * cc / tt
        mean_pct = float((pct * counts).sum() / N)
        sd = float(math.sqrt((counts * (pct - mean_pct) ** 2).sum() / (N - 1))) if N > 1 else float("nan")
        k_d = float((tt * counts).sum() / N)
        in_d = np.asarray([d == code for d in col_domain], dtype=bool)
        rel = _kr20(cc.astype(np.float64), counts, k_d, st.n[in_d].astype(np.float64), np.nan_to_num(st.p[in_d]))
        out.append(DomainFigures(code, k_d, mean_pct, sd, rel))
    return out


def subkoviak(cells: list[Cell], k: int, raw_cut: float, rel: float) -> consistency.DecisionConsistency | None:
    """`analytics.subkoviak` from the stored raw score counts."""
    hist = np.sum([c.hist for c in cells], axis=0)
    n = int(hist.sum())
    nan = float("nan")
    if n == 0 or k < 1 or not math.isfinite(rel):
        return None
    r = min(max(rel, 0.0), 1.0)
    cut = math.ceil(raw_cut - 1e-9)
    values = np.flatnonzero(hist).astype(np.float64)
    counts = hist[hist > 0]
    mean = float((values * counts).sum() / n)
    tau = r * values / k + (1.0 - r) * mean / k
    P = consistency.binomial_tail(k, cut, tau)
    w = counts / n
    p0 = float((w * (P * P + (1.0 - P) ** 2)).sum())
    mean_p = float((w * P).sum())
    pc = mean_p * mean_p + (1.0 - mean_p) ** 2
    kappa = (p0 - pc) / (1.0 - pc) if pc < 1.0 else nan
    dec = consistency.DecisionConsistency(n=n, agreement=p0, kappa=kappa, pass_probability=mean_p)
    return dec if math.isfinite(dec.agreement) else None


def rudner(
    frame: Frame,
    cells: list[tuple[CellKey, Cell]],
    bp_id: str,
    cut_percent: float,
    state: IrtState | None,
    theta: NDArray[np.float64],
    theta_se: NDArray[np.float64],
) -> Rudner | None:
    """`analytics.rudner` over the results of `cells`, from sums kept per cell under one
    calibration and cut: new rows are added; another calibration or cut sums the cell anew."""
    if state is None or theta.shape[0] != frame.n:
        return None
    theta_c = state.theta_cut(bp_id, cut_percent)
    if theta_c is None:
        return None
    n, sp, sc = 0, 0.0, 0.0
    for key, cell in cells:
        sums = cell.rudner
        if sums is None or sums.calibration_id != state.calibration_id or sums.theta_cut != theta_c:
            rows = np.flatnonzero(
                (frame.blueprint == key.blueprint) & (frame.k == key.k) & (frame.low == key.low)
            ).astype(np.int64)
            sums = cell.rudner = RudnerSums(state.calibration_id, theta_c, 0, 0.0, 0.0)
        else:
            rows = np.concatenate(cell.pending) if cell.pending else np.zeros(0, dtype=np.int64)
        cell.pending = []
        th, se = theta[rows], theta_se[rows]
        ok = np.isfinite(th) & np.isfinite(se)
        if ok.any():
            dec = irt.rudner(th[ok], se[ok], theta_c)
            sums.n += int(ok.sum())
            sums.sum_p += float(dec.p_correct.sum())
            sums.sum_cons += float((dec.p_correct * dec.p_correct + (1.0 - dec.p_correct) ** 2).sum())
        n, sp, sc = n + sums.n, sp + sums.sum_p, sc + sums.sum_cons
    if n == 0:
        return None
    return Rudner(sp / n, sc / n, theta_c, n, state.calibration_id)


# ---------------------------------------------------------------- the per-result columns


class _Grow:
    """An array grown in place into spare capacity: a view of the first n entries stays valid
    (and unchanged) while later entries are written, so a snapshot can keep its views."""

    def __init__(self, dtype: object, fill: object = 0) -> None:
        self.buf = np.zeros(0, dtype=dtype)  # type: ignore[call-overload]
        self.fill = fill
        self.n = 0

    def extend(self, values: NDArray) -> None:
        need = self.n + values.shape[0]
        if need > self.buf.shape[0]:
            grown = np.full(max(need, int(self.buf.shape[0] * 1.5) + 4096), self.fill, dtype=self.buf.dtype)
            grown[: self.n] = self.buf[: self.n]
            self.buf = grown
        self.buf[self.n : need] = values
        self.n = need

    def replace(self, values: NDArray) -> None:
        """New contents in a new buffer (views of the old one keep the old values)."""
        self.buf = np.array(values, dtype=self.buf.dtype)
        self.n = values.shape[0]

    def view(self) -> NDArray:
        return self.buf[: self.n]


_SCALARS = (
    ("seq", np.int64), ("blueprint", np.int32), ("group", np.int32), ("submitted", np.float64),
    ("passed", np.bool_), ("raw", np.int32), ("k", np.int32), ("equated", np.bool_),
    ("cut_percent", np.float64), ("low", np.bool_), ("started", np.float64),
)


class Columns:
    """The results' scalar columns (what pass rates with free filters, abilities and the
    calibration schedule need per result: about 50 bytes), the EAP abilities, and
    the results in seq order. The forms themselves are not kept: they went into `Tallies`."""

    def __init__(self) -> None:
        self._cols = {name: _Grow(dtype) for name, dtype in _SCALARS}
        self.theta = _Grow(np.float64, np.nan)
        self.theta_se = _Grow(np.float64, np.nan)
        self._sorted = _Grow(np.int64)
        self._order = _Grow(np.int64)
        self.frame = Frame()

    @property
    def n(self) -> int:
        return self._cols["seq"].n

    def append(self, f: Frame) -> None:
        """Append the rows of `f` (label codes already the frame's, as `f`'s labels extend them)."""
        base = self.n
        for name, _ in _SCALARS:
            col = getattr(f, name)
            if col.shape[0] != f.n:  # low, started on rows from before their columns
                col = np.zeros(f.n, dtype=bool) if name == "low" else f.submitted
            self._cols[name].extend(col)
        seqs = f.seq
        order = np.argsort(seqs, kind="stable")
        new_sorted, new_rows = seqs[order], base + order.astype(np.int64)
        have = self._sorted.view()
        if have.shape[0] == 0 or new_sorted[0] > have[-1]:
            self._sorted.extend(new_sorted)
            self._order.extend(new_rows)
        else:  # a late commit below the highest seq read: insert (rare)
            at = np.searchsorted(have, new_sorted)
            self._sorted.replace(np.insert(have, at, new_sorted))
            self._order.replace(np.insert(self._order.view(), at, new_rows))
        v = {name: g.view() for name, g in self._cols.items()}
        self.frame = Frame(
            seq=v["seq"], blueprint=v["blueprint"], group=v["group"], submitted=v["submitted"],
            passed=v["passed"], raw=v["raw"], k=v["k"], equated=v["equated"],
            cut_percent=v["cut_percent"], low=v["low"], started=v["started"],
            blueprints=f.blueprints, groups=f.groups,
        )

    def rows_of(self, seqs: NDArray[np.int64]) -> NDArray[np.int64]:
        """Frame row of each seq, -1 where the frame does not have it."""
        s = self._sorted.view()
        if s.shape[0] == 0:
            return np.full(seqs.shape[0], -1, dtype=np.int64)
        i = np.minimum(np.searchsorted(s, seqs), s.shape[0] - 1)
        return np.where(s[i] == seqs, self._order.view()[i], -1)

    @property
    def sorted_seq(self) -> NDArray[np.int64]:
        return self._sorted.view()

    @property
    def seq_order(self) -> NDArray[np.int64]:
        return self._order.view()


# ---------------------------------------------------------------- pass rates by whole days

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class DayBuckets:
    """Results and passes per (blueprint, group, day, low-answer or not): a pass-rate query whose
    bounds are whole days (none, or dates) is answered from these, whatever the history's length;
    a bound inside a day (an ISO time) takes the per-result columns (`analytics.pass_rate_selection`)."""

    blueprint: NDArray[np.int64]
    group: NDArray[np.int64]
    day: NDArray[np.int64]  # epoch day of the submission
    low: NDArray[np.bool_]
    n: NDArray[np.int64]
    passed: NDArray[np.int64]

    @staticmethod
    def covers(start: float | None, stop: float | None) -> bool:
        return (start is None or start % DAY == 0.0) and (stop is None or stop % DAY == 0.0)

    def selection(
        self, frame: Frame, blueprint_id: str | None, candidate_group: str | None,
        start: float | None, stop: float | None, include_low: bool,
    ) -> tuple[NDArray[np.bool_], int]:
        """`analytics.pass_rate_selection` over the buckets (whole-day bounds only)."""
        sel = np.ones(self.n.shape[0], dtype=bool)
        if blueprint_id is not None:
            code = frame.blueprints.index().get(blueprint_id)
            sel &= self.blueprint == (-1 if code is None else code)
        if candidate_group is not None:
            code = frame.groups.index().get(candidate_group)
            sel &= self.group == (-1 if code is None else code)
        if start is not None:
            sel &= self.day >= int(start // DAY)
        if stop is not None:
            sel &= self.day < int(stop // DAY)
        low_excluded = 0
        if not include_low:
            low_excluded = int(self.n[sel & self.low].sum())
            sel &= ~self.low
        sel &= self.n > 0
        return sel, low_excluded

    def groups(self, sel: NDArray[np.bool_], group_by: str) -> rates.PassRates:
        """`analytics.pass_rate_groups` over the selected buckets."""
        n, passed = self.n[sel], self.passed[sel]
        if group_by == "week":
            days = self.day[sel]
            keys: NDArray = days - (days + 3) % 7
        elif group_by == "month":
            keys = month_of(self.day[sel].astype(np.float64) * DAY)
        elif group_by == "blueprint":
            keys = self.blueprint[sel].astype(np.int32)
        elif group_by == "group":
            keys = self.group[sel].astype(np.int32)
        else:
            keys = np.zeros(n.shape[0], dtype=np.int64)
        labels, inverse = np.unique(keys, return_inverse=True)
        if group_by not in ("week", "month", "blueprint", "group"):
            labels = np.array(["all"])
        inverse = inverse.reshape(-1)
        count = np.bincount(inverse, weights=n, minlength=labels.shape[0]).astype(np.int64)
        ok = np.bincount(inverse, weights=passed, minlength=labels.shape[0]).astype(np.int64)
        lo, hi = rates.wilson_interval_array(ok, count)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = ok / count
        return rates.PassRates(groups=labels, n=count, passed=ok, rate=rate, lo=lo, hi=hi)


def add_day_counts(counts: dict[tuple[int, int, int, bool], list[int]], f: Frame) -> None:
    """Add the rows of `f` to results and passes per (blueprint, group, day, low)."""
    if f.n == 0:
        return
    low = f.low if f.low.shape[0] == f.n else np.zeros(f.n, dtype=np.bool_)
    day = np.floor(f.submitted / DAY).astype(np.int64)
    keys = np.column_stack([f.blueprint.astype(np.int64), f.group.astype(np.int64), day, low.astype(np.int64)])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = np.bincount(inverse, minlength=uniq.shape[0])
    ok = np.bincount(inverse, weights=f.passed, minlength=uniq.shape[0]).astype(np.int64)
    for (bp, grp, d, lo), cnt, p in zip(uniq.tolist(), n.tolist(), ok.tolist(), strict=True):
        cell = counts.setdefault((bp, grp, d, bool(lo)), [0, 0])
        cell[0] += cnt
        cell[1] += p


def day_buckets(counts: dict[tuple[int, int, int, bool], list[int]]) -> DayBuckets:
    keys = list(counts)
    values = np.asarray([counts[k] for k in keys], dtype=np.int64).reshape(-1, 2)
    cols = np.asarray(keys, dtype=np.int64).reshape(-1, 4)
    return DayBuckets(blueprint=cols[:, 0], group=cols[:, 1], day=cols[:, 2], low=cols[:, 3].astype(bool),
                      n=values[:, 0], passed=values[:, 1])
