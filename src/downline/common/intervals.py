"""Confidence intervals shared by every area (one home for the Wilson score interval).

Areas that report a proportion with an interval (migration follow-through, compliance
violation rates, pitch recall) call :func:`wilson` here rather than writing their own.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import overload

import numpy as np

__all__ = ["Z95", "wilson"]

Z95 = NormalDist().inv_cdf(0.975)


@overload
def wilson(k: float, n: float, *, level: float = 0.95, z: float | None = None
           ) -> tuple[float, float]: ...
@overload
def wilson(k: np.ndarray, n: np.ndarray | float, *, level: float = 0.95,
           z: float | None = None) -> tuple[np.ndarray, np.ndarray]: ...
def wilson(k, n, *, level=0.95, z=None):
    """Wilson score interval of the proportion ``k / n``.

    Parameters
    ----------
    k, n : float or array_like
        Successes and trials, scalars or arrays of the same shape.
    level : float
        Confidence level, in (0, 1).
    z : float, optional
        The normal quantile itself, instead of ``level``.

    Returns
    -------
    (low, high) : tuple
        Floats for scalar input, arrays otherwise; NaN where ``n`` is 0.

    Examples
    --------
    >>> low, high = wilson(10, 100)
    >>> round(low, 4), round(high, 4)
    (0.0552, 0.1744)
    >>> wilson(np.array([0, 5]), np.array([10, 20]))[1].round(3)
    array([0.278, 0.469])
    """
    if z is None:
        z = Z95 if level == 0.95 else NormalDist().inv_cdf(0.5 + level / 2)
    scalar = np.ndim(k) == 0 and np.ndim(n) == 0
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z2 / n
        mid = (p + z2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den
        # The interval ends at 0 (at 1) exactly when k is 0 (is n); say so, not 1e-17.
        low = np.where(n > 0, np.where(k == 0, 0.0, np.clip(mid - half, 0, 1)), np.nan)
        high = np.where(n > 0, np.where(k == n, 1.0, np.clip(mid + half, 0, 1)), np.nan)
    if scalar:
        return float(low), float(high)
    return low, high
