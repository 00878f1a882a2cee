"""From the frame to the figures: pure numpy, no I/O, no wire types.

The engine calls these in a worker thread (through `snapshot.compute_snapshot`);
`presenters` turns their results into the answers' schemas.

Random forms. Each candidate sits a different form assembled from the bank,
so "the test" of classical test theory is a population of forms. Item
statistics use the bank matrix with a presentation mask (`scoring.stats`).
For the test-level reliability we use the form-averaged KR-20:

    KR-20 = k/(k-1) * (1 - mean over forms of sum_{j in form} var_j / var_T)
          = k/(k-1) * (1 - sum_j n_j var_j / (N var_T))

with var_j = n_j p_j q_j / (n_j - 1) from the n_j candidates who saw item j.
When everyone sat one form it is exactly KR-20 (all n_j = N).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from scoring.analysis.frame import Dense, Frame, ItemMeta, gather, response_matrix
from scoring.stats import classical, consistency, irt, rates
from shared.domains import DOMAIN_ORDER

FLAG_MIN_N = 30  # no flag on fewer responses to an item version
EAP_BLOCK_ROWS = 8192
MIN_A = 0.05  # an item whose slope is not clearly positive cannot anchor equating
MAX_ABS_B = 6.0
DEFAULT_CUT_PERCENT = 70.0  # the cut of a blueprint whose results carry none


# ---------------------------------------------------------------- IRT state


@dataclass(frozen=True, slots=True)
class IrtState:
    """One stored calibration, aligned by item version id."""

    calibration_id: int
    model: str
    calibrated_at: str
    n_attempts: int
    converged: bool
    iterations: int
    loglik: float
    seconds: float
    ids: NDArray[np.int64]
    n: NDArray[np.int64]
    a: NDArray[np.float64]
    b: NDArray[np.float64]
    se_a: NDArray[np.float64]
    se_b: NDArray[np.float64]
    infit: NDArray[np.float64]
    outfit: NDArray[np.float64]
    fit_chi2: NDArray[np.float64]
    fit_p: NDArray[np.float64]
    references: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)
    standards: dict[str, float] = field(default_factory=dict)  # blueprint id -> stored theta_c (reference scale)
    linked_to: int | None = None  # the calibration this one was linked to (None: it defines the scale)
    link_a: float = 1.0  # theta_ref = link_a * theta_own + link_b
    link_b: float = 0.0
    link_common: int = 0  # common item versions the link used

    def lookup(self, meta: ItemMeta) -> NDArray[np.int64]:
        """For each meta index, the index into this calibration's arrays, or -1."""
        pos = np.full(meta.size, -1, dtype=np.int64)
        if meta.size == 0 or self.ids.size == 0:
            return pos
        col_of = meta.col_of(int(self.ids.max()))
        cols = col_of[self.ids]
        ok = cols >= 0
        pos[cols[ok]] = np.arange(self.ids.shape[0])[ok]
        return pos

    def theta_cut(self, blueprint_id: str, cut_percent: float) -> float | None:
        """The blueprint's standard; without a stored one, derived from this calibration's reference form."""
        ref = self.references.get(blueprint_id)
        if ref is None or ref[0].size == 0:
            return None
        stored = self.standards.get(blueprint_id)
        if stored is not None:
            return stored
        return irt.equated_theta_cut(ref[0], ref[1], cut_percent / 100.0)


def abilities(
    frame: Frame, meta: ItemMeta, state: IrtState, rows: NDArray[np.int64]
) -> tuple[NDArray, NDArray]:
    """EAP theta and its SE for the given rows, from their calibrated items (NaN where none are)."""
    pos = state.lookup(meta)
    keep = pos >= 0
    theta = np.full(rows.shape[0], np.nan)
    se = np.full(rows.shape[0], np.nan)
    for lo in range(0, rows.shape[0], EAP_BLOCK_ROWS):
        block = rows[lo : lo + EAP_BLOCK_ROWS]
        m = response_matrix(frame, meta, block, keep)
        if m.cols.size == 0:
            continue
        p = pos[m.cols]
        est = irt.eap(m.X, state.a[p], state.b[p], mask=m.M)
        seen = m.M.any(axis=1)
        theta[lo : lo + block.shape[0]] = np.where(seen, est.theta, np.nan)
        se[lo : lo + block.shape[0]] = np.where(seen, est.sd, np.nan)
    return theta, se


# ---------------------------------------------------------------- calibration


