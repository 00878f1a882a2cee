"""The snapshot the dashboards read: every answer of the statistics, computed at once.

The engine computes it in a worker thread whenever results have arrived
(`compute_snapshot`); handlers then answer from it. Pass rates, the only
statistic whose filters are free-form (blueprint, dates, group), are computed
per request from the snapshot's columns (`Snapshot.pass_rates`): a handful of
vectorised operations on arrays of length N, cached per snapshot and query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scoring.analysis import analytics, presenters, sufficient
from scoring.analysis import schemas as s
from scoring.analysis.analytics import FLAG_MIN_N, IrtState, ScopeStats
from scoring.analysis.frame import Dense, Frame, ItemMeta
from scoring.wire import finite_or_none, iso


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
    days: sufficient.DayBuckets | None = None  # pass counts per day: whole-day queries need no pass over the results

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
        t, se = finite_or_none(self.theta[row]), finite_or_none(self.theta_se[row])
        return (t, se) if t is not None and se is not None else None

    def default_blueprint(self) -> str | None:
        if not self.blueprints.blueprints:
            return None
        return max(self.blueprints.blueprints, key=lambda b: b.attempts).blueprint_id

    def pass_rates(self, q: s.PassRateQuery, start: float | None, stop: float | None) -> s.PassRates:
        """The pass-rate table of a query (`start`/`stop`: its bounds in epoch seconds)."""
        return presenters.pass_rate_table(self.frame, self.computed_at, self.n_attempts, q, start, stop, self.days)


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
        analysis = analytics.item_analysis(frame, meta, dense, everyone, flag_min_n)
        items[""], everyone_stats = presenters.item_rows(meta, analysis, state, irt_pos), analysis.scope
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
                analysis = analytics.item_analysis(frame, meta, dense, rows, flag_min_n)
                items[bp_id], st = presenters.item_rows(meta, analysis, state, irt_pos), analysis.scope
            dist = presenters.score_distribution(frame, meta, rows, st, bp_id, computed_at, state, theta, theta_se)
        scores[bp_id] = dist
        summaries.append(presenters.blueprint_summary(frame, rows, bp_id, dist))
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


def compute_from_tallies(
    version: int,
    now: dt.datetime,
    frame: Frame,
    meta: ItemMeta,
    tallies: sufficient.Tallies,
    state: IrtState | None,
    theta: NDArray[np.float64],
    theta_se: NDArray[np.float64],
    seq_order: NDArray[np.int64],
    sorted_seq: NDArray[np.int64],
    *,
    flag_min_n: int = FLAG_MIN_N,
    include_low: bool = False,
) -> Snapshot:
    """The snapshot `compute_snapshot` gives, from the sufficient statistics (`sufficient`):
    its cost grows with the item versions and blueprints, not with the results stored.

    `frame` holds the results' scalar columns (pass rates, abilities); the figures come from
    `tallies`, which has counted every row of it."""
    computed_at = iso(now)
    irt_pos = state.lookup(meta) if state is not None else None
    items: dict[str, list[s.ItemStatsOut]] = {"": []}
    scores: dict[str, s.ScoreDistribution] = {}
    single = len(frame.blueprints.values) == 1
    everyone_cells = tallies.counted_cells(include_low)
    everyone_n = sum(c.n for c in everyone_cells)
    everyone_items: list[s.ItemStatsOut] | None = None
    if everyone_n:
        analysis = sufficient.item_analysis(tallies, everyone_cells, meta, flag_min_n)
        items[""] = everyone_items = presenters.item_rows(meta, analysis, state, irt_pos)
    summaries = []
    for code, bp_id in enumerate(frame.blueprints.values):
        keyed = [
            (key, c) for key, c in tallies.cells.items()
            if key.blueprint == code and (include_low or not key.low) and c.n
        ]
        cells = [c for _, c in keyed]
        n = sum(c.n for c in cells)
        if n == 0:
            continue
        if single and everyone_items is not None:
            items[bp_id] = everyone_items  # the bank's scope is this blueprint's
        else:
            analysis = sufficient.item_analysis(tallies, cells, meta, flag_min_n)
            items[bp_id] = presenters.item_rows(meta, analysis, state, irt_pos)
        fig, same = sufficient.score_figures(tallies, cells, meta)
        decision = presenters.decision_of_rudner(sufficient.rudner(
            frame, [(key, c) for key, c in keyed if c.k == fig.k], bp_id, fig.cut_percent, state, theta, theta_se
        ))
        if decision is None:
            decision = presenters.decision_of_subkoviak(
                sufficient.subkoviak(same, fig.k, fig.raw_cut, fig.kr20), fig.raw_cut
            )
        name = frame.blueprints.extra.get(bp_id, bp_id)
        domains = sufficient.domain_figures(tallies, same, meta, fig.scope)
        dist = presenters.distribution_answer(fig, sum(c.n for c in same), domains, decision, bp_id, name, computed_at)
        scores[bp_id] = dist
        summaries.append(presenters.summary_answer(
            bp_id, name, n, sum(c.passed for c in cells), max(c.last_submitted for c in cells), dist
        ))
    summaries.sort(key=lambda b: (-b.attempts, b.blueprint_name))
    return Snapshot(
        version=version,
        computed_at=computed_at,
        frame=frame,
        items=items,
        scores=scores,
        blueprints=s.BlueprintSummaries(blueprints=summaries, computed_at=computed_at, n_attempts=everyone_n),
        theta=theta,
        theta_se=theta_se,
        seq_order=seq_order,
        sorted_seq=sorted_seq,
        days=sufficient.day_buckets(tallies.days),
    )
