"""From the frame to the dashboards' answers: pure numpy, no I/O.

The engine calls `compute_snapshot` in a worker thread whenever results have
arrived; handlers then answer from the snapshot. Pass rates, the only
statistic whose filters are free-form (blueprint, dates, group), are computed
per request from the snapshot's columns: a handful of vectorised operations on
arrays of length N, cached per snapshot and query.

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

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from scoring import disclosure
from scoring import schemas as s
from scoring.frame import Dense, Frame, ItemMeta, gather, response_matrix
from scoring.grading import LABELS, domain_name, iso
from scoring.stats import classical, consistency, irt, rates
from shared.domains import DOMAIN_ORDER

FLAG_MIN_N = 30  # no flag on fewer responses to an item version
EAP_BLOCK_ROWS = 8192
MIN_A = 0.05  # an item whose slope is not clearly positive cannot anchor equating
MAX_ABS_B = 6.0


def _f(x: float | np.floating | None, digits: int = 4) -> float | None:
    """A finite float rounded for the wire, or None (JSON has no NaN)."""
    if x is None:
        return None
    v = float(x)
    return round(v, digits) if math.isfinite(v) else None


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
        fit = irt.calibrate(X, M, model=model)  # type: ignore[arg-type]
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


# ---------------------------------------------------------------- snapshot


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    computed_at: str
    frame: Frame
    items: dict[str, list[s.ItemStatsOut]]  # scope ("" = every blueprint, else a blueprint id)
    scores: dict[str, s.ScoreDistribution]
    blueprints: s.BlueprintSummaries
    theta: NDArray[np.float64]
    theta_se: NDArray[np.float64]
    seq_order: NDArray[np.int64]  # frame rows in seq order, to find a result's row
    sorted_seq: NDArray[np.int64]  # frame.seq[seq_order], built once per snapshot: a lookup is a binary search

    @property
    def n_attempts(self) -> int:
        return self.frame.n

    def ability(self, seq: int) -> tuple[float, float] | None:
        """The latest EAP ability and its SE of the result with this seq, if it has one."""
        if self.theta.shape[0] != self.frame.n or self.frame.n == 0:
            return None
        sorted_seq = self.sorted_seq
        i = int(np.searchsorted(sorted_seq, seq))
        if i >= sorted_seq.shape[0] or sorted_seq[i] != seq:
            return None
        row = int(self.seq_order[i])
        t, se = float(self.theta[row]), float(self.theta_se[row])
        return (round(t, 4), round(se, 4)) if math.isfinite(t) and math.isfinite(se) else None

    def default_blueprint(self) -> str | None:
        if not self.blueprints.blueprints:
            return None
        return max(self.blueprints.blueprints, key=lambda b: b.attempts).blueprint_id


def compute_snapshot(
    version: int,
    now: dt.datetime,
    frame: Frame,
    meta: ItemMeta,
    dense: Dense,
    state: IrtState | None,
    theta: NDArray[np.float64],
    theta_se: NDArray[np.float64],
    *,
    flag_min_n: int = FLAG_MIN_N,
    previous: Snapshot | None = None,
    changed: set[str] | None = None,
    include_low: bool = False,
) -> Snapshot:
    """Item analysis per scope, score distributions, summaries.

    Attempts with too few answers (`frame.low`) are left out unless `include_low`.

    `dense` must be synced to `frame`. With `previous` and `changed` (the
    blueprints that got results since `previous`), the other blueprints' item
    analyses and distributions are reused: a submission costs the analysis of
    its own blueprint and of the whole bank, not of every blueprint.
    """
    computed_at = iso(now)
    irt_pos = state.lookup(meta) if state is not None else None
    items: dict[str, list[s.ItemStatsOut]] = {"": []}
    scores: dict[str, s.ScoreDistribution] = {}
    single = len(frame.blueprints.values) == 1
    everyone_stats: ScopeStats | None = None
    counted = np.ones(frame.n, dtype=np.bool_) if include_low or frame.low.shape[0] != frame.n else ~frame.low
    everyone = np.flatnonzero(counted).astype(np.int64)
    if everyone.size:
        items[""], everyone_stats = _item_rows(frame, meta, dense, everyone, state, irt_pos, flag_min_n)
    summaries = []
    for code, bp_id in enumerate(frame.blueprints.values):
        rows = np.flatnonzero((frame.blueprint == code) & counted).astype(np.int64)
        if rows.size == 0:
            continue
        if previous is not None and changed is not None and bp_id not in changed and bp_id in previous.scores:
            items[bp_id], dist = previous.items[bp_id], previous.scores[bp_id]
        else:
            if single and everyone_stats is not None:
                items[bp_id], st = items[""], everyone_stats  # the bank's scope is this blueprint's
            else:
                items[bp_id], st = _item_rows(frame, meta, dense, rows, state, irt_pos, flag_min_n)
            dist = _score_distribution(frame, meta, rows, st, bp_id, computed_at, state, theta, theta_se)
        scores[bp_id] = dist
        passed = int(frame.passed[rows].sum())
        lo, hi = rates.wilson_interval(passed, int(rows.size))
        summaries.append(
            s.BlueprintSummary(
                blueprint_id=bp_id,
                blueprint_name=frame.blueprints.extra.get(bp_id, bp_id),
                attempts=int(rows.size),
                passed=passed,
                pass_rate=_f(passed / rows.size),
                ci_low=_f(lo),
                ci_high=_f(hi),
                mean_percent=dist.mean_percent,
                kr20=dist.kr20,
                last_submitted_at=iso(dt.datetime.fromtimestamp(float(frame.submitted[rows].max()), dt.UTC)),
            )
        )
    summaries.sort(key=lambda b: (-b.attempts, b.blueprint_name))
    seq_order = np.argsort(frame.seq, kind="stable")
    return Snapshot(
        version=version,
        computed_at=computed_at,
        frame=frame,
        items=items,
        scores=scores,
        blueprints=s.BlueprintSummaries(
            blueprints=summaries, computed_at=computed_at, n_attempts=int(everyone.size)
        ),
        theta=theta,
        theta_se=theta_se,
        seq_order=seq_order,
        sorted_seq=frame.seq[seq_order],
    )


@dataclass(frozen=True, slots=True)
class ScopeStats:
    """What a score distribution needs from its scope's item analysis, per meta column."""

    cols: NDArray[np.int64]
    n: NDArray[np.int64]
    p: NDArray[np.float64]