@dataclass(frozen=True, slots=True)
class CalibrationRun:
    model: str
    n_attempts: int
    max_seq: int
    ids: NDArray[np.int64]  # item version ids of the kept items
    fit: irt.Calibration
    keep: NDArray[np.bool_]  # which of fit's items are usable (finite, a > MIN_A, |b| <= MAX_ABS_B)
    references: dict[str, NDArray[np.int64]]  # blueprint id -> item version ids of its reference form
    seconds: float


def calibrate(
    frame: Frame,
    meta: ItemMeta,
    *,
    max_attempts: int,
    min_item_responses: int,
    clock: Callable[[], float],
) -> list[CalibrationRun]:
    """2PL and Rasch calibrations of the most recent `max_attempts` results.

    Item versions with fewer than `min_item_responses` responses in the sample,
    or answered all right or all wrong (no information), are left out.
    """
    counted = np.flatnonzero(~frame.low) if frame.low.shape[0] == frame.n else np.arange(frame.n)
    rows = counted[-max_attempts:].astype(np.int64)  # low-answer attempts say little about items
    m = response_matrix(frame, meta, rows)
    n_j = m.M.sum(axis=0, dtype=np.int64)
    x_j = m.X.sum(axis=0, dtype=np.int64)
    usable = (n_j >= min_item_responses) & (x_j > 0) & (x_j < n_j)
    X, M = m.X[:, usable], m.M[:, usable]
    cols = m.cols[usable]
    has = M.any(axis=1)
    X, M = X[has], M[has]
    sample_rows = rows[has]
    if cols.size == 0 or X.shape[0] == 0:
        return []
    ids = meta.ids[cols]
    out = []
    for model in ("2pl", "rasch"):
        started = clock()
        fit = irt.calibrate(X, M, model=model)
        with np.errstate(invalid="ignore"):
            keep = np.isfinite(fit.a) & np.isfinite(fit.b) & (fit.a > MIN_A) & (np.abs(fit.b) <= MAX_ABS_B)
        references: dict[str, NDArray[np.int64]] = {}
        bp = frame.blueprint[sample_rows]
        for code in np.unique(bp):
            used = M[bp == code].any(axis=0) & keep
            references[frame.blueprints.values[int(code)]] = ids[used]
        out.append(
            CalibrationRun(
                model=model,
                n_attempts=int(X.shape[0]),
                max_seq=int(frame.seq[rows].max()),
                ids=ids,
                fit=fit,
                keep=keep,
                references=references,
                seconds=clock() - started,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class Link:
    linked_to: int | None  # the calibration linked to; None: the run defines the reference scale
    linking: irt.Linking


REFERENCE_SCALE = irt.Linking(A=1.0, B=0.0, n_common=0, iterations=0)  # the first calibration's own scale


def common_items(run: CalibrationRun, previous: dict[int, tuple[float, float]]) -> list[int]:
    """Indexes into the run of the kept item versions the previous calibration has too."""
    return [j for j in np.flatnonzero(run.keep).tolist() if int(run.ids[j]) in previous]


# ---------------------------------------------------------------- a blueprint now


def current_row(frame: Frame, rows: NDArray[np.int64]) -> int:
    """The row that carries a blueprint's current length and cut: its most recently started attempt.

    Scoring learns blueprints from the results delivery sends. After a blueprint's
    length (or cut) changed, attempts started before the change can still be
    submitted for a while (up to their time limit); the latest *started* attempt
    was assembled from the blueprint as it is now, so a late old-length result
    never takes the figures back to the old length.
    """
    if frame.started.shape[0] == frame.n and rows.size:
        return int(rows[int(np.argmax(frame.started[rows]))])
    return int(rows[-1])


def blueprint_now(frame: Frame, blueprint_id: str) -> tuple[int, float] | None:
    """The blueprint's current question count and percent cut (its latest started attempt's)."""
    code = frame.blueprints.index().get(blueprint_id)
    if code is None:
        return None
    rows = np.flatnonzero(frame.blueprint == code).astype(np.int64)
    if rows.size == 0:
        return None
    row = current_row(frame, rows)
    return int(frame.k[row]), float(frame.cut_percent[row])


def latest_cut_percents(frame: Frame) -> dict[str, float]:
    """Each blueprint's percent cut on its last row."""
    out: dict[str, float] = {}
    if frame.n == 0:
        return out
    # The last row of each blueprint carries its current cut.
    codes = frame.blueprint[::-1]
    _, first = np.unique(codes, return_index=True)
    for i in first.tolist():
        row = frame.n - 1 - i
        out[frame.blueprints.values[int(frame.blueprint[row])]] = float(frame.cut_percent[row])
    return out


# ---------------------------------------------------------------- item and test analysis


@dataclass(frozen=True, slots=True)
class ScopeStats:
    """What a score distribution needs from its scope's item analysis, per meta column."""

    cols: NDArray[np.int64]
    n: NDArray[np.int64]
    p: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ItemAnalysis:
    """Classical item analysis of a set of rows over the item versions they saw."""

    cols: NDArray[np.int64]  # meta index of each analysed item version
    keys: NDArray[np.int8]
    stats: classical.ItemStats
    p_lo: NDArray[np.float64]  # Wilson interval of p
    p_hi: NDArray[np.float64]

    @property
    def scope(self) -> ScopeStats:
        return ScopeStats(cols=self.cols, n=self.stats.n, p=self.stats.p)


def item_analysis(
    frame: Frame, meta: ItemMeta, dense: Dense, rows: NDArray[np.int64], flag_min_n: int
) -> ItemAnalysis:
    """Classical item analysis of the rows over the item versions they saw."""
    if rows.shape[0] == frame.n:
        C, M = dense.C, dense.M
    else:
        C, M = dense.C[rows], dense.M[rows]
    cols = np.flatnonzero(M.any(axis=0)).astype(np.int64)
    if cols.shape[0] != M.shape[1]:
        C, M = C[:, cols], M[:, cols]
    keys = meta.key[cols]
    X = (C == keys[None, :]).view(np.uint8)
    k = frame.k[rows]
    total: Literal["raw", "percent"] = "raw" if k.min() == k.max() else "percent"
    st = classical.item_analysis(X, C, keys, mask=M, total=total, min_n=flag_min_n)
    correct = np.rint(np.nan_to_num(st.p) * st.n)
    p_lo, p_hi = rates.wilson_interval_array(correct, st.n)
    return ItemAnalysis(cols=cols, keys=keys, stats=st, p_lo=p_lo, p_hi=p_hi)


def distribution(T: NDArray[np.float64]) -> tuple[float, float, float, float, float]:
    """Mean, median, SD (n - 1), skewness G1 (from n = 3) and excess kurtosis G2 (from n = 4),
    adjusted as SPSS: the shape figures are the stats core's (`classical.shape_moments`)."""
    n = T.shape[0]
    mean = float(T.mean())
    median = float(np.median(T))
    dev = T - mean
    m2, m3, m4 = float((dev**2).mean()), float((dev**3).mean()), float((dev**4).mean())
    sd = math.sqrt(m2 * n / (n - 1)) if n > 1 else float("nan")
    skew, kurt = classical.shape_moments(n, m2, m3, m4)
    return mean, median, sd, skew, kurt


def form_averaged_kr20(
    T: NDArray[np.float64],
    k: float,
    item_n: NDArray,
    item_p: NDArray,
    presented: NDArray | None = None,
) -> float:
    """KR-20 over randomised forms (see the module docstring); exact KR-20 on one form.

    item_n, item_p: each item's responses and difficulty, which give its variance.
    presented: how many of the candidates in T saw each item (default item_n:
    all who answered it are in T), i.e. the weights of the mean form's sum.
    """
    N = T.shape[0]
    if N < 2 or k < 2:
        return float("nan")
    var_T = float(T.var(ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        var_j = np.where(item_n > 1, item_n * item_p * (1.0 - item_p) / (item_n - 1.0), 0.0)
    if var_T <= 0.0:
        return float("nan")
    weights = item_n if presented is None else presented
    return float(k / (k - 1.0) * (1.0 - float((weights * var_j).sum()) / N / var_T))


def scope_of(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64]) -> ScopeStats:
    """Item n and p over just these rows, from their flat forms (two bincounts, no dense matrix)."""
    flat, _ = gather(frame, rows)
    ids = frame.items[flat]
    mcol = meta.col_of(int(ids.max(initial=0)))[ids]
    n = np.bincount(mcol, minlength=meta.size)
    right = np.bincount(mcol, weights=(frame.choices[flat] == meta.key[mcol]).astype(np.float64), minlength=meta.size)
    cols = np.flatnonzero(n > 0).astype(np.int64)
    return ScopeStats(cols=cols, n=n[cols].astype(np.int64), p=right[cols] / n[cols])


@dataclass(frozen=True, slots=True)
class DomainSubscores:
    """Per row and content area: questions right and questions sat (columns in `codes` order)."""

    codes: list[str]
    correct: NDArray[np.float64]  # rows x areas
    total: NDArray[np.float64]
    col_domain: NDArray[np.int64]  # the area index of each of the scope's item columns


def domain_subscores(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], st: ScopeStats) -> DomainSubscores:
    """Subscores straight from the flat forms: one bincount over (row, area) pairs, no dense matrix."""
    codes = sorted(set(meta.domain), key=lambda c: (DOMAIN_ORDER.get(c, 99), c))
    index = {c: i for i, c in enumerate(codes)}
    dom_of_meta = np.asarray([index[c] for c in meta.domain], dtype=np.int64)
    D = len(codes)
    flat, row_of = gather(frame, rows)
    ids = frame.items[flat]
    mcol = meta.col_of(int(ids.max(initial=0)))[ids]
    cell = row_of * D + dom_of_meta[mcol]
    right = frame.choices[flat] == meta.key[mcol]
    n = rows.shape[0]
    correct = np.bincount(cell, weights=right, minlength=n * D).reshape(n, D).astype(np.float64, copy=False)
    total = np.bincount(cell, minlength=n * D).reshape(n, D).astype(np.float64)
    return DomainSubscores(codes=codes, correct=correct, total=total, col_domain=dom_of_meta[st.cols])


@dataclass(frozen=True, slots=True)
class ScoreFigures:
    """Test-level figures of a blueprint over the results of its current length."""

    rows: NDArray[np.int64]  # the results counted: those of the current length
    scope: ScopeStats  # item n and p over those rows
    k: int  # the current question count
    cut_percent: float
    raw_cut: float
    other_length: int  # results of another length, left out
    mean: float
    median: float
    sd: float
    skewness: float
    kurtosis: float
    minimum: int
    maximum: int
    edges: NDArray[np.float64]  # histogram bin edges (raw score)
    counts: NDArray[np.int64]
    kr20: float  # form-averaged
    sem: float
    csem_at_cut: float  # Lord's conditional SEM at the raw cut
    passed: int
    equated: int  # results decided against their form's equated cut


def score_figures(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], st: ScopeStats) -> ScoreFigures:
    """Distribution, reliability and SEMs of a blueprint's results of its current length.

    The current length is that of the blueprint's latest started attempt (`current_row`);
    results of an older length are counted in `other_length` and enter none of the figures.
    """
    latest = current_row(frame, rows)
    k = int(frame.k[latest])
    cut_percent = float(frame.cut_percent[latest])
    same = frame.k[rows] == k
    other = int(rows.shape[0] - int(same.sum()))
    if other:
        rows = rows[same]
        st = scope_of(frame, meta, rows)  # item variances from the current-length results alone
    T = frame.raw[rows].astype(np.float64)
    raw_cut = cut_percent * k / 100.0
    mean, median, sd, skew, kurt = distribution(T)
    width = max(1, math.ceil((k + 1) / 60))
    edges = np.arange(0, k + width + 1, width, dtype=np.float64)
    counts, _ = np.histogram(T, bins=edges)
    rel = form_averaged_kr20(T, k, st.n.astype(np.float64), np.nan_to_num(st.p))
    sem = sd * math.sqrt(1.0 - rel) if math.isfinite(rel) and rel <= 1.0 else float("nan")
    csem = float(classical.lord_csem(raw_cut, k)) if k > 1 else float("nan")
    return ScoreFigures(
        rows=rows,
        scope=st,
        k=k,
        cut_percent=cut_percent,
        raw_cut=raw_cut,
        other_length=other,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skew,
        kurtosis=kurt,
        minimum=int(T.min()),
        maximum=int(T.max()),
        edges=edges,
        counts=counts,
        kr20=rel,
        sem=sem,
        csem_at_cut=csem,
        passed=int(frame.passed[rows].sum()),
        equated=int(frame.equated[rows].sum()),
    )


@dataclass(frozen=True, slots=True)
class DomainFigures:
    code: str
    items_per_form: float
    mean_percent: float
    sd_percent: float  # NaN from a single result
    reliability: float  # the area's own form-averaged KR-20


def domain_figures(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], st: ScopeStats) -> list[DomainFigures]:
    """Per content area the rows sat: mean subscore percent, its SD, the area's own KR-20."""
    sub = domain_subscores(frame, meta, rows, st)
    out = []
    for d, code in enumerate(sub.codes):
        sat = sub.total[:, d] > 0
        if not sat.any():
            continue
        score = sub.correct[sat, d]
        pct = 100.0 * score / sub.total[sat, d]
        k_d = float(sub.total[sat, d].mean())
        in_d = sub.col_domain == d
        # Whoever saw an item of the area is among `sat`: the n_j need no rescaling.
        rel = form_averaged_kr20(score, k_d, st.n[in_d].astype(np.float64), np.nan_to_num(st.p[in_d]))
        sd = float(pct.std(ddof=1)) if pct.size > 1 else float("nan")
        out.append(DomainFigures(code, k_d, float(pct.mean()), sd, rel))
    return out


