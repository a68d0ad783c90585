"""Published and pinned fits on the shipped data series (sources in adoption/data/README.md)."""

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


@pytest.mark.parametrize(
    ("name", "m", "p", "q"),
    [
        ("room_air_conditioners", 18712.7, 0.0094421, 0.374763),
        ("clothes_dryers", 16497.0, 0.0135963, 0.326702),
        ("color_televisions", 39658.6, 0.0184662, 0.615863),
    ],
)
def test_bass_1969_durables_pinned(name, m, p, q):
    data = load_example(name)
    t = data["period"] - data["period"].iloc[0] + 1
    fit = fit_bass(data["adopters"], t)
    assert fit.converged_
    assert (fit.m_, fit.p_, fit.q_) == pytest.approx((m, p, q), rel=1e-4)
    assert fit.r2_ > 0.9


def test_unknown_example():
    with pytest.raises(ParameterError, match="unknown example"):
        load_example("nope")
