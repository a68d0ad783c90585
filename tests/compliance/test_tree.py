"""The vectorised tree helpers against plain walks of the tree, and the intervals against
scipy's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from downline.compliance.tree import (
    downline_counts,
    leg_index,
    qualified_upline,
    wilson,
)
from downline.genealogy import RANKS, generate_genealogy


@pytest.fixture(scope="module")
def gen():
    return generate_genealogy(3000, seed=11, roots=2)


def _walk(gen, i):
    out, d = [], 1
    j = int(gen.parent[i])
    while j >= 0:
        out.append((j, d))
        j, d = int(gen.parent[j]), d + 1
    return out


def test_downline_counts_match_a_walk(gen) -> None:
    rng = np.random.default_rng(1)
    idx = rng.integers(gen.n, size=2000)
    w = rng.random(2000)
    got = downline_counts(gen, idx, w)
    want = np.zeros(gen.n)
    for i, x in zip(idx, w, strict=True):
        for j, _ in _walk(gen, int(i)):
            want[j] += x
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_leg_is_the_level_one_ancestor(gen) -> None:
    idx = np.arange(gen.n)
    legs = leg_index(gen, idx)
    for i in range(0, gen.n, 7):
        chain = [i] + [j for j, _ in _walk(gen, i)]
        want = chain[-2] if len(chain) >= 2 else chain[-1]
        assert legs[i] == want


def test_qualified_upline_is_the_nearest_qualified(gen) -> None:
    order = tuple(name for _, name in RANKS)
    idx = np.arange(gen.n)
    got = qualified_upline(gen, idx, order, "Gold")
    level = {n: k for k, n in enumerate(order)}
    for i in range(0, gen.n, 5):
        chain = _walk(gen, i)
        if not chain:
            assert got[i] == -1
            continue
        hit = [j for j, _ in chain if level[gen.rank[j]] >= level["Gold"]
               and np.isnat(gen.left_at[j])]
        assert got[i] == (hit[0] if hit else chain[-1][0])


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (47, 1000), (500, 900)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    low, high = wilson(k, n)
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert float(low) == pytest.approx(ci.low, abs=1e-12)
    assert float(high) == pytest.approx(ci.high, abs=1e-12)