@dataclass(frozen=True, slots=True)
class Rudner:
    accuracy: float
    consistency: float
    theta_cut: float
    n: int  # results with an ability estimate
    calibration_id: int


def rudner(
    frame: Frame,
    rows: NDArray[np.int64],
    bp_id: str,
    cut_percent: float,
    state: IrtState | None,
    theta: NDArray,
    theta_se: NDArray,
) -> Rudner | None:
    """Rudner's accuracy and consistency, when a calibration places this blueprint's cut."""
    if state is None or theta.shape[0] != frame.n:
        return None
    th, se = theta[rows], theta_se[rows]
    ok = np.isfinite(th) & np.isfinite(se)
    theta_c = state.theta_cut(bp_id, cut_percent)
    if not ok.any() or theta_c is None:
        return None
    dec = irt.rudner(th[ok], se[ok], theta_c)
    return Rudner(dec.accuracy, dec.consistency, theta_c, int(ok.sum()), state.calibration_id)


def subkoviak(T: NDArray[np.float64], k: int, raw_cut: float, rel: float) -> consistency.DecisionConsistency | None:
    """Subkoviak's classical agreement and kappa (before a calibration places the cut); None
    where the scores give none."""
    dec = consistency.subkoviak(T, k, raw_cut, rel)
    return dec if math.isfinite(dec.agreement) else None


