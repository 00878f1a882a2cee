"""From the analytics' figures to the answers' schemas (`analysis.schemas`). No I/O.

Every float goes through `finite_or_none` (rounded; None where a figure does not
exist: JSON has no NaN). The snapshot keeps what these build, so a dashboard
request only selects and encodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoring.analysis import analytics, dates, disclosure
from scoring.analysis import schemas as s
from scoring.analysis.analytics import DEFAULT_CUT_PERCENT, IrtState, ItemAnalysis, ScopeStats
from scoring.analysis.frame import Frame, ItemMeta
from scoring.analysis.sufficient import DayBuckets
from scoring.stats import consistency, rates
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
    """Test-level and per-area figures of a blueprint, over the results of its current length
    (`analytics.score_figures`); item statistics, pass rates and summaries still count the others."""
    fig = analytics.score_figures(frame, meta, rows, st)
    rows = fig.rows
    decision = decision_of_rudner(analytics.rudner(frame, rows, bp_id, fig.cut_percent, state, theta, theta_se))
    if decision is None:
        scores = frame.raw[rows].astype(np.float64)
        decision = decision_of_subkoviak(analytics.subkoviak(scores, fig.k, fig.raw_cut, fig.kr20), fig.raw_cut)
    domains = analytics.domain_figures(frame, meta, rows, fig.scope)
    return distribution_answer(fig, int(rows.shape[0]), domains, decision, bp_id,
                               frame.blueprints.extra.get(bp_id, bp_id), computed_at)


def distribution_answer(
    fig: analytics.ScoreFigures,
    n: int,
    domains: list[analytics.DomainFigures],
    decision: s.DecisionAccuracy | None,
    bp_id: str,
    bp_name: str,
    computed_at: str,
) -> s.ScoreDistribution:
    """The `/api/stats/scores` answer of a blueprint's figures (from the full recompute or from
    the sufficient statistics: `sufficient`)."""
    return s.ScoreDistribution(
        blueprint_id=bp_id,
        blueprint_name=bp_name,
        computed_at=computed_at,
        n=n,
        question_count=fig.k,
        mean=finite_or_none(fig.mean),
        median=finite_or_none(fig.median),
        sd=finite_or_none(fig.sd),
        skewness=finite_or_none(fig.skewness),
        kurtosis=finite_or_none(fig.kurtosis),
        min=fig.minimum,
        max=fig.maximum,
        mean_percent=finite_or_none(100.0 * fig.mean / fig.k, 2),
        histogram=[
            s.HistogramBin(low=float(fig.edges[i]), high=float(fig.edges[i + 1]), count=int(fig.counts[i]))
            for i in range(fig.counts.shape[0])
        ],
        cut_score_percent=fig.cut_percent,
        raw_cut=round(fig.raw_cut, 2),
        kr20=finite_or_none(fig.kr20),
        sem=finite_or_none(fig.sem),
        csem_at_cut=finite_or_none(fig.csem_at_cut),
        passed=fig.passed,
        pass_rate=finite_or_none(fig.passed / n),
        cut_used={"raw": n - fig.equated, "equated": fig.equated},
        domains=domain_answers(domains),
        decision=decision,
        other_length_excluded=fig.other_length,
    )


def decision_of_rudner(dec: analytics.Rudner | None) -> s.DecisionAccuracy | None:
    """Rudner's accuracy and consistency, when a calibration places the blueprint's cut."""
    if dec is None:
        return None
    return s.DecisionAccuracy(
        method="rudner",
        accuracy=round(dec.accuracy, 4),
        consistency=round(dec.consistency, 4),
        theta_cut=round(dec.theta_cut, 4),
        n=dec.n,
        calibration_id=dec.calibration_id,
    )


def decision_of_subkoviak(dec: consistency.DecisionConsistency | None, raw_cut: float) -> s.DecisionAccuracy | None:
    """Subkoviak's classical agreement and kappa, before a calibration places the cut."""
    if dec is None:
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
    return domain_answers(analytics.domain_figures(frame, meta, rows, st))


