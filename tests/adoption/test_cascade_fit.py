"""Simulated curves meet fitted curves: Bass on the cascade engine's mean curve."""

from __future__ import annotations

import numpy as np
import pytest

from downline import cascade
from downline.adoption import fit_cascade_curve
from downline.graph import Graph


@pytest.fixture(scope="module")
def graph() -> Graph:
    rng = np.random.default_rng(0)
    n = 500
    return Graph.from_edges(rng.integers(0, n, 3000), rng.integers(0, n, 3000),
                            nodes=np.arange(n)).with_weights("wc")


def test_bass_fits_migration_curve(graph):
    model = cascade.Migration(follow="cascade", p=0.15, steps=30)
    est = cascade.simulate(graph, model, [0, 1, 2], runs=200, seed=1)
    fit = fit_cascade_curve(est, population=graph.n)
    assert fit.converged_
    assert fit.r2_ > 0.95
    assert fit.p_ > 0 and fit.q_ >= 0
    # The market potential is the final mean spread the curve levels off at.
    assert fit.m_ == pytest.approx(est.curve[-1], rel=0.05)
    assert fit.m_share_ == pytest.approx(fit.m_ / graph.n)
    assert np.allclose(fit.predict_cumulative(np.arange(1, est.curve.shape[0] + 1)),
                       est.curve, atol=0.05 * est.curve[-1])


def test_bass_fits_ic_curve_array(graph):
    est = cascade.simulate(graph.with_weights("uniform:0.3"), "ic", [0, 1, 2, 3], runs=200,
                           seed=2)
    fit = fit_cascade_curve(np.asarray(est.curve))
    assert fit.converged_ and fit.r2_ > 0.9