# ---------------------------------------------------------------- pass rates


def pass_rate_selection(
    frame: Frame,
    blueprint_id: str | None,
    candidate_group: str | None,
    start: float | None,
    stop: float | None,
    include_low: bool,
) -> tuple[NDArray[np.bool_], int]:
    """The rows a pass-rate query selects, and how many low-answer attempts it left out."""
    f = frame
    sel = np.ones(f.n, dtype=bool)
    if blueprint_id is not None:
        code = f.blueprints.index().get(blueprint_id)
        sel &= f.blueprint == (-1 if code is None else code)
    if candidate_group is not None:
        code = f.groups.index().get(candidate_group)
        sel &= f.group == (-1 if code is None else code)
    if start is not None:
        sel &= f.submitted >= start
    if stop is not None:
        sel &= f.submitted < stop
    low_excluded = 0
    if not include_low and f.low.shape[0] == f.n:
        low_excluded = int((sel & f.low).sum())
        sel &= ~f.low
    return sel, low_excluded


GroupBy = Literal["none", "week", "month", "blueprint", "group"]


def pass_rate_groups(frame: Frame, sel: NDArray[np.bool_], group_by: GroupBy) -> rates.PassRates:
    """Pass rates of the selected rows, overall ("none") or per week (epoch day of its Monday),
    month (months since 1970-01), blueprint code or group code."""
    passed = frame.passed[sel]
    if group_by == "week":
        return rates.pass_rates(passed, monday_of(frame.submitted[sel]))
    if group_by == "month":
        return rates.pass_rates(passed, month_of(frame.submitted[sel]))
    if group_by == "blueprint":
        return rates.pass_rates(passed, frame.blueprint[sel])
    if group_by == "group":
        return rates.pass_rates(passed, frame.group[sel])
    return rates.pass_rates(passed)


def monday_of(submitted: NDArray[np.float64]) -> NDArray[np.int64]:
    """Epoch day of the Monday of each time's week."""
    days = np.floor(submitted / 86400.0).astype(np.int64)
    return days - (days + 3) % 7  # 1970-01-01 was a Thursday


def month_of(submitted: NDArray[np.float64]) -> NDArray[np.int64]:
    """Months since 1970-01 of each time."""
    return (submitted * 1e6).astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
