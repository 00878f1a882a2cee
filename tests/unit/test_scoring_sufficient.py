"""The sufficient statistics (`scoring.analysis.sufficient`): fed in any number of batches they
give exactly the figures they give fed at once, and those equal the full recompute over the
response matrices (`compute_snapshot`, `analytics`) to 1e-9, with low-answer results and a
blueprint whose length changed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import msgspec
import numpy as np
import pytest

from scoring.analysis import analytics, dates, sufficient
from scoring.analysis import schemas as s
from scoring.analysis.analytics import IrtState
from scoring.analysis.frame import Dense, Frame, ItemMeta, append_rows
from scoring.analysis.snapshot import Snapshot, compute_from_tallies, compute_snapshot
from tests.unit.test_scoring_analytics import make_data

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
ITEM_FIGURES = ("n", "p", "r_pb", "r_rest", "r_rest_lo", "r_rest_hi", "d_index", "alpha_if_deleted",
                "option_share", "option_r_rest", "flags")
SCORE_FIGURES = ("k", "cut_percent", "raw_cut", "other_length", "mean", "median", "sd", "skewness", "kurtosis",
                 "minimum", "maximum", "edges", "counts", "kr20", "sem", "csem_at_cut", "passed", "equated")


def history() -> tuple[list[dict], ItemMeta]:
    """Two blueprints; bp-a changes length (9 to 12 questions) with a straggler of the old length
    started before the change and read last; every eleventh result is low-answer."""
    old, meta, _ = make_data(n=150, blueprints=("bp-a", "bp-b"))
    new, _, _ = make_data(seed=5, n=90, per_domain=4, blueprints=("bp-a",))
    t0 = old[-1]["submitted"]
    for i, r in enumerate(new):
        r["submitted"] = t0 + 3600.0 * (i + 1)
    straggler = dict(old[0], submitted=t0 + 3600.0 * 200)
    rows = old + new + [straggler]
    for i, r in enumerate(rows):
        r["seq"] = i + 1
        r["low_answer"] = i % 11 == 0
        r["started"] = r["submitted"] - 1800.0
    straggler["started"] = t0 - 7200.0
    return rows, meta


def fed(rows: list[dict], meta: ItemMeta, parts: int, state: IrtState | None = None,
        include_low: bool = False) -> tuple[Snapshot, sufficient.Tallies, sufficient.Columns]:
    """The snapshot of tallies fed `parts` batches (abilities: theta = a fixed function of seq)."""
    t, cols = sufficient.Tallies(), sufficient.Columns()
    bounds = np.linspace(0, len(rows), parts + 1).astype(int)
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        f = append_rows(Frame(blueprints=cols.frame.blueprints, groups=cols.frame.groups), rows[lo:hi])
        t.add(f, meta, cols.n)
        cols.append(f)
        cols.theta.extend(np.sin(f.seq.astype(float)))
        cols.theta_se.extend(0.3 + 0.1 * np.cos(f.seq.astype(float)))
        if state is not None and parts > 1:  # Rudner's sums kept current batch by batch, as the engine does
            compute_from_tallies(0, NOW, cols.frame, meta, t, state, cols.theta.view(), cols.theta_se.view(),
                                 cols.seq_order, cols.sorted_seq, include_low=include_low)
    snap = compute_from_tallies(1, NOW, cols.frame, meta, t, state, cols.theta.view(), cols.theta_se.view(),
                                cols.seq_order, cols.sorted_seq, include_low=include_low)
    return snap, t, cols


def full(rows: list[dict], meta: ItemMeta, state: IrtState | None = None, include_low: bool = False) -> Snapshot:
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, meta)
    seq = frame.seq.astype(float)
    return compute_snapshot(1, NOW, frame, meta, dense, state, np.sin(seq), 0.3 + 0.1 * np.cos(seq),
                            include_low=include_low)


def answers(snap: Snapshot) -> dict:
    out = msgspec.to_builtins({"items": snap.items, "scores": snap.scores, "blueprints": snap.blueprints})
    for by in ("none", "week", "month", "blueprint", "group"):
        for low in (False, True):
            out[f"rates-{by}-{low}"] = msgspec.to_builtins(
                snap.pass_rates(s.PassRateQuery(group_by=by, include_low_answer=low), None, None))
    return out


def close(a: object, b: object, path: str = "") -> None:
    """Equal answers, floats to 1e-9."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), path
    else:
        assert a == b, path


