"""Normal CDF and chi-square tail without scipy.

scipy is not a runtime dependency of the service, and numpy has no erf, so the
one special function the statistics need is approximated here. The Chebyshev
fit of erfc (Numerical Recipes, `erfcc`) has fractional error below 1.2e-7
everywhere, far below anything a pass/fail or fit report can show.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Z95 = 1.959963984540054  # two-sided 95 % normal quantile


def erfc(x: ArrayLike) -> NDArray[np.float64]:
    x = np.asarray(x, dtype=np.float64)
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (
        1.00002368
        + t * (0.37409196
        + t * (0.09678418
        + t * (-0.18628806
        + t * (0.27886807
        + t * (-1.13520398
        + t * (1.48851587
        + t * (-0.82215223
        + t * 0.17087277))))))))
    ans = t * np.exp(poly)
    return np.where(x >= 0.0, ans, 2.0 - ans)


def norm_cdf(x: ArrayLike) -> NDArray[np.float64]:
    return 0.5 * erfc(-np.asarray(x, dtype=np.float64) / np.sqrt(2.0))


def chi2_sf(x: ArrayLike, df: ArrayLike) -> NDArray[np.float64]:
    """Upper tail of chi-square by the Wilson-Hilferty cube-root approximation.

    Good to about two decimals for df >= 3, which is all an item-fit screen
    needs (it ranks items; it is not a significance test anyone should trust
    with 150 simultaneous comparisons anyway).
    """
    x = np.asarray(x, dtype=np.float64)
    df = np.asarray(df, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = 2.0 / (9.0 * df)
        z = (np.cbrt(x / df) - (1.0 - h)) / np.sqrt(h)
    return norm_cdf(-z)
