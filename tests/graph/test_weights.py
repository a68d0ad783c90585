"""Edge-probability schemes."""

from __future__ import annotations

import numpy as np
import pytest

from downline.errors import ParameterError
from downline.graph import Graph, parse_scheme


def test_weighted_cascade_is_one_over_in_degree_with_sources():
    # node 0 has no in-neighbours (the common case a C++ reference gets wrong)
    g = Graph.from_edges([0, 0, 1, 2, 3], [1, 2, 2, 3, 1]).with_weights("wc")
    indeg = {1: 2, 2: 2, 3: 1}
    for u in range(g.n):
        for e in range(g.indptr[u], g.indptr[u + 1]):
            assert g.probs[e] == pytest.approx(1 / indeg[int(g.indices[e])])
    # in-weights of every node with in-neighbours sum to 1 (LT-ready)
    sums = np.bincount(g.indices, weights=g.probs, minlength=g.n)
    assert sums.tolist() == pytest.approx([0, 1, 1, 1])


def test_uniform_and_given():
    g = Graph.from_edges([0, 1], [1, 2], probs=[0.3, 0.4])
    assert g.with_weights("uniform:0.05").probs.tolist() == pytest.approx([0.05, 0.05])
    assert g.with_weights("given").probs.tolist() == pytest.approx([0.3, 0.4])


def test_trivalency_values_seeded_and_balanced():
    g = Graph.from_edges(np.arange(3000), np.arange(1, 3001))
    a = g.with_weights("trivalency", seed=7).probs
    b = g.with_weights("trivalency", seed=7).probs
    assert np.array_equal(a, b)
    values, counts = np.unique(a.round(4), return_counts=True)
    assert values.tolist() == pytest.approx([0.001, 0.01, 0.1])
    # each value has chance 1/3: 3000 draws, sd = sqrt(3000 * 1/3 * 2/3) ~ 25.8; 5 sd
    assert np.all(np.abs(counts - 1000) < 130)


@pytest.mark.parametrize("bad", ["uniform:1.5", "uniform:x", "cascade", "wc:3", "uniform:-0.1"])
def test_bad_schemes(bad):
    with pytest.raises(ParameterError):
        parse_scheme(bad)
