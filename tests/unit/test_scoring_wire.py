"""The one "finite number or None" of scoring (JSON has no NaN)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.wire import finite_or_none


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), -math.inf, np.float64("nan"), np.float32("inf")])
def test_no_number_and_non_finite_numbers_are_none(value: object) -> None:
    assert finite_or_none(value) is None  # type: ignore[arg-type]
    assert finite_or_none(value, None) is None  # type: ignore[arg-type]


def test_finite_numbers_are_rounded_to_the_digits_asked_or_kept_whole() -> None:
    assert finite_or_none(0.123456) == 0.1235
    assert finite_or_none(np.float64(12.3456), 2) == 12.35
    assert finite_or_none(np.float32(0.5), None) == 0.5
    assert finite_or_none(1.0000000001, None) == 1.0000000001
    assert type(finite_or_none(np.int64(3))) is float