def domain_answers(figures: list[analytics.DomainFigures]) -> list[s.DomainMean]:
    return [
        s.DomainMean(
            code=d.code,
            name=domain_name(d.code),
            items_per_form=round(d.items_per_form, 2),
            mean_percent=finite_or_none(d.mean_percent, 2),
            sd_percent=finite_or_none(d.sd_percent, 2),
            reliability=finite_or_none(d.reliability),
        )
        for d in figures
    ]


def blueprint_summary(
    frame: Frame, rows: NDArray[np.int64], bp_id: str, dist: s.ScoreDistribution
) -> s.BlueprintSummary:
    return summary_answer(
        bp_id, frame.blueprints.extra.get(bp_id, bp_id), int(rows.size), int(frame.passed[rows].sum()),
        float(frame.submitted[rows].max()), dist,
    )


def summary_answer(
    bp_id: str, bp_name: str, attempts: int, passed: int, last_submitted: float, dist: s.ScoreDistribution
) -> s.BlueprintSummary:
    lo, hi = rates.wilson_interval(passed, attempts)
    return s.BlueprintSummary(
        blueprint_id=bp_id,
        blueprint_name=bp_name,
        attempts=attempts,
        passed=passed,
        pass_rate=finite_or_none(passed / attempts),
        ci_low=finite_or_none(lo),
        ci_high=finite_or_none(hi),
        mean_percent=dist.mean_percent,
        kr20=dist.kr20,
        last_submitted_at=iso(dt.datetime.fromtimestamp(last_submitted, dt.UTC)),
    )


# ---------------------------------------------------------------- pass rates


def pass_rate_table(
    frame: Frame, computed_at: str, n_attempts: int, q: s.PassRateQuery, start: float | None, stop: float | None,
    days: DayBuckets | None = None,
) -> s.PassRates:
    """The pass-rate table of a query over the frame (`start`/`stop` in epoch seconds); from the
    per-day counts `days` when the bounds are whole days."""
    f = frame
    if days is not None and days.covers(start, stop):
        sel, low_excluded = days.selection(f, q.blueprint_id, q.candidate_group, start, stop, q.include_low_answer)

        def group_rates(by: analytics.GroupBy) -> rates.PassRates:
            return days.groups(sel, by)
    else:
        sel, low_excluded = analytics.pass_rate_selection(
            f, q.blueprint_id, q.candidate_group, start, stop, q.include_low_answer
        )

        def group_rates(by: analytics.GroupBy) -> rates.PassRates:
            return analytics.pass_rate_groups(f, sel, by)
    any_selected = bool(sel.any())
    overall = (
        _groups(group_rates("none"), lambda g: "all")[0]
        if any_selected
        else s.PassRateGroup(label="all", attempts=0, passed=0, pass_rate=None, ci_low=None, ci_high=None)
    )
    groups: list[s.PassRateGroup] = []
    if not any_selected:
        pass
    elif q.group_by == "none":
        groups = [overall]
    elif q.group_by == "week":
        groups = _groups(
            group_rates("week"),
            lambda g: dates.week_label(int(g)),
            lambda g: (dates.day(int(g)), dates.day(int(g) + 7)),
        )
    elif q.group_by == "month":
        groups = _groups(
            group_rates("month"),
            lambda g: dates.month(int(g)).strftime("%Y-%m"),
            lambda g: (dates.month(int(g)).isoformat(), dates.month(int(g) + 1).isoformat()),
        )
    elif q.group_by == "blueprint":
        names = f.blueprints
        groups = _groups(
            group_rates("blueprint"),
            lambda g: names.extra.get(names.values[int(g)], names.values[int(g)]),
        )
    elif q.group_by == "group":
        groups = _groups(group_rates("group"), lambda g: f.groups.values[int(g)] or "(none)")
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
    label: Callable[[Any], str],
    span: Callable[[Any], tuple[str, str]] | None = None,
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
