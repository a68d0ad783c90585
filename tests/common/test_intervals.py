"""The one Wilson interval, against scipy's binomtest (an independent implementation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from downline.common.intervals import wilson


@pytest.mark.parametrize(("k", "n"), [(0, 1), (0, 10), (3, 7), (50, 100), (99, 100),
                                      (1000, 1000)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_scalar_matches_scipy(k: int, n: int, level: float) -> None:
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    low, high = wilson(k, n, level=level)
    assert isinstance(low, float)
    assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_arrays_elementwise_and_nan_without_trials() -> None:
    k = np.array([0, 4, 0])
    n = np.array([10, 9, 0])
    low, high = wilson(k, n)
    for i in range(2):
        assert (low[i], high[i]) == pytest.approx(wilson(int(k[i]), int(n[i])), abs=0)
    assert np.isnan(low[2]) and np.isnan(high[2])
    assert all(np.isnan(wilson(0, 0)))


def test_z_overrides_level() -> None:
    assert wilson(3, 10, z=1.0) != wilson(3, 10)
    assert wilson(3, 10, z=1.959963984540054) == pytest.approx(wilson(3, 10), abs=1e-15)


def test_ends_are_exact_at_zero_and_all() -> None:
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0
