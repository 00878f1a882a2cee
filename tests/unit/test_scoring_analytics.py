"""The statistics read model and the dashboard figures, against naive computations."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from scipy import stats as sps

from scoring.analysis import analytics, dates
from scoring.analysis import schemas as s
from scoring.analysis.frame import Dense, Frame, ItemMeta, append_rows, response_matrix
from scoring.analysis.snapshot import compute_snapshot
from scoring.stats import classical, consistency, rates
from tests.unit.test_stats_classical import kelley_d  # the one naive reference

DOMAINS = ("EM", "ICD", "HCPCS")


def make_data(
    seed: int = 3,
    n: int = 120,
    bank_per_domain: int = 6,
    per_domain: int = 3,
    blueprints=("bp-a",),
    fixed_form: bool = False,
):
    rng = np.random.default_rng(seed)
    bank = [
        (i + 1, f"item-{i}", DOMAINS[i // bank_per_domain], int(rng.integers(0, 4)))
        for i in range(bank_per_domain * len(DOMAINS))
    ]
    meta_rows = [
        {"id": i, "item_id": it, "version": 1, "domain": d, "key": "ABCD"[k]} for i, it, d, k in bank
    ]
    meta = ItemMeta.from_rows(meta_rows)
    keys = {i: k for i, _, _, k in bank}
    rows = []
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()  # a Thursday
    for r in range(n):
        form = []
        for d in range(len(DOMAINS)):
            pool = np.arange(d * bank_per_domain, (d + 1) * bank_per_domain) + 1
            pick = pool[:per_domain] if fixed_form else rng.choice(pool, per_domain, replace=False)
            form.extend(int(x) for x in pick)
        ability = rng.normal()
        choices = []
        for item in form:
            if rng.random() < 1 / (1 + np.exp(-(ability - 0.2 * (item % 5 - 2)))):
                choices.append(keys[item])
            else:
                choices.append(-1 if rng.random() < 0.1 else (keys[item] + int(rng.integers(1, 4))) % 4)
        raw = sum(c == keys[i] for c, i in zip(choices, form, strict=True))
        bp = blueprints[r % len(blueprints)]
        rows.append(
            {
                "seq": r + 1,
                "blueprint_id": bp,
                "blueprint_name": bp.upper(),
                "candidate_group": ["x", "y", ""][r % 3],
                "submitted": t0 + r * 86400 * 0.5,
                "passed": raw >= 0.7 * len(form),
                "raw_score": raw,
                "question_count": len(form),
                "cut_used": "raw",
                "blueprint_cut_percent": 70.0,
                "item_ix": np.asarray(form, dtype="<i4").tobytes(),
                "choices": np.asarray(choices, np.int8).tobytes(),
            }
        )
    return rows, meta, keys


def naive_matrix(rows, meta, keys):
    ids = sorted({i for r in rows for i in np.frombuffer(r["item_ix"], "<i4").tolist()})
    col = {i: j for j, i in enumerate(ids)}
    X = np.zeros((len(rows), len(ids)), np.uint8)
    M = np.zeros_like(X)
    C = np.full(X.shape, -1, np.int8)
    for r, row in enumerate(rows):
        for i, c in zip(
            np.frombuffer(row["item_ix"], "<i4").tolist(),
            np.frombuffer(row["choices"], np.int8).tolist(),
            strict=True,
        ):
            M[r, col[i]] = 1
            C[r, col[i]] = c
            X[r, col[i]] = c == keys[i]
    return ids, X, M, C


def test_frame_appends_incrementally_and_matrices_match_a_naive_build():
    rows, meta, keys = make_data()
    whole = append_rows(Frame(), rows)
    parts = append_rows(append_rows(Frame(), rows[:50]), rows[50:])
    for name in ("seq", "blueprint", "group", "raw", "k", "offsets", "items", "choices", "passed"):
        assert np.array_equal(getattr(whole, name), getattr(parts, name)), name
    assert parts.groups.values == ("x", "y", "")
    ids, X, M, C = naive_matrix(rows, meta, keys)
    m = response_matrix(whole, meta, np.arange(whole.n))
    assert meta.ids[m.cols].tolist() == ids
    assert np.array_equal(m.X, X) and np.array_equal(m.M, M) and np.array_equal(m.C, C)
    sub = np.arange(10, 40, 3)
    ms = response_matrix(whole, meta, sub)
    _, Xs, Ms, _ = naive_matrix([rows[i] for i in sub], meta, keys)
    assert np.array_equal(ms.X, Xs) and np.array_equal(ms.M, Ms)
    dense = Dense()
    dense.sync(append_rows(Frame(), rows[:30]), meta)
    dense.sync(whole, meta)
    assert np.array_equal(dense.C[:, m.cols], C) and np.array_equal(dense.M[:, m.cols], M)


def test_form_averaged_kr20_is_kr20_on_a_single_form():
    rows, meta, keys = make_data(fixed_form=True, n=200)
    _, X, M, _ = naive_matrix(rows, meta, keys)
    assert M.all()
    T = X.sum(axis=1).astype(float)
    p = X.mean(axis=0)
    ours = analytics.form_averaged_kr20(T, X.shape[1], np.full(X.shape[1], X.shape[0], float), p)
    assert ours == pytest.approx(classical.kr20(X), abs=1e-12)


def test_form_averaged_kr20_on_random_forms_is_the_mean_item_variance_sum():
    rows, meta, keys = make_data(n=300)
    _, X, M, _ = naive_matrix(rows, meta, keys)
    T = X.sum(axis=1).astype(float)
    n_j = M.sum(axis=0).astype(float)
    p_j = X.sum(axis=0) / n_j
    var_j = n_j * p_j * (1 - p_j) / (n_j - 1)
    per_form = np.array([var_j[M[i] == 1].sum() for i in range(X.shape[0])])  # each candidate's own form
    k = int(M[0].sum())
    expected = k / (k - 1) * (1 - per_form.mean() / T.var(ddof=1))
    assert analytics.form_averaged_kr20(T, k, n_j, p_j) == pytest.approx(expected, rel=1e-12)


def test_distribution_moments_against_the_textbook_formulas():
    x = np.array([3, 7, 7, 8, 10, 12, 12, 12, 15, 21], dtype=float)
    mean, median, sd, skew, kurt = analytics.distribution(x)
    n = len(x)
    m = x.mean()
    s2 = ((x - m) ** 2).sum() / (n - 1)
    g1 = n / ((n - 1) * (n - 2)) * (((x - m) / np.sqrt(s2)) ** 3).sum()
    g2 = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * (((x - m) / np.sqrt(s2)) ** 4).sum() - 3 * (
        n - 1
    ) ** 2 / ((n - 2) * (n - 3))
    assert (mean, median) == (pytest.approx(10.7), 11.0)
    assert sd == pytest.approx(np.sqrt(s2)) and skew == pytest.approx(g1) and kurt == pytest.approx(g2)


def snapshot_of(rows, meta, **kw):
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, meta)
    nan = np.full(frame.n, np.nan)
    return (
        compute_snapshot(
            1, dt.datetime(2026, 5, 1, tzinfo=dt.UTC), frame, meta, dense, None, nan, nan, **kw
        ),
        frame,
        dense,
    )


def test_snapshot_items_domains_and_scores():
    rows, meta, keys = make_data(n=150, blueprints=("bp-a", "bp-b"))
    snap, frame, _ = snapshot_of(rows, meta, flag_min_n=30)
    assert {b.blueprint_id for b in snap.blueprints.blueprints} == {"bp-a", "bp-b"}
    # Every item version of the bank once in the "all" scope, with n = its presentations.
    ids, X, M, C = naive_matrix(rows, meta, keys)
    by_id = {it.item_id: it for it in snap.items[""]}
    for j, iv in enumerate(ids):
        it = by_id[f"item-{iv - 1}"]
        assert it.n == M[:, j].sum()
        assert it.p == pytest.approx(X[M[:, j] == 1, j].mean(), abs=1e-4)
        lo, hi = rates.wilson_interval(int(X[:, j].sum()), int(M[:, j].sum()))
        assert (it.p_ci_low, it.p_ci_high) == (pytest.approx(lo, abs=1e-4), pytest.approx(hi, abs=1e-4))
        shares = {o.label: o.share for o in it.options}
        assert shares["omit"] == pytest.approx(
            ((C[:, j] == -1) & (M[:, j] == 1)).sum() / M[:, j].sum(), abs=1e-4
        )
        assert sum(o.key for o in it.options) == 1
    # A blueprint's score distribution and its per-area means, against a naive pass.
    dist = snap.scores["bp-a"]
    mine = [r for r in rows if r["blueprint_id"] == "bp-a"]
    raws = np.array([r["raw_score"] for r in mine], float)
    assert dist.n == len(mine) and dist.question_count == 9
    assert dist.mean == pytest.approx(raws.mean(), abs=1e-4) and dist.sd == pytest.approx(
        raws.std(ddof=1), abs=1e-4
    )
    assert sum(b.count for b in dist.histogram) == len(mine)
    assert dist.passed == sum(r["passed"] for r in mine)
    assert [d.code for d in dist.domains] == ["EM", "ICD", "HCPCS"]  # code-book order
    em = []
    for r in mine:
        items = np.frombuffer(r["item_ix"], "<i4")
        ch = np.frombuffer(r["choices"], np.int8)
        right = [c == keys[int(i)] for i, c in zip(items, ch, strict=True) if meta.domain[int(i) - 1] == "EM"]
        em.append(100 * np.mean(right))
    assert dist.domains[0].mean_percent == pytest.approx(np.mean(em), abs=0.01)
    assert dist.decision is not None and dist.decision.method == "subkoviak"  # no calibration yet


def test_incremental_snapshot_equals_a_full_recompute():
    rows, meta, _ = make_data(n=160, blueprints=("bp-a", "bp-b"))
    # New rows only for bp-a after the first snapshot.
    first = [r for r in rows if r["blueprint_id"] == "bp-b" or r["seq"] <= 80]
    later = [r for r in rows if r not in first]
    for i, r in enumerate(first + later):
        r["seq"] = i + 1
    snap1, frame1, dense = snapshot_of(first, meta)
    frame2 = append_rows(frame1, later)
    dense.sync(frame2, meta)
    nan = np.full(frame2.n, np.nan)
    now = dt.datetime(2026, 5, 2, tzinfo=dt.UTC)
    incremental = compute_snapshot(
        2, now, frame2, meta, dense, None, nan, nan, previous=snap1, changed={"bp-a"}
    )
    full, _, _ = snapshot_of(first + later, meta)
    assert incremental.items["bp-b"] is snap1.items["bp-b"]  # reused, not recomputed
    for scope in ("", "bp-a", "bp-b"):
        assert incremental.items[scope] == full.items[scope]
    assert incremental.scores["bp-a"].mean == full.scores["bp-a"].mean
    assert incremental.scores["bp-a"].kr20 == full.scores["bp-a"].kr20


def test_pass_rates_by_week_month_group_and_filters():
    rows, meta, _ = make_data(n=90, blueprints=("bp-a", "bp-b"))
    snap, frame, _ = snapshot_of(rows, meta)
    all_passed = sum(r["passed"] for r in rows)
    out = snap.pass_rates(s.PassRateQuery(), None, None)
    assert out.overall.attempts == 90 and out.overall.passed == all_passed
    lo, hi = rates.wilson_interval(all_passed, 90)
    assert (out.overall.ci_low, out.overall.ci_high) == (
        pytest.approx(lo, abs=1e-4),
        pytest.approx(hi, abs=1e-4),
    )
    weeks = snap.pass_rates(s.PassRateQuery(group_by="week"), None, None)
    # 2026-01-01 is a Thursday in ISO week 1, which starts on Monday 2025-12-29.
    assert weeks.groups[0].label == "2026-W01" and weeks.groups[0].start == "2025-12-29"
    assert weeks.groups[0].attempts == 8  # Thu..Sun, two results a day
    assert sum(g.attempts for g in weeks.groups) == 90
    months = snap.pass_rates(s.PassRateQuery(group_by="month"), None, None)
    assert [g.label for g in months.groups] == ["2026-01", "2026-02"]
    assert months.groups[0].attempts == 62 and months.groups[1].end == "2026-03-01"
    groups = snap.pass_rates(s.PassRateQuery(group_by="group"), None, None)
    assert {g.label: g.attempts for g in groups.groups} == {"x": 30, "y": 30, "(none)": 30}
    by_bp = snap.pass_rates(s.PassRateQuery(group_by="blueprint"), None, None)
    assert {g.label for g in by_bp.groups} == {"BP-A", "BP-B"}
    start = dates.parse_bound("2026-01-10", "from", end=False)
    stop = dates.parse_bound("2026-01-11", "to", end=True)
    window = snap.pass_rates(s.PassRateQuery(blueprint_id="bp-a"), start, stop)
    expected = [r for r in rows if r["blueprint_id"] == "bp-a" and start <= r["submitted"] < stop]
    assert window.overall.attempts == len(expected) > 0
    nobody = snap.pass_rates(s.PassRateQuery(blueprint_id="nope"), None, None)
    assert nobody.overall.attempts == 0 and nobody.overall.pass_rate is None and nobody.groups == []
    with pytest.raises(ValueError):
        dates.parse_bound("last tuesday", "from", end=False)


# ------------------------------------------------------------------ figures once they leave the stats core


def naive_form_alpha_if_deleted(X: np.ndarray, M: np.ndarray, j: int) -> float:
    """Over the candidates who saw item j: the alpha of their own form without j, averaged."""
    var = np.array([X[M[:, i] == 1, i].var(ddof=1) for i in range(X.shape[1])])
    saw = np.flatnonzero(M[:, j])
    var_rest = (X[saw].sum(axis=1) - X[saw, j]).var(ddof=1)
    alphas = []
    for i in saw:
        others = [f for f in np.flatnonzero(M[i]) if f != j]
        k = len(others)
        alphas.append(k / (k - 1) * (1 - var[others].sum() / var_rest))
    return float(np.mean(alphas))


def naive_form_kr20(X: np.ndarray, M: np.ndarray, rows: np.ndarray, k: float) -> float:
    """k/(k-1) (1 - mean over the rows of their own form's item-variance sum / var of their score).

    Item variances (n - 1) from everyone in X who saw the item.
    """
    var = np.array([X[M[:, i] == 1, i].var(ddof=1) if M[:, i].sum() > 1 else 0.0 for i in range(X.shape[1])])
    per_form = np.array([var[M[r] == 1].sum() for r in rows])
    T = X[rows].sum(axis=1).astype(float)
    return k / (k - 1) * (1 - per_form.mean() / T.var(ddof=1))


def test_score_distribution_figures_against_a_direct_computation():
    rows, meta, keys = make_data(n=300)
    snap, _, _ = snapshot_of(rows, meta)
    dist = snap.scores["bp-a"]
    ids, X, M, _ = naive_matrix(rows, meta, keys)
    T = X.sum(axis=1).astype(float)
    k = 9
    assert dist.question_count == k and np.all(M.sum(axis=1) == k)
    kr20 = naive_form_kr20(X, M, np.arange(len(rows)), k)
    sd = T.std(ddof=1)
    assert dist.kr20 == pytest.approx(kr20, abs=1e-4)
    assert dist.sem == pytest.approx(sd * np.sqrt(1 - kr20), abs=1e-4)
    assert dist.median == pytest.approx(np.median(T))
    assert dist.skewness == pytest.approx(sps.skew(T, bias=False), abs=1e-4)
    assert dist.kurtosis == pytest.approx(sps.kurtosis(T, bias=False), abs=1e-4)
    x = 0.7 * k  # Lord's conditional SEM at the 70 % cut
    assert dist.raw_cut == pytest.approx(x)
    assert dist.csem_at_cut == pytest.approx(np.sqrt(x * (k - x) / (k - 1)), abs=1e-4)
    # Each area's own reliability: the same formula over the area's items alone.
    dom = np.asarray([meta.domain[i - 1] for i in ids])  # item version id i is meta row i - 1
    assert [d.code for d in dist.domains] == list(DOMAINS)
    for d in dist.domains:
        in_d = dom == d.code
        Xd, Md = X[:, in_d], M[:, in_d]
        sat = np.flatnonzero(Md.any(axis=1))
        k_d = Md[sat].sum(axis=1).mean()
        assert d.items_per_form == pytest.approx(k_d, abs=0.01)
        assert d.reliability == pytest.approx(naive_form_kr20(Xd, Md, sat, k_d), abs=1e-4)
        pct = 100 * Xd[sat].sum(axis=1) / Md[sat].sum(axis=1)
        assert d.sd_percent == pytest.approx(pct.std(ddof=1), abs=0.01)


def test_score_distribution_after_a_length_change_describes_the_current_length_only():
    # bp-a first ran a fixed 6-item form (the first 2 items of each area), then random
    # 9-item forms: more old results than new. Only the 9-item results enter the test-level
    # and per-area figures (item variances too); one old-length attempt started before the
    # change and submitted after the first new ones does not bring the old length back.
    old, meta, keys = make_data(n=240, per_domain=2, fixed_form=True)
    new, _, _ = make_data(n=120)
    rows = old + new
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    for i, r in enumerate(rows):
        r["seq"] = i + 1
        r["started"] = t0 + 3600.0 * i
        r["submitted"] = r["started"] + 1800.0
    rows[239]["submitted"] = rows[-1]["submitted"] + 60.0  # a straggler of the old length
    rows.append(rows.pop(239))
    for i, r in enumerate(rows):
        r["seq"] = i + 1
    snap, _, _ = snapshot_of(rows, meta)
    dist = snap.scores["bp-a"]
    _, X, M, _ = naive_matrix(rows, meta, keys)
    current = np.flatnonzero(M.sum(axis=1) == 9)
    assert current.shape[0] == 120 and dist.n == 120 and dist.other_length_excluded == 240
    assert dist.question_count == 9 and dist.raw_cut == pytest.approx(6.3)
    T = X[current].sum(axis=1).astype(float)
    assert dist.mean == pytest.approx(T.mean(), abs=1e-4) and sum(b.count for b in dist.histogram) == 120
    kr20 = naive_form_kr20(X[current], M[current], np.arange(120), 9)
    assert dist.kr20 == pytest.approx(kr20, abs=1e-4)
    assert dist.passed == sum(bool(rows[i]["passed"]) for i in current)
    assert [d.items_per_form for d in dist.domains] == [3.0, 3.0, 3.0]
    for d in dist.domains:
        in_d = np.asarray([meta.domain[i] for i in range(meta.size)]) == d.code
        Xd, Md = X[current][:, in_d], M[current][:, in_d]
        assert d.reliability == pytest.approx(naive_form_kr20(Xd, Md, np.arange(120), 3), abs=1e-4)
    # Before calibration the decision consistency is Subkoviak's, from these results alone.
    sub = consistency.subkoviak(T, 9, 6.3, kr20)
    assert dist.decision is not None and dist.decision.method == "subkoviak"
    assert dist.decision.consistency == pytest.approx(sub.agreement, abs=1e-4)
    assert dist.decision.kappa == pytest.approx(sub.kappa, abs=1e-4)
    assert dist.decision.n == 120 and dist.decision.theta_cut is None and dist.decision.accuracy is None
    # The blueprint's summary still counts every result.
    assert snap.blueprints.blueprints[0].attempts == 360


def test_score_distribution_skewness_from_three_results():
    rows, meta, _ = make_data(n=3)
    snap, _, _ = snapshot_of(rows, meta)
    dist = snap.scores["bp-a"]
    T = np.array([r["raw_score"] for r in rows], float)
    assert T.std() > 0
    assert dist.skewness == pytest.approx(sps.skew(T, bias=False), abs=1e-4)
    assert dist.kurtosis is None
    moments = analytics.distribution(np.array([1.0, 2.0, 6.0]))
    assert moments[3] == pytest.approx(sps.skew([1.0, 2.0, 6.0], bias=False))


def test_item_rows_carry_the_stats_core_figures():
    rows, meta, keys = make_data(n=300)
    snap, _, _ = snapshot_of(rows, meta)
    ids, X, M, _ = naive_matrix(rows, meta, keys)
    T = X.sum(axis=1).astype(float)  # one length: raw totals
    by_id = {it.item_id: it for it in snap.items["bp-a"]}
    assert snap.items[""] == snap.items["bp-a"]  # one blueprint: the bank's scope is its scope
    for j, iv in enumerate(ids):
        it = by_id[f"item-{iv - 1}"]
        S = M[:, j] == 1
        x, t = X[S, j].astype(float), T[S]
        assert it.r_pb == pytest.approx(np.corrcoef(x, t)[0, 1], abs=1e-4)
        assert it.r_pb_corrected == pytest.approx(np.corrcoef(x, t - x)[0, 1], abs=1e-4)
        assert it.upper_lower == pytest.approx(kelley_d(x, t), abs=1e-4)
        assert it.alpha_if_deleted is not None
        assert it.alpha_if_deleted == pytest.approx(naive_form_alpha_if_deleted(X, M, j), abs=1e-4)


def test_ability_lookup_is_built_once_per_snapshot():
    rows, meta, _ = make_data(n=50)
    rows = rows[25:] + rows[:25]  # late commits: frame order is not seq order
    frame = append_rows(Frame(), rows)
    dense = Dense()
    dense.sync(frame, meta)
    theta = np.linspace(-1, 1, frame.n)
    se = np.full(frame.n, 0.3)
    theta[3] = np.nan
    snap = compute_snapshot(1, dt.datetime(2026, 5, 1, tzinfo=dt.UTC), frame, meta, dense, None, theta, se)

    class NoGather(np.ndarray):
        def __getitem__(self, key):
            if isinstance(key, np.ndarray):
                raise AssertionError("ability() rebuilt the sorted seq column")
            return super().__getitem__(key)

    guarded = dataclasses.replace(snap, frame=dataclasses.replace(frame, seq=frame.seq.view(NoGather)))
    for row, r in enumerate(rows):
        got = guarded.ability(r["seq"])
        if row == 3:
            assert got is None  # no finite estimate
        else:
            assert got == (round(float(theta[row]), 4), 0.3)
    assert guarded.ability(0) is None and guarded.ability(10_000) is None
