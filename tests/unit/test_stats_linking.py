"""Stocking-Lord linking: a calibration on another population's scale comes back to the reference."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.stats import irt
from scoring.stats import simulate as sim


@pytest.fixture(scope="module")
def two_calibrations():
    rng = np.random.default_rng(3)
    a, b = sim.item_params(rng, 60)
    reference = irt.calibrate(sim.responses(rng, rng.normal(0.0, 1.0, 4000), a, b, None))
    # A stronger, more spread population: its own N(0, 1) scale is theta_new = (theta - 0.6) / 1.3.
    later = irt.calibrate(sim.responses(rng, rng.normal(0.6, 1.3, 4000), a, b, None))
    return reference, later


def test_linking_recovers_the_scale_transformation(two_calibrations):
    reference, later = two_calibrations
    link = irt.stocking_lord(later.a, later.b, reference.a, reference.b)
    assert link.A == pytest.approx(1.3, abs=0.08)
    assert link.B == pytest.approx(0.6, abs=0.08)
    assert link.n_common == 60


def test_linked_parameters_match_the_reference_and_keep_the_cut(two_calibrations):
    reference, later = two_calibrations
    link = irt.stocking_lord(later.a, later.b, reference.a, reference.b)
    a2, b2 = link.apply(later.a, later.b)
    before = np.sqrt(np.mean((later.b - reference.b) ** 2))
    after = np.sqrt(np.mean((b2 - reference.b) ** 2))
    assert after < 0.1 < before
    # The cut set on the reference scale means the same expected score on the linked items.
    theta_c = irt.equated_theta_cut(reference.a, reference.b, 0.7)
    assert irt.tcc([theta_c], a2, b2)[0] == pytest.approx(0.7 * 60, abs=0.6)


def test_linking_a_calibration_to_itself_is_the_identity(two_calibrations):
    reference, _ = two_calibrations
    link = irt.stocking_lord(reference.a, reference.b, reference.a, reference.b)
    assert link.A == pytest.approx(1.0, abs=1e-9) and link.B == pytest.approx(0.0, abs=1e-9)


def test_linking_needs_aligned_common_items():
    with pytest.raises(ValueError):
        irt.stocking_lord([1.0], [0.0], [1.0], [0.0])
    with pytest.raises(ValueError):
        irt.stocking_lord([1.0, 1.2], [0.0, 1.0], [1.0], [0.0])
