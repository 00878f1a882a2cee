"""From the analytics' figures to the answers' schemas (`analysis.schemas`). No I/O.

Every float goes through `finite_or_none` (rounded; None where a figure does not
exist: JSON has no NaN). The snapshot keeps what these build, so a dashboard
request only selects and encodes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from scoring.analysis import analytics, dates, disclosure
from scoring.analysis import schemas as s
from scoring.analysis.analytics import DEFAULT_CUT_PERCENT, IrtState, ItemAnalysis, ScopeStats
from scoring.analysis.frame import Frame, ItemMeta
from scoring.stats import classical, consistency, irt, rates
from scoring.wire import domain_name, finite_or_none, iso
from shared.contracts import LABELS
from shared.domains import DOMAIN_ORDER

OPTION_LABELS = (*LABELS, "omit")

# ---------------------------------------------------------------- items


def item_rows(
    meta: ItemMeta, analysis: ItemAnalysis, state: IrtState | None, irt_pos: NDArray[np.int64] | None
) -> list[s.ItemStatsOut]:
    """One row per analysed item version, small cells withheld, in area order."""
    st = analysis.stats
    share = st.option_share
    opt_r = st.option_r_rest
    out = []
    for j, col in enumerate(analysis.cols.tolist()):
        key = int(analysis.keys[j])
        options = [
            s.OptionStats(
                label=OPTION_LABELS[o],
                share=finite_or_none(share[j, o]) if share is not None else None,
                r_rest=finite_or_none(opt_r[j, o]) if opt_r is not None else None,
                key=o == key,
            )
            for o in range(len(OPTION_LABELS))
        ]
        irt_params = None
        if state is not None and irt_pos is not None and irt_pos[col] >= 0:
            q = int(irt_pos[col])
            irt_params = s.IrtParams(
                model=state.model,
                a=round(float(state.a[q]), 4),
                b=round(float(state.b[q]), 4),
                se_a=finite_or_none(state.se_a[q]),
                se_b=finite_or_none(state.se_b[q]),
                infit=finite_or_none(state.infit[q]),
                outfit=finite_or_none(state.outfit[q]),
                fit_p=finite_or_none(state.fit_p[q]),
                calibration_id=state.calibration_id,
            )
        out.append(disclosure.small_cells_withheld(
            s.ItemStatsOut(
                item_id=meta.item_id[col],
                version=int(meta.version[col]),
                domain=meta.domain[col],
                n=int(st.n[j]),
                p=finite_or_none(st.p[j]),
                p_ci_low=finite_or_none(analysis.p_lo[j]),
                p_ci_high=finite_or_none(analysis.p_hi[j]),
                r_pb=finite_or_none(st.r_pb[j]),
                r_pb_corrected=finite_or_none(st.r_rest[j]),
                r_ci_low=finite_or_none(st.r_rest_lo[j]),
                r_ci_high=finite_or_none(st.r_rest_hi[j]),
                upper_lower=finite_or_none(st.d_index[j]),
                alpha_if_deleted=finite_or_none(st.alpha_if_deleted[j]),
                options=options,
                flags=st.flags_for(j),
                irt=irt_params,
            )
        ))
    out.sort(key=lambda it: (DOMAIN_ORDER.get(it.domain, 99), it.item_id, it.version))
    return out


# ---------------------------------------------------------------- scores


def score_distribution(
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
    latest = analytics.current_row(frame, rows)
    k = int(frame.k[latest])
    cut_percent = float(frame.cut_percent[latest])
    same = frame.k[rows] == k
    other = int(rows.shape[0] - int(same.sum()))
    if other:
        rows = rows[same]
        st = analytics.scope_of(frame, meta, rows)  # item variances from the current-length results alone
    T = frame.raw[rows].astype(np.float64)
    raw_cut = cut_percent * k / 100.0
    mean, median, sd, skew, kurt = analytics.distribution(T)
    width = max(1, math.ceil((k + 1) / 60))
    edges = np.arange(0, k + width + 1, width, dtype=np.float64)
    hist, _ = np.histogram(T, bins=edges)
    rel = analytics.form_averaged_kr20(T, k, st.n.astype(np.float64), np.nan_to_num(st.p))
    sem = sd * math.sqrt(1.0 - rel) if math.isfinite(rel) and rel <= 1.0 else float("nan")
    csem = float(classical.lord_csem(raw_cut, k)) if k > 1 else float("nan")
    passed = int(frame.passed[rows].sum())
    equated = int(frame.equated[rows].sum())
    decision = rudner(frame, rows, bp_id, cut_percent, state, theta, theta_se)
    if decision is None:
        decision = subkoviak(T, k, raw_cut, rel)
    return s.ScoreDistribution(
        blueprint_id=bp_id,
        blueprint_name=frame.blueprints.extra.get(bp_id, bp_id),
        computed_at=computed_at,
        n=int(rows.shape[0]),
        question_count=k,
        mean=finite_or_none(mean),
        median=finite_or_none(median),
        sd=finite_or_none(sd),
        skewness=finite_or_none(skew),
        kurtosis=finite_or_none(kurt),
        min=int(T.min()),
        max=int(T.max()),
        mean_percent=finite_or_none(100.0 * mean / k, 2),
        histogram=[
            s.HistogramBin(low=float(edges[i]), high=float(edges[i + 1]), count=int(hist[i]))
            for i in range(hist.shape[0])
        ],
        cut_score_percent=cut_percent,
        raw_cut=round(raw_cut, 2),
        kr20=finite_or_none(rel),
        sem=finite_or_none(sem),
        csem_at_cut=finite_or_none(csem),
        passed=passed,
        pass_rate=finite_or_none(passed / rows.shape[0]),
        cut_used={"raw": int(rows.shape[0]) - equated, "equated": equated},
        domains=domain_means(frame, meta, rows, st),
        decision=decision,
        other_length_excluded=other,
    )


def rudner(
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


def subkoviak(T: NDArray[np.float64], k: int, raw_cut: float, rel: float) -> s.DecisionAccuracy | None:
    """Subkoviak's classical agreement and kappa, before a calibration places the cut."""
    dec = consistency.subkoviak(T, k, raw_cut, rel)
    if not math.isfinite(dec.agreement):
        return None
    return s.DecisionAccuracy(
        method="subkoviak",
        accuracy=None,
        consistency=round(dec.agreement, 4),
        kappa=finite_or_none(dec.kappa),
        raw_cut=round(raw_cut, 2),
        n=dec.n,
    )