def state_for(meta: ItemMeta) -> IrtState:
    ids = meta.ids
    z = np.zeros(ids.shape[0])
    ref = (np.ones(9), np.linspace(-1.0, 1.0, 9))
    return IrtState(
        calibration_id=7, model="2pl", calibrated_at="2026-05-01T00:00:00Z", n_attempts=100, converged=True,
        iterations=10, loglik=-1.0, seconds=0.1, ids=ids, n=np.full(ids.shape[0], 100), a=np.ones(ids.shape[0]),
        b=np.linspace(-1.0, 1.0, ids.shape[0]), se_a=z, se_b=z, infit=z, outfit=z, fit_chi2=z, fit_p=z,
        references={"bp-a": ref, "bp-b": ref},
    )


@pytest.mark.parametrize("include_low", [False, True])
def test_any_batching_gives_exactly_the_same_figures(include_low):
    rows, meta = history()
    once, _, _ = fed(rows, meta, 1, include_low=include_low)
    reference = answers(once)
    assert once.scores["bp-a"].question_count == 12 and once.scores["bp-a"].other_length_excluded > 0
    for parts in (2, 7, 31):
        snap, _, _ = fed(rows, meta, parts, include_low=include_low)
        assert answers(snap) == reference  # exact: the counts do not depend on the batches


@pytest.mark.parametrize("include_low", [False, True])
def test_the_figures_equal_the_full_recompute(include_low):
    rows, meta = history()
    state = state_for(meta)
    for parts in (1, 9):
        snap, _, _ = fed(rows, meta, parts, state=state, include_low=include_low)
        close(answers(snap), answers(full(rows, meta, state=state, include_low=include_low)))
        assert snap.scores["bp-a"].decision is not None and snap.scores["bp-a"].decision.method == "rudner"


def test_the_raw_figures_equal_the_full_analysis_to_1e9():
    rows, meta = history()
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, meta)
    t = sufficient.Tallies()
    for lo in range(0, len(rows), 40):  # in batches
        t.add(append_rows(Frame(blueprints=frame.blueprints, groups=frame.groups), rows[lo:lo + 40]), meta, lo)
    scopes = [
        (t.counted_cells(True), np.arange(frame.n)),
        (t.counted_cells(False), np.flatnonzero(~frame.low)),
        (t.blueprint_cells(0, False), np.flatnonzero((frame.blueprint == 0) & ~frame.low)),
        (t.blueprint_cells(1, True), np.flatnonzero(frame.blueprint == 1)),
    ]
    for cells, sel in scopes:
        rows_ = sel.astype(np.int64)
        a = analytics.item_analysis(frame, meta, dense, rows_, 30)
        b = sufficient.item_analysis(t, cells, meta, 30)
        assert np.array_equal(a.cols, b.cols)
        for name in ITEM_FIGURES:
            np.testing.assert_allclose(getattr(b.stats, name), getattr(a.stats, name), rtol=1e-9, atol=1e-12,
                                       equal_nan=True, err_msg=name)
        np.testing.assert_allclose(b.p_lo, a.p_lo, rtol=1e-9)
        fa = analytics.score_figures(frame, meta, rows_, a.scope)
        fb, same = sufficient.score_figures(t, cells, meta)
        for name in SCORE_FIGURES:
            np.testing.assert_allclose(getattr(fb, name), getattr(fa, name), rtol=1e-9, atol=1e-12, err_msg=name)
        for x, y in zip(analytics.domain_figures(frame, meta, fa.rows, fa.scope),
                        sufficient.domain_figures(t, same, meta, fb.scope), strict=True):
            assert x.code == y.code
            np.testing.assert_allclose([y.items_per_form, y.mean_percent, y.sd_percent, y.reliability],
                                       [x.items_per_form, x.mean_percent, x.sd_percent, x.reliability], rtol=1e-9)
        sub_a = analytics.subkoviak(frame.raw[fa.rows].astype(float), fa.k, fa.raw_cut, fa.kr20)
        sub_b = sufficient.subkoviak(same, fb.k, fb.raw_cut, fb.kr20)
        assert sub_a is not None and sub_b is not None
        np.testing.assert_allclose([sub_b.agreement, sub_b.kappa], [sub_a.agreement, sub_a.kappa], rtol=1e-9)


