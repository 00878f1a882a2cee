"""Values as scoring's answers carry them: ids, finite numbers, times, area names.

The one home of "a finite number or None" (JSON has no NaN): the presenters round
with it, and the calibration store writes NULL for a standard error that does not exist.
"""

from __future__ import annotations

import math
from typing import Annotated

import msgspec
import numpy as np

from shared.domains import DOMAIN_BY_CODE
from shared.times import iso_utc

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]

iso = iso_utc


def finite_or_none(x: float | np.floating | None, digits: int | None = 4) -> float | None:
    """`x` as a float rounded to `digits` (None: not rounded) when it is finite, else None."""
    if x is None:
        return None
    v = float(x)
    if not math.isfinite(v):
        return None
    return v if digits is None else round(v, digits)


def domain_name(code: str) -> str:
    """The content area's name (the code itself for an area this release does not know)."""
    domain = DOMAIN_BY_CODE.get(code)
    return domain.name if domain is not None else code
