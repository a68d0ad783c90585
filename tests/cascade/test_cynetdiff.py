"""IC and LT agree in distribution with cynetdiff (an independent compiled implementation)."""

from __future__ import annotations

import array

import numpy as np
import pytest
from scipy import stats

from downline.cascade import simulate
from downline.graph import Graph

cynetdiff_models = pytest.importorskip("cynetdiff.models", reason="cynetdiff not installed")

RUNS = 3000
SEEDS = [0, 17, 123, 250]


def _cynetdiff_sizes(model: object, seeds: list[int], runs: int) -> np.ndarray:
    model.set_seeds(seeds)  # type: ignore[attr-defined]
    out = np.empty(runs, dtype=np.int64)
    for i in range(runs):
        model.reset_model()  # type: ignore[attr-defined]
        model.advance_until_completion()  # type: ignore[attr-defined]
        out[i] = model.get_num_activated_nodes()  # type: ignore[attr-defined]
    return out


def _csr(g: Graph) -> tuple[array.array, array.array]:
    return array.array("I", g.indptr.astype(np.uint32)), array.array("I", g.indices)


def _agree(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert stats.ks_2samp(ours, theirs).pvalue > 0.001
    assert stats.mannwhitneyu(ours, theirs).pvalue > 0.001
    se = np.hypot(ours.std(), theirs.std()) / np.sqrt(len(ours))
    assert abs(ours.mean() - theirs.mean()) < 4 * se


def test_ic_agrees_with_cynetdiff(random_graph: Graph) -> None:
    starts, edges = _csr(random_graph)
    model = cynetdiff_models.IndependentCascadeModel(
        starts, edges, activation_probs=array.array("f", random_graph.probs), rng=2024
    )
    theirs = _cynetdiff_sizes(model, SEEDS, RUNS)
    ours = simulate(random_graph, "ic", SEEDS, runs=RUNS, seed=2024).sizes
    _agree(ours, theirs)


def test_uniform_ic_agrees_with_cynetdiff(random_graph: Graph) -> None:
    # Exercises the geometric-skipping path.
    g = random_graph.with_weights("uniform:0.12")
    starts, edges = _csr(g)
    model = cynetdiff_models.IndependentCascadeModel(starts, edges, activation_prob=0.12,
                                                     rng=7)
    theirs = _cynetdiff_sizes(model, SEEDS, RUNS)
    ours = simulate(g, "ic", SEEDS, runs=RUNS, seed=7).sizes
    _agree(ours, theirs)


def test_lt_agrees_with_cynetdiff(random_graph: Graph) -> None:
    g = random_graph.with_weights("wc")
    starts, edges = _csr(g)
    model = cynetdiff_models.LinearThresholdModel(
        starts, edges, influence=array.array("f", g.probs), rng=99
    )
    theirs = _cynetdiff_sizes(model, SEEDS, RUNS)
    ours = simulate(g, "lt", SEEDS, runs=RUNS, seed=99).sizes
    _agree(ours, theirs)
