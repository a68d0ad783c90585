"""The vectorised upline lookups and downline sums of a Genealogy against a plain walk up
the parent array, on seeded random forests whose members come in any order (sponsors
after recruits too)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.errors import ParameterError
from downline.genealogy import Genealogy, generate_genealogy


def _random_forest(n: int, roots: int, seed: int, chain: float = 0.0) -> Genealogy:
    """A forest of ``n`` members with ``roots`` roots, shuffled so that input order is not
    tree order; ``chain`` is the share of members hung below the previous one (deep)."""
    rng = np.random.default_rng(seed)
    parent = np.full(n, -1, dtype=np.int64)
    for i in range(roots, n):
        parent[i] = i - 1 if rng.random() < chain else rng.integers(0, i)
    perm = rng.permutation(n)  # member i of the tree is written at row perm[i]
    ids = np.empty(n, dtype=np.int64)
    ids[perm] = np.arange(n) * 7 + 3
    sponsor = np.full(n, None, dtype=object)
    has = parent >= 0
    sponsor[perm[has]] = ids[perm[parent[has]]]
    return Genealogy.from_frame(pd.DataFrame({
        "member_id": ids, "sponsor_id": sponsor, "joined_at": ["2024-01-01"] * n}))


def _chain(gen: Genealogy, i: int) -> list[int]:
    """``i``'s uplines, the sponsor first, by walking the parent array."""
    out = []
    j = int(gen.parent[i])
    while j >= 0:
        out.append(j)
        j = int(gen.parent[j])
    return out


TREES = [
    pytest.param(lambda: _random_forest(2000, 1, seed=1), id="random-1-root"),
    pytest.param(lambda: _random_forest(2000, 5, seed=2, chain=0.9), id="deep-5-roots"),
    pytest.param(lambda: _random_forest(1, 1, seed=3), id="single"),
    pytest.param(lambda: generate_genealogy(3000, seed=4, roots=3), id="generated"),
]


@pytest.fixture(params=TREES)
def gen(request: pytest.FixtureRequest) -> Genealogy:
    return request.param()


def test_upline_at_and_on_level_match_a_walk(gen: Genealogy) -> None:
    rng = np.random.default_rng(5)
    idx = rng.integers(gen.n, size=3000)
    distance = rng.integers(0, int(gen.depth.max()) + 3, size=idx.size)
    level = rng.integers(-1, int(gen.depth.max()) + 2, size=idx.size)
    got_at = gen.upline_at(idx, distance)
    got_level = gen.upline_on_level(idx, level)
    for k, i in enumerate(idx.tolist()):
        path = [i, *_chain(gen, i)]  # path[d] is d levels up; path[-1] is the root
        d = int(distance[k])
        assert got_at[k] == (path[d] if d < len(path) else -1)
        lv = int(level[k])
        up = len(path) - 1 - lv  # how far up level lv is
        assert got_level[k] == (path[up] if 0 <= lv and up >= 0 else -1)


def test_upline_pairs_list_every_upline_with_its_distance(gen: Genealogy) -> None:
    rng = np.random.default_rng(6)
    idx = rng.integers(gen.n, size=400)
    items, ups, dist = gen.upline_pairs(idx)
    want = [(k, j, d) for k, i in enumerate(idx.tolist())
            for d, j in enumerate(_chain(gen, i), start=1)]
    assert list(zip(items.tolist(), ups.tolist(), dist.tolist(), strict=True)) == want
    items, ups, dist = gen.upline_pairs(idx, max_distance=2)
    assert list(zip(items.tolist(), ups.tolist(), dist.tolist(), strict=True)) == [
        t for t in want if t[2] <= 2]


@pytest.mark.parametrize("share", [0.05, 0.5])
def test_nearest_upline_is_the_first_flagged_on_the_way_up(gen: Genealogy, share: float
                                                           ) -> None:
    rng = np.random.default_rng(7)
    where = rng.random(gen.n) < share
    idx = np.arange(gen.n)
    got = gen.nearest_upline(idx, where)
    for i in range(gen.n):
        hits = [j for j in _chain(gen, i) if where[j]]
        assert got[i] == (hits[0] if hits else -1)


def test_upline_by_id_is_the_chain_of_ids(gen: Genealogy) -> None:
    for i in range(0, gen.n, 97):
        assert gen.upline(gen.ids[i]).tolist() == gen.ids[_chain(gen, i)].tolist()


def test_downline_total_sums_every_downline(gen: Genealogy) -> None:
    rng = np.random.default_rng(9)
    values = rng.random(gen.n)
    want = np.zeros(gen.n)
    for i in range(gen.n):
        for j in _chain(gen, i):
            want[j] += values[i]
    np.testing.assert_allclose(gen.downline_total(values), want, rtol=1e-12, atol=1e-12)


def test_empty_queries_and_bad_indices() -> None:
    gen = _random_forest(10, 2, seed=8)
    assert gen.upline_at([], 1).tolist() == []
    assert [a.tolist() for a in gen.upline_pairs([])] == [[], [], []]
    with pytest.raises(ParameterError):
        gen.upline_at([10])
    with pytest.raises(ParameterError):
        gen.upline_at([0], -1)
    with pytest.raises(ParameterError):
        gen.nearest_upline([0], [True])
    with pytest.raises(ParameterError):
        gen.downline_total([1.0])