def _item_rows(
    frame: Frame,
    meta: ItemMeta,
    dense: Dense,
    rows: NDArray[np.int64],
    state: IrtState | None,
    irt_pos: NDArray[np.int64] | None,
    flag_min_n: int,
) -> tuple[list[s.ItemStatsOut], ScopeStats]:
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
    total = "raw" if k.min() == k.max() else "percent"
    st = classical.item_analysis(X, C, keys, mask=M, total=total, min_n=flag_min_n)
    correct = np.rint(np.nan_to_num(st.p) * st.n)
    p_lo, p_hi = rates.wilson_interval_array(correct, st.n)
    out = []
    labels = (*LABELS, "omit")
    share = st.option_share
    opt_r = st.option_r_rest
    for j, col in enumerate(cols.tolist()):
        key = int(keys[j])
        options = [
            s.OptionStats(
                label=labels[o],
                share=_f(share[j, o]) if share is not None else None,
                r_rest=_f(opt_r[j, o]) if opt_r is not None else None,
                key=o == key,
            )
            for o in range(len(labels))
        ]
        irt_params = None
        if state is not None and irt_pos is not None and irt_pos[col] >= 0:
            q = int(irt_pos[col])
            irt_params = s.IrtParams(
                model=state.model,
                a=round(float(state.a[q]), 4),
                b=round(float(state.b[q]), 4),
                se_a=_f(state.se_a[q]),
                se_b=_f(state.se_b[q]),
                infit=_f(state.infit[q]),
                outfit=_f(state.outfit[q]),
                fit_p=_f(state.fit_p[q]),
                calibration_id=state.calibration_id,
            )
        out.append(disclosure.small_cells_withheld(
            s.ItemStatsOut(
                item_id=meta.item_id[col],
                version=int(meta.version[col]),
                domain=meta.domain[col],
                n=int(st.n[j]),
                p=_f(st.p[j]),
                p_ci_low=_f(p_lo[j]),
                p_ci_high=_f(p_hi[j]),
                r_pb=_f(st.r_pb[j]),
                r_pb_corrected=_f(st.r_rest[j]),
                r_ci_low=_f(st.r_rest_lo[j]),
                r_ci_high=_f(st.r_rest_hi[j]),
                upper_lower=_f(st.d_index[j]),
                alpha_if_deleted=_f(st.alpha_if_deleted[j]),
                options=options,
                flags=st.flags_for(j),
                irt=irt_params,
            )
        ))
    out.sort(key=lambda it: (DOMAIN_ORDER.get(it.domain, 99), it.item_id, it.version))
    return out, ScopeStats(cols=cols, n=st.n, p=st.p)


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