def domain_means(frame: Frame, meta: ItemMeta, rows: NDArray[np.int64], st: ScopeStats) -> list[s.DomainMean]:
    """Per content area: mean subscore percent, its SD, and the area's own form-averaged KR-20."""
    sub = analytics.domain_subscores(frame, meta, rows, st)
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
        rel = analytics.form_averaged_kr20(score, k_d, st.n[in_d].astype(np.float64), np.nan_to_num(st.p[in_d]))
        out.append(
            s.DomainMean(
                code=code,
                name=domain_name(code),
                items_per_form=round(k_d, 2),
                mean_percent=finite_or_none(pct.mean(), 2),
                sd_percent=finite_or_none(pct.std(ddof=1), 2) if pct.size > 1 else None,
                reliability=finite_or_none(rel),
            )
        )
    return out


def blueprint_summary(
    frame: Frame, rows: NDArray[np.int64], bp_id: str, dist: s.ScoreDistribution
) -> s.BlueprintSummary:
    passed = int(frame.passed[rows].sum())
    lo, hi = rates.wilson_interval(passed, int(rows.size))
    return s.BlueprintSummary(
        blueprint_id=bp_id,
        blueprint_name=frame.blueprints.extra.get(bp_id, bp_id),
        attempts=int(rows.size),
        passed=passed,
        pass_rate=finite_or_none(passed / rows.size),
        ci_low=finite_or_none(lo),
        ci_high=finite_or_none(hi),
        mean_percent=dist.mean_percent,
        kr20=dist.kr20,
        last_submitted_at=iso(dt.datetime.fromtimestamp(float(frame.submitted[rows].max()), dt.UTC)),
    )