def test_a_blueprint_now_and_its_last_cut_follow_the_latest_started_and_last_read():
    rows, meta = history()
    rows[-1]["blueprint_cut_percent"] = 72.0  # the old-length straggler, read last
    _, t, cols = fed(rows, meta, 5)
    code = cols.frame.blueprints.index()["bp-a"]
    assert t.latest_k[code] == 12  # the straggler started before the change
    assert t.last_cut[code][1] == 72.0
    assert analytics.blueprint_now(cols.frame, "bp-a") == (12, 70.0)


def test_columns_find_rows_by_seq_when_a_late_commit_arrives_below_the_highest():
    rows, meta = history()
    order = list(range(len(rows)))
    order.remove(5)
    order.append(5)  # seq 6 committed last
    shuffled = [rows[i] for i in order]
    t, cols = sufficient.Tallies(), sufficient.Columns()
    for lo in range(0, len(shuffled), 50):
        f = append_rows(Frame(blueprints=cols.frame.blueprints, groups=cols.frame.groups), shuffled[lo:lo + 50])
        t.add(f, meta, cols.n)
        cols.append(f)
    assert np.array_equal(cols.sorted_seq, np.arange(1, len(rows) + 1))
    found = cols.rows_of(np.asarray([6, 1, len(rows), 10_000], dtype=np.int64))
    assert found.tolist() == [len(rows) - 1, 0, len(rows) - 2, -1]
    assert np.array_equal(cols.frame.seq[cols.seq_order], cols.sorted_seq)


def test_a_changed_key_is_noticed():
    rows, meta = history()
    _, t, _ = fed(rows, meta, 3)
    assert t.keys_agree(meta)
    changed = ItemMeta(ids=meta.ids, item_id=meta.item_id, version=meta.version, domain=meta.domain,
                       key=np.where(np.arange(meta.size) == 4, (meta.key + 1) % 4, meta.key).astype(np.int8))
    assert not t.keys_agree(changed)


def test_pass_rates_from_day_counts_equal_those_from_the_columns():
    rows, meta = history()
    snap, t, cols = fed(rows, meta, 6)
    assert snap.days is not None and snap.days.n.sum() == len(rows)
    by_columns = dataclasses.replace(snap, days=None)  # the per-result path
    first = dt.datetime.fromtimestamp(min(r["submitted"] for r in rows), dt.UTC)
    day = first.date() + dt.timedelta(days=9)
    bounds = [
        (None, None),
        (dates.parse_bound(day.isoformat(), "from", end=False), None),
        (None, dates.parse_bound((day + dt.timedelta(days=20)).isoformat(), "to", end=True)),
        (dates.parse_bound(day.isoformat(), "from", end=False),
         dates.parse_bound((day + dt.timedelta(days=40)).isoformat(), "to", end=True)),
        (dates.parse_bound(f"{day.isoformat()}T13:30:00Z", "from", end=False), None),  # inside a day: columns
    ]
    for start, stop in bounds:
        for by in ("none", "week", "month", "blueprint", "group"):
            for low in (False, True):
                for bp, group in ((None, None), ("bp-a", None), (None, "x"), ("bp-b", "y"), ("nope", None)):
                    q = s.PassRateQuery(group_by=by, include_low_answer=low, blueprint_id=bp, candidate_group=group)
                    assert snap.pass_rates(q, start, stop) == by_columns.pass_rates(q, start, stop), (start, stop, q)
    assert not sufficient.DayBuckets.covers(bounds[-1][0], None) and sufficient.DayBuckets.covers(*bounds[3])