def _scope_of(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64]) -> ScopeStats:
    """Item n and p over just these rows, from their flat forms (two bincounts, no dense matrix)."""
    flat, _ = gather(frame, rows)
    ids = frame.items[flat]
    mcol = meta.col_of(int(ids.max(initial=0)))[ids]
    n = np.bincount(mcol, minlength=meta.size)
    right = np.bincount(mcol, weights=(frame.choices[flat] == meta.key[mcol]).astype(np.float64), minlength=meta.size)
    cols = np.flatnonzero(n > 0).astype(np.int64)
    return ScopeStats(cols=cols, n=n[cols].astype(np.int64), p=right[cols] / n[cols])


def _score_distribution(
    frame: Frame,
    meta: ItemMeta,
    rows: NDArray[np.int64],
    st: ScopeStats,
    bp_id: str,
    computed_at: str,
    state: IrtState | None,
    theta: NDArray,
    theta_se: NDArray,
) -> s.ScoreDistribution:
    """Test-level and per-area figures of a blueprint, over the results of its current length.

    The current length is that of the blueprint's latest started attempt (`current_row`);
    results of an older length are counted in `other_length_excluded` and enter none of
    the figures here (item statistics, pass rates and summaries still count them).
    """
    latest = current_row(frame, rows)
    k = int(frame.k[latest])
    cut_percent = float(frame.cut_percent[latest])
    same = frame.k[rows] == k
    other = int(rows.shape[0] - int(same.sum()))
    if other:
        rows = rows[same]
        st = _scope_of(frame, meta, rows)  # item variances from the current-length results alone
    T = frame.raw[rows].astype(np.float64)
    raw_cut = cut_percent * k / 100.0
    mean, median, sd, skew, kurt = distribution(T)
    width = max(1, math.ceil((k + 1) / 60))
    edges = np.arange(0, k + width + 1, width, dtype=np.float64)
    hist, _ = np.histogram(T, bins=edges)
    rel = form_averaged_kr20(T, k, st.n.astype(np.float64), np.nan_to_num(st.p))
    sem = sd * math.sqrt(1.0 - rel) if math.isfinite(rel) and rel <= 1.0 else float("nan")
    csem = float(classical.lord_csem(raw_cut, k)) if k > 1 else float("nan")
    passed = int(frame.passed[rows].sum())
    equated = int(frame.equated[rows].sum())
    decision = _rudner(frame, rows, bp_id, cut_percent, state, theta, theta_se)
    if decision is None:
        decision = _subkoviak(T, k, raw_cut, rel)
    return s.ScoreDistribution(
        blueprint_id=bp_id,
        blueprint_name=frame.blueprints.extra.get(bp_id, bp_id),
        computed_at=computed_at,
        n=int(rows.shape[0]),
        question_count=k,
        mean=_f(mean),
        median=_f(median),
        sd=_f(sd),
        skewness=_f(skew),
        kurtosis=_f(kurt),
        min=int(T.min()),
        max=int(T.max()),
        mean_percent=_f(100.0 * mean / k, 2),
        histogram=[
            s.HistogramBin(low=float(edges[i]), high=float(edges[i + 1]), count=int(hist[i]))
            for i in range(hist.shape[0])
        ],
        cut_score_percent=cut_percent,
        raw_cut=round(raw_cut, 2),
        kr20=_f(rel),
        sem=_f(sem),
        csem_at_cut=_f(csem),
        passed=passed,
        pass_rate=_f(passed / rows.shape[0]),
        cut_used={"raw": int(rows.shape[0]) - equated, "equated": equated},
        domains=_domain_means(frame, meta, rows, st),
        decision=decision,
        other_length_excluded=other,
    )


