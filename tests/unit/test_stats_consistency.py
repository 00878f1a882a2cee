"""Subkoviak's single-administration decision consistency against a naive per-candidate loop
with scipy's binomial distribution."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from scoring.stats import classical as cl
from scoring.stats import consistency as dc
from scoring.stats import simulate as sim


def naive_subkoviak(raw: np.ndarray, k: int, raw_cut: float, rel: float) -> tuple[float, float]:
    c = math.ceil(raw_cut - 1e-9)
    mean = raw.mean()
    P = []
    for x in raw:
        tau = rel * x / k + (1 - rel) * mean / k
        P.append(sps.binom.sf(c - 1, k, tau))
    P = np.array(P)
    p0 = float(np.mean(P**2 + (1 - P) ** 2))
    pc = P.mean() ** 2 + (1 - P.mean()) ** 2
    return p0, (p0 - pc) / (1 - pc)


@pytest.mark.parametrize("p", [0.0, 0.03, 0.5, 0.71, 0.999, 1.0])
@pytest.mark.parametrize(("k", "c"), [(10, 7), (100, 70), (150, 105), (5, 0), (5, 6)])
def test_binomial_tail_matches_scipy(k, c, p):
    got = dc.binomial_tail(k, c, np.array([p]))[0]
    assert got == pytest.approx(sps.binom.sf(c - 1, k, p), abs=1e-12)


def test_subkoviak_matches_a_naive_loop_on_simulated_exams():
    rng = np.random.default_rng(4)
    d = sim.simulate_2pl(rng, 2000, 60)
    raw = d.X.sum(axis=1).astype(float)
    rel = cl.kr20(d.X)
    out = dc.subkoviak(raw, 60, 0.7 * 60, rel)
    p0, kappa = naive_subkoviak(raw, 60, 42.0, rel)
    assert out.n == 2000
    assert out.agreement == pytest.approx(p0, abs=1e-12)
    assert out.kappa == pytest.approx(kappa, abs=1e-12)
    assert 0.5 < out.agreement < 1.0 and 0.0 < out.kappa < 1.0


def test_perfectly_reliable_scores_far_from_the_cut_agree_every_time():
    raw = np.array([0.0] * 50 + [100.0] * 50)
    out = dc.subkoviak(raw, 100, 70, 1.0)
    assert out.agreement == pytest.approx(1.0) and out.kappa == pytest.approx(1.0)
    assert out.pass_probability == pytest.approx(0.5)


def test_without_reliability_the_decision_is_chance_alone():
    raw = np.arange(40, 101, dtype=float)
    out = dc.subkoviak(raw, 100, 70, 0.0)
    assert out.kappa == pytest.approx(0.0, abs=1e-12)


def test_a_fractional_raw_cut_passes_at_the_next_whole_score():
    raw = np.array([104.0, 105.0, 106.0])
    # 70 % of 150 = 105 exactly; 69.5 % of 150 = 104.25, so 105 passes either way.
    a = dc.subkoviak(raw, 150, 105.0, 0.9)
    b = dc.subkoviak(raw, 150, 104.25, 0.9)
    assert a.agreement == pytest.approx(b.agreement)


def test_no_candidates_or_no_reliability_is_undefined():
    assert math.isnan(dc.subkoviak(np.array([]), 100, 70, 0.9).agreement)
    assert math.isnan(dc.subkoviak(np.array([70.0, 80.0]), 100, 70, float("nan")).kappa)
