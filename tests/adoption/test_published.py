"""Fits on the shipped data series against published or independently computed figures
(sources in adoption/data/README.md)."""

from __future__ import annotations

import numpy as np
import pytest

from downline.adoption import BassModel, fit_bass, load_example
from downline.errors import ParameterError


def test_reproduces_published_r_nls_fit_of_textbook_example():
    """R nls on the ten-period example printed (RPubs, chengjun, 2012):

    M 6.80e+04 (3.13e+03), P 6.59e-03 (1.43e-03), Q 6.38e-01 (4.14e-02),
    residual standard error 727 on 7 df; model M f(t), our curve="density".
    Tolerance: half a unit in the last printed digit.
    """
    data = load_example("textbook")
    fit = BassModel(curve="density").fit(data["adopters"], data["period"])
    assert fit.converged_
    published = {
        "m": (6.80e4, 3.13e3),
        "p": (6.59e-3, 1.43e-3),
        "q": (6.38e-1, 4.14e-2),
    }
    ci = fit.conf_int()
    for name, (estimate, stderr) in published.items():
        assert abs(ci.loc[name, "estimate"] - estimate) <= 0.005 * 10 ** np.floor(
            np.log10(estimate)), name
        assert abs(ci.loc[name, "stderr"] - stderr) <= 0.005 * 10 ** np.floor(
            np.log10(stderr)), name
    assert round(fit.sigma_) == 727
    assert fit.dof_ == 7


def _reference_fit(y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, float]:
    """Discrete Bass by scipy's least squares, written here from the formula and started
    far from our OLS start (several starts; the best kept): an independent figure."""
    from scipy.optimize import least_squares

    def cdf(x, p, q):
        e = np.exp(-(p + q) * x)
        return (1.0 - e) / (1.0 + (q / p) * e)

    def residuals(theta):
        m, p, q = theta
        return m * (cdf(t, p, q) - cdf(t - 1.0, p, q)) - y

    best = None
    for m0, p0, q0 in [(2 * y.sum(), 0.03, 0.5), (1.2 * y.sum(), 0.001, 0.9),
                       (5 * y.sum(), 0.05, 0.2)]:
        sol = least_squares(residuals, [m0, p0, q0], bounds=([y.sum() / 2, 1e-6, 1e-6],
                            [1e3 * y.sum(), 1.0, 5.0]), x_scale=[y.sum(), 0.01, 0.1],
                            xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=20_000)
        if best is None or sol.cost < best.cost:
            best = sol
    return best.x, 2.0 * best.cost


@pytest.mark.parametrize("name", ["room_air_conditioners", "clothes_dryers",
                                  "color_televisions"])
def test_bass_1969_durables_match_an_independent_least_squares(name):
    data = load_example(name)
    t = (data["period"] - data["period"].iloc[0] + 1).to_numpy(dtype=np.float64)
    y = data["adopters"].to_numpy(dtype=np.float64)
    fit = fit_bass(y, t)
    assert fit.converged_
    (m, p, q), sse = _reference_fit(y, t)
    ours = float(np.sum((fit.predict(t) - y) ** 2))
    # The same least-squares optimum: no worse than the reference, parameters alike.
    assert ours <= sse * (1 + 1e-6)
    assert (fit.m_, fit.p_, fit.q_) == pytest.approx((m, p, q), rel=1e-3)
    assert fit.r2_ > 0.9


def test_unknown_example():
    with pytest.raises(ParameterError, match="unknown example"):
        load_example("nope")