def _rudner(
    frame: Frame,
    rows: NDArray[np.int64],
    bp_id: str,
    cut_percent: float,
    state: IrtState | None,
    theta: NDArray,
    theta_se: NDArray,
) -> s.DecisionAccuracy | None:
    """Rudner's accuracy and consistency, when a calibration places this blueprint's cut."""
    if state is None or theta.shape[0] != frame.n:
        return None
    th, se = theta[rows], theta_se[rows]
    ok = np.isfinite(th) & np.isfinite(se)
    theta_c = state.theta_cut(bp_id, cut_percent)
    if not ok.any() or theta_c is None:
        return None
    dec = irt.rudner(th[ok], se[ok], theta_c)
    return s.DecisionAccuracy(
        method="rudner",
        accuracy=round(dec.accuracy, 4),
        consistency=round(dec.consistency, 4),
        theta_cut=round(theta_c, 4),
        n=int(ok.sum()),
        calibration_id=state.calibration_id,
    )


def _subkoviak(T: NDArray[np.float64], k: int, raw_cut: float, rel: float) -> s.DecisionAccuracy | None:
    """Subkoviak's classical agreement and kappa, before a calibration places the cut."""
    dec = consistency.subkoviak(T, k, raw_cut, rel)
    if not math.isfinite(dec.agreement):
        return None
    return s.DecisionAccuracy(
        method="subkoviak",
        accuracy=None,
        consistency=round(dec.agreement, 4),
        kappa=_f(dec.kappa),
        raw_cut=round(raw_cut, 2),
        n=dec.n,
    )


def _domain_means(
    frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], st: ScopeStats
) -> list[s.DomainMean]:
    """Per content area: mean subscore percent, its SD, and the area's own form-averaged KR-20.

    Subscores come straight from the flat forms: one bincount over
    (row, area) pairs, no dense matrix.
    """
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
    correct = np.bincount(cell, weights=right, minlength=n * D).reshape(n, D)
    total = np.bincount(cell, minlength=n * D).reshape(n, D).astype(np.float64)
    col_dom = dom_of_meta[st.cols]
    out = []
    for d, code in enumerate(codes):
        sat = total[:, d] > 0
        if not sat.any():
            continue
        sub = correct[sat, d]
        pct = 100.0 * sub / total[sat, d]
        k_d = float(total[sat, d].mean())
        in_d = col_dom == d
        # Whoever saw an item of the area is among `sat`: the n_j need no rescaling.
        rel = form_averaged_kr20(sub, k_d, st.n[in_d].astype(np.float64), np.nan_to_num(st.p[in_d]))
        out.append(
            s.DomainMean(
                code=code,
                name=domain_name(code),
                items_per_form=round(k_d, 2),
                mean_percent=_f(pct.mean(), 2),
                sd_percent=_f(pct.std(ddof=1), 2) if pct.size > 1 else None,
                reliability=_f(rel),
            )
        )
    return out


# ---------------------------------------------------------------- pass rates