# ---------------------------------------------------------------- pass rates


def pass_rate_table(
    frame: Frame, computed_at: str, n_attempts: int, q: s.PassRateQuery, start: float | None, stop: float | None
) -> s.PassRates:
    f = frame
    sel, low_excluded = analytics.pass_rate_selection(
        f, q.blueprint_id, q.candidate_group, start, stop, q.include_low_answer
    )
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
        groups = _groups(
            rates.pass_rates(passed, analytics.monday_of(f.submitted[sel])),
            lambda g: dates.week_label(int(g)),
            lambda g: (dates.day(int(g)), dates.day(int(g) + 7)),
        )
    elif passed.size and q.group_by == "month":
        groups = _groups(
            rates.pass_rates(passed, analytics.month_of(f.submitted[sel])),
            lambda g: dates.month(int(g)).strftime("%Y-%m"),
            lambda g: (dates.month(int(g)).isoformat(), dates.month(int(g) + 1).isoformat()),
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
        computed_at=computed_at,
        n_attempts=n_attempts,
        low_answer_excluded=low_excluded,
    )


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
                pass_rate=finite_or_none(pr.rate[i]),
                ci_low=finite_or_none(pr.lo[i]),
                ci_high=finite_or_none(pr.hi[i]),
                start=start,
                end=end,
            )
        )
    return out


# ---------------------------------------------------------------- calibration


def calibration(state: IrtState | None, meta: ItemMeta, cuts: dict[str, float]) -> s.Calibration | None:
    """A stored calibration as `/api/stats/irt` shows it; `cuts`: each blueprint's current percent cut."""
    if state is None:
        return None
    pos = {int(i): j for j, i in enumerate(meta.ids.tolist())}
    items = []
    for q, item_version_id in enumerate(state.ids.tolist()):
        j = pos.get(int(item_version_id))
        if j is None:
            continue
        items.append(
            s.IrtItem(
                item_id=meta.item_id[j],
                version=int(meta.version[j]),
                domain=meta.domain[j],
                n=int(state.n[q]),
                a=round(float(state.a[q]), 4),
                b=round(float(state.b[q]), 4),
                se_a=finite_or_none(state.se_a[q]),
                se_b=finite_or_none(state.se_b[q]),
                infit=finite_or_none(state.infit[q]),
                outfit=finite_or_none(state.outfit[q]),
                fit_chi2=finite_or_none(state.fit_chi2[q]),
                fit_p=finite_or_none(state.fit_p[q]),
            )
        )
    items.sort(key=lambda it: (it.item_id, it.version))
    blueprints = []
    for bp_id, (a, _) in sorted(state.references.items()):
        cut = cuts.get(bp_id, DEFAULT_CUT_PERCENT)
        theta_c = state.theta_cut(bp_id, cut)
        if theta_c is not None:
            blueprints.append(
                s.BlueprintCut(
                    blueprint_id=bp_id,
                    reference_items=int(a.shape[0]),
                    cut_score_percent=cut,
                    theta_cut=round(theta_c, 4),
                )
            )
    return s.Calibration(
        calibration_id=state.calibration_id,
        model=state.model,
        calibrated_at=state.calibrated_at,
        n_attempts=state.n_attempts,
        n_items=int(state.ids.shape[0]),
        converged=state.converged,
        iterations=state.iterations,
        loglik=round(state.loglik, 3),
        seconds=round(state.seconds, 3),
        blueprints=blueprints,
        items=items,
        linked_to=state.linked_to,
        link_a=round(state.link_a, 6),
        link_b=round(state.link_b, 6),
        link_common=state.link_common,
    )
