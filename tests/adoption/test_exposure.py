"""Network exposure, thresholds and the hazard test against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from downline.adoption import (
    ConvergenceWarning,
    exposure,
    exposure_hazard,
    threshold_profile,
    thresholds,
)
from downline.errors import GraphError, InputError, ParameterError
from downline.graph import Graph

NAN = float("nan")


@pytest.fixture
def graph() -> Graph:
    # Influence flows along the arrows: a -> c, b -> c, c -> d, a -> d, d -> f; e isolated.
    return Graph.from_edges(
        ["a", "b", "c", "a", "d"],
        ["c", "c", "d", "d", "f"],
        probs=[0.2, 0.6, 0.5, 0.25, 1.0],
        nodes=["a", "b", "c", "d", "e", "f"],
    )


TIMES = {"a": 1, "b": 2, "c": 2, "d": 4}  # e and f never adopt


def test_exposure_directed_unweighted(graph):
    e = exposure(graph, TIMES)
    assert list(e.columns) == [1, 2, 3, 4]
    expected = {
        "a": [NAN] * 4,  # no in-neighbours
        "b": [NAN] * 4,
        "c": [0.0, 0.5, 1.0, 1.0],  # a (t=1) counts from period 2, b (t=2) from 3
        "d": [0.0, 0.5, 1.0, 1.0],  # a from 2, c from 3
        "e": [NAN] * 4,
        "f": [0.0, 0.0, 0.0, 0.0],  # d adopts in 4: counts only from period 5
    }
    for node, row in expected.items():
        np.testing.assert_allclose(e.loc[node].to_numpy(), row, equal_nan=True)


def test_exposure_weighted_and_counts(graph):
    w = exposure(graph, TIMES, weighted=True)
    np.testing.assert_allclose(w.loc["c"].to_numpy(), [0.0, 0.2 / 0.8, 1.0, 1.0])
    np.testing.assert_allclose(w.loc["d"].to_numpy(), [0.0, 0.25 / 0.75, 1.0, 1.0])
    counts = exposure(graph, TIMES, normalize=False)
    np.testing.assert_allclose(counts.loc["c"].to_numpy(), [0, 1, 2, 2])
    np.testing.assert_allclose(counts.loc["a"].to_numpy(), [0, 0, 0, 0])
    wsum = exposure(graph, TIMES, weighted=True, normalize=False)
    np.testing.assert_allclose(wsum.loc["c"].to_numpy(), [0, 0.2, 0.8, 0.8], rtol=1e-6)


def test_direction_matters():
    # a -> b only: b is exposed to a, a is exposed to nobody.
    g = Graph.from_edges(["a"], ["b"])
    e = exposure(g, {"a": 2, "b": 1})
    assert np.isnan(e.loc["a"]).all()
    np.testing.assert_allclose(e.loc["b"].to_numpy(), [0.0, 0.0])


def test_thresholds_and_profile(graph):
    th = thresholds(graph, TIMES)
    assert list(th.index) == ["a", "b", "c", "d"]  # never-adopters left out
    np.testing.assert_allclose(th.to_numpy(), [NAN, NAN, 0.5, 1.0], equal_nan=True)
    thw = thresholds(graph, TIMES, weighted=True)
    assert thw["c"] == pytest.approx(0.25)
    prof = threshold_profile(graph, TIMES, low_cut=0.0, high_cut=0.5)
    assert prof.n_adopters == 2 and prof.n_undefined == 2
    assert prof.low_share == 0.0 and prof.high_share == 1.0
    assert prof.high == ["c", "d"]
    prof2 = threshold_profile(graph, {"c": 1, "d": 3, "a": 3})
    assert prof2.low == ["c"] and prof2.low_share == 0.5
    assert prof2.to_dict()["low_count"] == 1
    with pytest.raises(ParameterError):
        threshold_profile(graph, TIMES, low_cut=0.6, high_cut=0.5)


def test_integer_labels_and_series_input():
    g = Graph.from_edges([1, 2, 3], [3, 3, 4])
    times = pd.Series({1: 10, 3: 11, 4: 12})
    e = exposure(g, times)
    assert list(e.columns) == [10, 11, 12]
    np.testing.assert_allclose(e.loc[3].to_numpy(), [0.0, 0.5, 0.5])
    np.testing.assert_allclose(e.loc[4].to_numpy(), [0.0, 0.0, 1.0])


def test_adopters_missing_from_graph_are_named(graph):
    with pytest.raises(GraphError, match="zz"):
        exposure(graph, {"a": 1, "zz": 2})


def test_bad_adoption_times(graph):
    with pytest.raises(InputError, match="whole period"):
        exposure(graph, {"a": 1.5})
    with pytest.raises(InputError, match="more than one"):
        exposure(graph, pd.DataFrame({"id": ["a", "a"], "t": [1, 2]}))
    with pytest.raises(InputError, match="not a number"):
        exposure(graph, {"a": "soon"})
    with pytest.raises(InputError, match="nobody adopted"):
        exposure(graph, {"a": None})
    with pytest.raises(InputError):
        exposure(graph, [1, 2, 3])


def _simulate(effect: float, seed: int) -> tuple[Graph, dict[int, int]]:
    rng = np.random.default_rng(seed)
    n = 600
    src = rng.integers(0, n, 3000)
    dst = rng.integers(0, n, 3000)
    g = Graph.from_edges(src, dst, nodes=np.arange(n))
    r = g.reverse
    adopted = np.full(n, np.inf)
    for t in range(1, 16):
        before = adopted < t
        exp_t = np.array([before[r.indices[r.indptr[v]:r.indptr[v + 1]]].mean()
                          if r.indptr[v + 1] > r.indptr[v] else 0.0 for v in range(n)])
        hazard = 1 / (1 + np.exp(-(-3.5 + effect * exp_t)))
        new = ~before & (rng.random(n) < hazard)
        adopted[new] = t
    return g, {int(i): int(adopted[i]) for i in np.flatnonzero(np.isfinite(adopted))}


def test_hazard_detects_exposure_effect_and_matches_sklearn():
    g, times = _simulate(effect=4.0, seed=3)
    res = exposure_hazard(g, times)
    assert res.converged
    assert res.p_value < 1e-6 and res.lr_p_value < 1e-6
    assert res.coef == pytest.approx(4.0, abs=4 * res.stderr)
    # Same person-period table fitted by scikit-learn without penalty.
    e = exposure(g, times).to_numpy()
    per_node = np.full(g.n, np.inf)
    idx = g.index_of(list(times))
    per_node[idx] = list(times.values())
    periods = np.arange(min(times.values()), max(times.values()) + 1)
    risk = ~(per_node[:, None] < periods[None, :]) & np.isfinite(e)
    rows, cols = np.nonzero(risk)
    y = (per_node[rows] == periods[cols]).astype(int)
    sk = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(
        e[rows, cols][:, None], y)
    assert res.coef == pytest.approx(sk.coef_[0, 0], rel=1e-4)
    assert res.params["const"] == pytest.approx(sk.intercept_[0], rel=1e-4)
    assert res.n_obs == y.size and res.n_events == y.sum()


def test_hazard_time_effects_and_null():
    g, times = _simulate(effect=0.0, seed=5)
    res = exposure_hazard(g, times, time_effects="linear")
    assert res.p_value > 0.01
    assert "period" in res.params
    dummies = exposure_hazard(g, times, time_effects="dummies")
    assert any(k.startswith("period=") for k in dummies.params)
    assert dummies.to_dict()["time_effects"] == "dummies"
    with pytest.raises(ParameterError):
        exposure_hazard(g, times, time_effects="quadratic")


def test_hazard_separation_is_reported():
    # Everyone exposed adopts at once and nobody unexposed does: exposure separates.
    g = Graph.from_edges(["s", "s", "s", "x"], ["a", "b", "c", "y"])
    times = {"s": 1, "a": 2, "b": 2, "c": 2, "x": 3}
    with pytest.warns(ConvergenceWarning):
        res = exposure_hazard(g, times)
    assert not res.converged