def parse_bound(value: str | None, field_name: str, end: bool) -> float | None:
    """Epoch seconds of a `from`/`to` bound: a date (whole day) or an ISO 8601 time."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            return (start + dt.timedelta(days=1 if end else 0)).timestamp()
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(field_name) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _day(epoch_day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=epoch_day)).isoformat()


def pass_rate_table(
    snapshot: Snapshot, q: s.PassRateQuery, start: float | None, stop: float | None
) -> s.PassRates:
    f = snapshot.frame
    sel = np.ones(f.n, dtype=bool)
    if q.blueprint_id is not None:
        code = f.blueprints.index().get(q.blueprint_id)
        sel &= f.blueprint == (-1 if code is None else code)
    if q.candidate_group is not None:
        code = f.groups.index().get(q.candidate_group)
        sel &= f.group == (-1 if code is None else code)
    if start is not None:
        sel &= f.submitted >= start
    if stop is not None:
        sel &= f.submitted < stop
    low_excluded = 0
    if not q.include_low_answer and f.low.shape[0] == f.n:
        low_excluded = int((sel & f.low).sum())
        sel &= ~f.low
    passed = f.passed[sel]
    overall = (
        _groups(rates.pass_rates(passed), lambda g: "all")[0]
        if passed.size
        else s.PassRateGroup(label="all", attempts=0, passed=0, pass_rate=None, ci_low=None, ci_high=None)
    )
    groups: list[s.PassRateGroup] = []
    if passed.size and q.group_by == "none":
        groups = [overall]
    elif passed.size and q.group_by == "week":
        days = np.floor(f.submitted[sel] / 86400.0).astype(np.int64)
        monday = days - (days + 3) % 7  # 1970-01-01 was a Thursday
        groups = _groups(
            rates.pass_rates(passed, monday),
            lambda g: _week_label(int(g)),
            lambda g: (_day(int(g)), _day(int(g) + 7)),
        )
    elif passed.size and q.group_by == "month":
        months = (f.submitted[sel] * 1e6).astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
        groups = _groups(
            rates.pass_rates(passed, months),
            lambda g: _month(int(g)).strftime("%Y-%m"),
            lambda g: (_month(int(g)).isoformat(), _month(int(g) + 1).isoformat()),
        )
    elif passed.size and q.group_by == "blueprint":
        names = f.blueprints
        groups = _groups(
            rates.pass_rates(passed, f.blueprint[sel]),
            lambda g: names.extra.get(names.values[int(g)], names.values[int(g)]),
        )
    elif passed.size and q.group_by == "group":
        groups = _groups(
            rates.pass_rates(passed, f.group[sel]), lambda g: f.groups.values[int(g)] or "(none)"
        )
    return s.PassRates(
        group_by=q.group_by,
        groups=groups,
        overall=overall,
        computed_at=snapshot.computed_at,
        n_attempts=snapshot.n_attempts,
        low_answer_excluded=low_excluded,
    )


def _week_label(monday: int) -> str:
    year, week, _ = (dt.date(1970, 1, 1) + dt.timedelta(days=monday)).isocalendar()
    return f"{year}-W{week:02d}"


def _month(index: int) -> dt.date:
    return dt.date(1970 + index // 12, index % 12 + 1, 1)


def _groups(
    pr: rates.PassRates,
    label: Callable[[object], str],
    span: Callable[[object], tuple[str, str]] | None = None,
) -> list[s.PassRateGroup]:
    out = []
    for i in range(pr.groups.shape[0]):
        g = pr.groups[i]
        start, end = span(g) if span is not None else (None, None)
        out.append(
            s.PassRateGroup(
                label=label(g),
                attempts=int(pr.n[i]),
                passed=int(pr.passed[i]),
                pass_rate=_f(pr.rate[i]),
                ci_low=_f(pr.lo[i]),
                ci_high=_f(pr.hi[i]),
                start=start,
                end=end,
            )
        )
    return out
