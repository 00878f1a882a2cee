"""IRT calibration validated by simulation: known parameters in, recovery asserted.

Tolerances: on a full 10,000 x 150 form RMSE of a and b must each be < 0.05 (the
acceptance criterion; sampling error alone is ~0.03). On random forms each item
is seen by a third of the candidates, so sampling error is ~sqrt(3) larger and
the bound is 0.09.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.stats import irt
from scoring.stats import simulate as sim


def rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


@pytest.fixture(scope="module")
def full_form():
    d = sim.simulate_2pl(np.random.default_rng(2024), 10_000, 150)
    return d, irt.calibrate(d.X)


def test_2pl_recovery_10000_by_150(full_form):
    d, cal = full_form
    assert cal.converged
    assert cal.a.shape == cal.b.shape == (150,)
    assert rmse(cal.a, d.a) < 0.05
    assert rmse(cal.b, d.b) < 0.05
    assert np.all(cal.n == 10_000)
    assert math.isfinite(cal.loglik) and cal.loglik < 0


def test_2pl_standard_errors_are_calibrated(full_form):
    d, cal = full_form
    z = np.r_[(cal.a - d.a) / cal.se_a, (cal.b - d.b) / cal.se_b]
    inside = np.mean(np.abs(z) < 1.96)
    assert 0.85 < inside < 0.995


def test_2pl_fit_statistics_are_near_nominal_when_the_model_holds(full_form):
    _, cal = full_form
    assert np.all(np.abs(cal.infit - 1) < 0.1)
    assert np.all(np.abs(cal.outfit - 1) < 0.2)
    assert cal.fit_df == 8
    assert np.all((cal.fit_p >= 0) & (cal.fit_p <= 1))


@pytest.mark.parametrize("form_length", [None, 30], ids=["one form", "random forms"])
def test_2pl_fit_flags_planted_misfitting_items(form_length):
    # Item 0 follows a 3PL with guessing c = .3, item 1 is non-monotone (easiest
    # for average candidates); the other items follow the 2PL. Q1's p must
    # single out the two planted items and leave the 2PL items near nominal.
    rng = np.random.default_rng(77)
    n, bank = 8000, 40
    a, b = sim.item_params(rng, bank)
    theta = sim.abilities(rng, n)
    mask = None if form_length is None else sim.random_forms(rng, n, bank, form_length)
    X = sim.responses(rng, theta, a, b, mask)
    guessing = 0.3 + 0.7 / (1.0 + np.exp(-1.5 * (theta - 1.0)))
    bump = 0.2 + 0.6 * np.exp(-theta * theta)
    X[:, 0] = rng.random(n) < guessing
    X[:, 1] = rng.random(n) < bump
    if mask is not None:
        X[:, :2] &= mask[:, :2]
    cal = irt.calibrate(X, mask)
    assert cal.converged
    assert cal.fit_p[0] < 0.01 and cal.fit_p[1] < 0.01
    well = cal.fit_p[2:]
    assert np.mean(well > 0.01) >= 0.9
    # The planted items are the worst fitting by far.
    assert set(np.argsort(cal.fit_chi2)[-2:].tolist()) == {0, 1}


def test_loglik_increases_with_iterations(full_form):
    d, cal = full_form
    early = irt.calibrate(d.X, max_iter=3)
    assert not early.converged and early.iterations == 3
    assert early.loglik < cal.loglik


def test_rasch_recovery():
    rng = np.random.default_rng(31)
    b = rng.normal(0, 1, 60)
    theta = rng.normal(0, 1, 6000)
    X = sim.responses(rng, theta, np.ones(60), b)
    cal = irt.calibrate(X, model="rasch")
    assert cal.converged
    assert np.ptp(cal.a) == 0  # one common slope
    # The common slope is the latent SD on the N(0, 1) metric: this sample's SD.
    assert cal.a[0] == pytest.approx(theta.std(), abs=0.02)
    assert rmse(cal.b, b) < 0.05
    fixed = irt.calibrate(X, model="rasch", rasch_a=1.0)
    assert np.all(fixed.a == 1.0) and np.all(fixed.se_a == 0)
    assert rmse(fixed.b, b) < 0.05
    assert np.all(np.abs(cal.infit - 1) < 0.1)


def test_rasch_infit_detects_unequal_discrimination(full_form):
    d, _ = full_form
    cal = irt.calibrate(d.X, model="rasch")
    # Items steeper than the common slope overfit (< 1), flatter ones underfit.
    assert np.corrcoef(cal.infit, d.a)[0, 1] < -0.8


def test_eap_tracks_true_theta(full_form):
    d, cal = full_form
    ab = irt.eap(d.X, cal.a, cal.b)
    assert ab.theta.shape == ab.sd.shape == (10_000,)
    assert np.corrcoef(ab.theta, d.theta)[0, 1] > 0.96
    # The posterior SD is an honest standard error.
    assert rmse(ab.theta, d.theta) == pytest.approx(ab.sd.mean(), rel=0.15)


def test_masked_random_forms_calibration():
    d = sim.simulate_2pl(np.random.default_rng(8), 10_000, 300, form_length=100)
    assert d.mask is not None and np.all(d.mask.sum(axis=1) == 100)
    cal = irt.calibrate(d.X, d.mask)
    assert cal.converged
    assert rmse(cal.a, d.a) < 0.09
    assert rmse(cal.b, d.b) < 0.09
    assert abs(cal.n.mean() - 10_000 / 3) < 50
    ab = irt.eap(d.X, cal.a, cal.b, d.mask)
    assert np.corrcoef(ab.theta, d.theta)[0, 1] > 0.95


def test_rudner_against_direct_loop():
    theta_hat = np.array([-1.2, -0.4, -0.1, 0.0, 0.3, 0.9, 2.1])
    se = np.array([0.30, 0.25, 0.20, 0.25, 0.40, 0.22, 0.50])
    cut = -0.2
    ps = [0.5 * (1 + math.erf(abs(t - cut) / s / math.sqrt(2))) for t, s in zip(theta_hat, se, strict=True)]
    acc = sum(ps) / len(ps)
    cons = sum(p * p + (1 - p) ** 2 for p in ps) / len(ps)
    r = irt.rudner(theta_hat, se, cut)
    np.testing.assert_allclose(r.p_correct, ps, atol=1e-7)
    assert r.accuracy == pytest.approx(acc, abs=1e-7)
    assert r.consistency == pytest.approx(cons, abs=1e-7)


def test_equated_cuts_follow_form_difficulty():
    rng = np.random.default_rng(4)
    bank_a = rng.lognormal(0, 0.25, 300)
    bank_b = rng.normal(0, 1, 300)
    order = np.argsort(bank_b)
    forms = np.zeros((3, 300))
    forms[0, rng.choice(300, 150, replace=False)] = 1  # reference
    forms[1, order[:150]] = 1  # easiest items
    forms[2, order[150:]] = 1  # hardest items
    ref = forms[0] == 1
    theta_c = irt.equated_theta_cut(bank_a[ref], bank_b[ref], 0.70)
    assert irt.tcc([theta_c], bank_a[ref], bank_b[ref])[0] == pytest.approx(0.70 * 150, abs=1e-8)
    cuts = irt.form_raw_cuts(theta_c, bank_a, bank_b, forms)
    assert cuts[0] == pytest.approx(105.0, abs=1e-8)
    assert cuts[1] > cuts[0] > cuts[2]


def test_true_score_inversion_is_vectorised_and_monotone():
    a = np.array([1.0, 1.3, 0.8, 1.1])
    b = np.array([-1.0, 0.0, 0.5, 1.2])
    targets = np.array([0.5, 1.0, 2.0, 3.5])
    th = irt.theta_for_true_score(targets, a, b)
    assert np.all(np.diff(th) > 0)
    np.testing.assert_allclose(irt.tcc(th, a, b), targets, atol=1e-9)
    assert irt.theta_for_true_score([0.0], a, b)[0] == -10.0  # zero raw: the bracket end


def test_scaled_score():
    s = irt.scaled_score([-0.4, 0.6, -0.9, 10.0, -10.0], theta_cut=-0.4)
    np.testing.assert_allclose(s, [200.0, 200 + irt.SCALE_SLOPE, 200 - 0.5 * irt.SCALE_SLOPE, 300.0, 100.0])
