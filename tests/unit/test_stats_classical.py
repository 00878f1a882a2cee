"""Classical statistics checked against independent, deliberately naive computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.stats import classical as cl
from scoring.stats import simulate as sim

# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    d = sim.simulate_2pl(rng, 240, 12)
    choices, keys = sim.choices_from_responses(rng, d.X, omit_rate=0.15)
    return d.X, choices, keys


def corr(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x.astype(float), y.astype(float))[0, 1])


def kelley_d(x: np.ndarray, T: np.ndarray, frac: float = 0.27) -> float:
    """Upper minus lower 27 %, candidates tied at a boundary sharing the places."""
    g = math.floor(frac * len(T) + 0.5)

    def group_p(values_in_order: np.ndarray) -> float:
        remaining, correct = g, 0.0
        for v in values_in_order:
            tied = T == v
            take = min(int(tied.sum()), remaining)
            correct += take / tied.sum() * x[tied].sum()
            remaining -= take
            if remaining == 0:
                break
        return correct / g

    vals = np.unique(T)
    return group_p(vals[::-1]) - group_p(vals)


def kr20_formula(X: np.ndarray) -> float:
    k = X.shape[1]
    return k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))


# ------------------------------------------------------------------ item statistics


def test_difficulty_and_point_biserials(data):
    X, choices, keys = data
    s = cl.item_analysis(X, choices, keys)
    T = X.sum(axis=1)
    for j in range(X.shape[1]):
        assert s.n[j] == X.shape[0]
        assert s.p[j] == pytest.approx(X[:, j].mean(), abs=1e-12)
        assert s.r_pb[j] == pytest.approx(corr(X[:, j], T), abs=1e-10)
        assert s.r_rest[j] == pytest.approx(corr(X[:, j], T - X[:, j]), abs=1e-10)


def test_fisher_ci_of_corrected_rpb(data):
    X, choices, keys = data
    s = cl.item_analysis(X, choices, keys)
    n = X.shape[0]
    for j in range(X.shape[1]):
        z = math.atanh(s.r_rest[j])
        half = 1.959963984540054 / math.sqrt(n - 3)
        assert s.r_rest_lo[j] == pytest.approx(math.tanh(z - half), abs=1e-12)
        assert s.r_rest_hi[j] == pytest.approx(math.tanh(z + half), abs=1e-12)
        assert s.r_rest_lo[j] < s.r_rest[j] < s.r_rest_hi[j]


def test_alpha_if_deleted_matches_naive_loop(data):
    X, _, _ = data
    s = cl.item_analysis(X)
    for j in range(X.shape[1]):
        reduced = np.delete(X, j, axis=1).astype(float)
        assert s.alpha_if_deleted[j] == pytest.approx(kr20_formula(reduced), abs=1e-10)


def test_upper_lower_index_with_ties(data):
    X, _, _ = data
    s = cl.item_analysis(X)
    T = X.sum(axis=1)
    for j in range(X.shape[1]):
        assert s.d_index[j] == pytest.approx(kelley_d(X[:, j], T), abs=1e-12)


def test_upper_lower_index_by_plain_sorting_when_totals_are_distinct():
    rng = np.random.default_rng(5)
    k, n = 30, 25
    totals = rng.choice(k + 1, size=n, replace=False)
    X = np.zeros((n, k), dtype=np.uint8)
    for i, t in enumerate(totals):
        X[i, rng.choice(k, size=t, replace=False)] = 1
    s = cl.item_analysis(X)
    order = np.argsort(X.sum(axis=1))
    g = round(0.27 * n)  # 7, no tie at the boundary
    for j in range(k):
        expected = X[order[-g:], j].mean() - X[order[:g], j].mean()
        assert s.d_index[j] == pytest.approx(expected, abs=1e-12)


def test_option_shares_and_option_rest_correlations(data):
    X, choices, keys = data
    s = cl.item_analysis(X, choices, keys)
    T = X.sum(axis=1)
    assert s.option_share is not None and s.option_r_rest is not None
    assert s.option_share.shape == (X.shape[1], 5)
    for j in range(X.shape[1]):
        rest = T - X[:, j]
        for col, code in enumerate([0, 1, 2, 3, -1]):
            chose = choices[:, j] == code
            assert s.option_share[j, col] == pytest.approx(chose.mean(), abs=1e-12)
            if chose.any():
                assert s.option_r_rest[j, col] == pytest.approx(corr(chose, rest), abs=1e-10)
            else:
                assert np.isnan(s.option_r_rest[j, col])
        assert s.option_share[j].sum() == pytest.approx(1.0)


def test_inconsistent_x_and_keys_rejected(data):
    X, choices, keys = data
    with pytest.raises(ValueError):
        cl.item_analysis(X, choices, (keys + 1) % 4)


# ------------------------------------------------------------------ flags


def _flagged_bank() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(99)
    d = sim.simulate_2pl(rng, 400, 20, a_sigma=0.1)
    choices, keys = sim.choices_from_responses(rng, d.X)
    # Item 0 is miskeyed: the bank says "the most popular distractor", the
    # candidates who know the material choose the true key.
    wrong = choices[:, 0][choices[:, 0] != keys[0]]
    keys = keys.copy()
    keys[0] = np.bincount(wrong, minlength=4).argmax()
    # Item 1: everyone answers correctly.
    choices[:, 1] = keys[1]
    # Item 2: one distractor nobody chooses.
    unused = (keys[2] + 1) % 4
    replace = (keys[2] + 2) % 4
    choices[:, 2] = np.where(choices[:, 2] == unused, replace, choices[:, 2])
    X = (choices == keys[None, :]).astype(np.uint8)
    return X, choices, keys


def test_flags_on_constructed_items():
    X, choices, keys = _flagged_bank()
    s = cl.item_analysis(X, choices, keys)
    assert "possible_miskey" in s.flags_for(0)
    assert "weak_discrimination" in s.flags_for(0)
    assert "too_easy" in s.flags_for(1)
    assert "non_functioning_distractor" in s.flags_for(2)
    clean = [j for j in range(3, X.shape[1]) if "possible_miskey" in s.flags_for(j)]
    assert clean == []


def test_difficulty_bands():
    # Columns with p = .10, .25, .50, .92, .98 on 100 candidates.
    n = 100
    ps = [0.10, 0.25, 0.50, 0.92, 0.98]
    rng = np.random.default_rng(1)
    X = np.zeros((n, len(ps)), dtype=np.uint8)
    for j, p in enumerate(ps):
        X[rng.permutation(n)[: round(p * n)], j] = 1
    s = cl.item_analysis(X)
    band = ["too_hard", "doubtful", "review_difficulty", "too_easy"]
    got = [[f for f in s.flags_for(j) if f in band] for j in range(len(ps))]
    assert got == [["too_hard"], ["doubtful"], [], ["review_difficulty"], ["too_easy"]]


def test_no_flags_below_min_n():
    X, choices, keys = _flagged_bank()
    small = cl.item_analysis(X[:29], choices[:29], keys)
    assert not small.flags.any()
    assert np.isfinite(small.p).all()
    lowered = cl.item_analysis(X[:29], choices[:29], keys, min_n=20)
    assert lowered.flags.any()


# ------------------------------------------------------------------ missing by design


@pytest.mark.parametrize("total", ["raw", "percent"])
def test_masked_equals_unmasked_on_each_items_subset(total):
    rng = np.random.default_rng(77)
    n, bank = 300, 20
    d = sim.simulate_2pl(rng, n, bank)
    # Forms of unequal length (10 to 14 items) so "percent" differs from "raw".
    mask = np.zeros((n, bank), dtype=np.uint8)
    for i in range(n):
        mask[i, rng.choice(bank, size=rng.integers(10, 15), replace=False)] = 1
    choices, keys = sim.choices_from_responses(rng, d.X, omit_rate=0.1)
    X = d.X * mask
    choices = np.where(mask == 1, choices, 3).astype(np.int8)  # junk outside the mask
    s = cl.item_analysis(d.X, choices, keys, mask=mask, total=total)

    raw = X.sum(axis=1)
    k_n = mask.sum(axis=1)
    T = raw if total == "raw" else raw / k_n
    for j in range(bank):
        S = mask[:, j] == 1
        x, t = X[S, j], T[S]
        rest = t - (x if total == "raw" else x / k_n[S])
        assert s.n[j] == S.sum()
        assert s.p[j] == pytest.approx(x.mean(), abs=1e-12)
        assert s.r_pb[j] == pytest.approx(corr(x, t), abs=1e-10)
        assert s.r_rest[j] == pytest.approx(corr(x, rest), abs=1e-10)
        assert s.d_index[j] == pytest.approx(kelley_d(x, t), abs=1e-12)
        for col, code in enumerate([0, 1, 2, 3, -1]):
            chose = choices[S, j] == code
            assert s.option_share[j, col] == pytest.approx(chose.mean(), abs=1e-12)
            if chose.any():
                assert s.option_r_rest[j, col] == pytest.approx(corr(chose, rest), abs=1e-10)
    assert np.isfinite(s.alpha_if_deleted).all()


def naive_alpha_if_deleted(X: np.ndarray, mask: np.ndarray, total: str) -> np.ndarray:
    """Per item, per candidate who saw it: the alpha of their own form without it, averaged.

    Item variances come from everyone who saw the item (n - 1), the rest-score
    variance from the candidates who saw j, as in the form-averaged KR-20.
    """
    n, bank = X.shape
    var_item = np.array([X[mask[:, i] == 1, i].var(ddof=1) for i in range(bank)])
    k_n = mask.sum(axis=1)
    raw = (X * mask).sum(axis=1)
    out = np.empty(bank)
    for j in range(bank):
        saw = np.flatnonzero(mask[:, j])
        rest = []
        for i in saw:
            w = 1.0 if total == "raw" else 1.0 / k_n[i]
            rest.append(w * (raw[i] - X[i, j]))
        var_rest = np.var(rest, ddof=1)
        alphas = []
        for i in saw:
            form = [f for f in np.flatnonzero(mask[i]) if f != j]
            w = 1.0 if total == "raw" else 1.0 / k_n[i]
            k = len(form)
            alphas.append(k / (k - 1) * (1 - w * w * sum(var_item[f] for f in form) / var_rest))
        out[j] = np.mean(alphas)
    return out


@pytest.mark.parametrize("total", ["raw", "percent"])
def test_alpha_if_deleted_on_random_forms_matches_naive_loop(total):
    rng = np.random.default_rng(4242)
    n, bank = 400, 24
    d = sim.simulate_2pl(rng, n, bank)
    mask = np.zeros((n, bank), dtype=np.uint8)
    for i in range(n):  # unequal lengths, so c_n and w_n vary by candidate
        mask[i, rng.choice(bank, size=rng.integers(8, 15), replace=False)] = 1
    s = cl.item_analysis(d.X, mask=mask, total=total)
    expected = naive_alpha_if_deleted(d.X, mask, total)
    np.testing.assert_allclose(s.alpha_if_deleted, expected, rtol=0, atol=1e-10)
    assert np.isfinite(s.alpha_if_deleted).all()


def test_alpha_if_deleted_on_random_forms_singles_out_a_noise_item():
    # Item 0 is a coin toss: deleting it raises the form-averaged reliability,
    # deleting a 2PL item lowers it on average.
    rng = np.random.default_rng(8)
    n, bank, k = 20_000, 20, 10
    d = sim.simulate_2pl(rng, n, bank, a_sigma=0.1)
    mask = sim.random_forms(rng, n, bank, k)
    X = d.X.copy()
    X[:, 0] = rng.random(n) < 0.5
    X *= mask
    s = cl.item_analysis(X, mask=mask)
    var_i = np.array([X[mask[:, i] == 1, i].var(ddof=1) for i in range(bank)])
    form_kr20 = k / (k - 1) * (1 - (mask @ var_i).mean() / X.sum(axis=1).var(ddof=1))
    assert s.alpha_if_deleted[1:].mean() < form_kr20 < s.alpha_if_deleted[0]
    assert (s.alpha_if_deleted[1:] < s.alpha_if_deleted[0]).all()


def test_alpha_if_deleted_does_not_depend_on_the_score_scale(data):
    X, _, _ = data
    raw = cl.item_analysis(X)
    pct = cl.item_analysis(X, total="percent")
    np.testing.assert_allclose(pct.alpha_if_deleted, raw.alpha_if_deleted, rtol=0, atol=1e-12)


def test_full_mask_is_the_plain_analysis(data):
    X, choices, keys = data
    a = cl.item_analysis(X, choices, keys)
    b = cl.item_analysis(X, choices, keys, mask=np.ones_like(X))
    np.testing.assert_allclose(a.r_rest, b.r_rest)
    np.testing.assert_allclose(a.alpha_if_deleted, b.alpha_if_deleted)


# ------------------------------------------------------------------ test level


def test_form_stats_against_direct_formulas(data):
    X, _, _ = data
    n, k = X.shape
    f = cl.form_stats(X, cut=8)
    T = X.sum(axis=1).astype(float)
    m = T.mean()
    sd = math.sqrt(sum((t - m) ** 2 for t in T) / (n - 1))
    m2 = sum((t - m) ** 2 for t in T) / n
    m3 = sum((t - m) ** 3 for t in T) / n
    m4 = sum((t - m) ** 4 for t in T) / n
    g1, g2 = m3 / m2**1.5, m4 / m2**2 - 3
    skew = math.sqrt(n * (n - 1)) / (n - 2) * g1
    kurt = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    assert f.n == n and f.k == k
    assert f.mean == pytest.approx(m)
    assert f.median == pytest.approx(float(np.median(T)))
    assert f.sd == pytest.approx(sd)
    assert f.skewness == pytest.approx(skew)
    assert f.kurtosis == pytest.approx(kurt)
    # KR-20 equals Cronbach's alpha from the covariance matrix.
    C = np.cov(X.astype(float), rowvar=False)
    alpha = k / (k - 1) * (1 - np.trace(C) / C.sum())
    assert f.kr20 == pytest.approx(alpha, abs=1e-12)
    assert f.sem == pytest.approx(sd * math.sqrt(1 - alpha))
    assert f.csem_cut == pytest.approx(math.sqrt(8 * (k - 8) / (k - 1)))
    for score in range(k + 1):
        assert f.hist_counts[score] == (T == score).sum()
    assert f.hist_counts.sum() == n


def test_histogram_with_given_bins(data):
    X, _, _ = data
    f = cl.form_stats(X, bins=[0, 4, 8, 13])
    T = X.sum(axis=1)
    assert list(f.hist_counts) == [((T >= 0) & (T < 4)).sum(), ((T >= 4) & (T < 8)).sum(), (T >= 8).sum()]
    assert f.cut == pytest.approx(0.7 * X.shape[1])


def test_domain_subscores(data):
    X, _, _ = data
    domains = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3])  # area 3 has one item
    ds = cl.form_stats(X, domains=domains).domains
    assert ds is not None
    for dom in range(4):
        cols = X[:, domains == dom].astype(float)
        assert ds.k[dom] == cols.shape[1]
        assert ds.mean_pct[dom] == pytest.approx(100 * cols.sum(axis=1).mean() / cols.shape[1])
        if cols.shape[1] > 1:
            assert ds.kr20[dom] == pytest.approx(kr20_formula(cols), abs=1e-12)
        else:
            assert np.isnan(ds.kr20[dom])


def test_rejects_non_binary_scores():
    with pytest.raises(ValueError):
        cl.item_analysis(np.array([[0, 2], [1, 0]]))


# ------------------------------------------------------------------ undefined and boundary cases


def test_percent_totals_of_equal_fractions_tie_at_the_boundary():
    """9/150 and 6/100 are the same fraction: the two candidates must share a 27 % boundary place.
    As raw * (1/k) they differ in the last bit and one of them took the whole place."""
    rng = np.random.default_rng(5)
    bank, n = 150, 40
    mask = np.zeros((n, bank), dtype=np.uint8)
    X = np.zeros((n, bank), dtype=np.uint8)
    lengths = np.where(np.arange(n) % 2 == 0, 150, 100)
    for i in range(n):
        cols = rng.choice(bank, size=lengths[i], replace=False)
        mask[i, cols] = 1
        # Scores spread over the forms; many candidates land on 6 % (9/150 or 6/100).
        right = {150: 9, 100: 6}[lengths[i]] if i < 24 else int(rng.integers(20, 60))
        X[i, cols[:right]] = 1
    s = cl.item_analysis(X, mask=mask, total="percent")
    T = X.sum(axis=1) / mask.sum(axis=1)
    for j in range(bank):
        S = mask[:, j] == 1
        assert s.d_index[j] == pytest.approx(kelley_d(X[S, j], T[S]), abs=1e-12)


def test_item_everyone_answered_right_has_undefined_correlations_not_infinite():
    rng = np.random.default_rng(11)
    X = (rng.random((301, 6)) < 0.6).astype(np.uint8)
    X[:, 0] = 1  # everyone right
    X[:, 1] = 0  # everyone wrong
    for total in ("raw", "percent"):
        s = cl.item_analysis(X, total=total)
        for j in (0, 1):
            assert math.isnan(s.r_pb[j]) and math.isnan(s.r_rest[j]), (total, s.r_pb[j], s.r_rest[j])
            assert "weak_discrimination" not in s.flags_for(j)
        assert np.isfinite(s.r_rest[2:]).all()


def test_item_analysis_of_no_candidates_is_all_undefined():
    X = np.zeros((0, 5), dtype=np.uint8)
    choices = np.zeros((0, 5), dtype=np.int8)
    s = cl.item_analysis(X, choices, np.zeros(5, dtype=np.int64))
    assert s.n.tolist() == [0] * 5
    assert np.isnan(s.p).all() and np.isnan(s.r_rest).all() and np.isnan(s.d_index).all()
    assert s.option_share is not None and np.isnan(s.option_share).all()
    assert not s.flags.any()
    assert np.isnan(cl.item_analysis(X).p).all()


def test_skewness_is_defined_from_three_scores_and_kurtosis_from_four():
    from scipy import stats as sps

    three = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=np.uint8)  # totals 1, 2, 3 ... skew 0
    lopsided = np.array([[0, 0, 0], [0, 0, 0], [1, 1, 1]], dtype=np.uint8)  # totals 0, 0, 3
    f = cl.form_stats(three)
    assert f.skewness == pytest.approx(0.0, abs=1e-12) and math.isnan(f.kurtosis)
    g = cl.form_stats(lopsided)
    assert g.skewness == pytest.approx(sps.skew([0, 0, 3], bias=False), abs=1e-12)
    assert math.isnan(g.kurtosis)
    two = cl.form_stats(lopsided[1:])
    assert math.isnan(two.skewness)
