"""Wilson intervals against published values, and grouped pass rates."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.stats.rates import pass_rates, wilson_interval, wilson_interval_array


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (8, 10, 0.490, 0.943),
        (0, 10, 0.000, 0.278),
        (10, 10, 0.722, 1.000),
        (50, 100, 0.404, 0.596),
        (1, 20, 0.009, 0.236),
    ],
)
def test_wilson_known_values(k, n, lo, hi):
    got = wilson_interval(k, n)
    assert got[0] == pytest.approx(lo, abs=5e-4)
    assert got[1] == pytest.approx(hi, abs=5e-4)


def test_wilson_extremes_are_exact():
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_wilson_vectorised_equals_scalar():
    k = np.array([0, 3, 8, 50, 10])
    n = np.array([10, 7, 10, 100, 10])
    lo, hi = wilson_interval_array(k, n)
    for i in range(len(k)):
        assert (lo[i], hi[i]) == pytest.approx(wilson_interval(int(k[i]), int(n[i])))


def test_wilson_no_data_and_bad_input():
    lo, hi = wilson_interval(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_pass_rates_by_group():
    passed = np.array([1, 1, 0, 1, 0, 0, 1, 1, 1, 1], dtype=bool)
    groups = np.array(["b", "b", "b", "a", "a", "c", "c", "c", "c", "c"])
    r = pass_rates(passed, groups)
    assert list(r.groups) == ["a", "b", "c"]
    assert list(r.n) == [2, 3, 5]
    assert list(r.passed) == [1, 2, 4]
    np.testing.assert_allclose(r.rate, [0.5, 2 / 3, 0.8])
    for i in range(3):
        assert (r.lo[i], r.hi[i]) == pytest.approx(wilson_interval(int(r.passed[i]), int(r.n[i])))


def test_pass_rate_overall():
    r = pass_rates(np.r_[np.ones(8), np.zeros(2)])
    assert list(r.n) == [10] and r.rate[0] == 0.8
    assert r.lo[0] == pytest.approx(0.490, abs=5e-4)
