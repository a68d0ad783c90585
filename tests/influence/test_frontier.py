"""The fast paths of influence maximization against plain references.

The greedy reads OPIM-C's top-k bound off its lazy heap instead of sorting every count
each round: it must give the same seeds, gains and bound as the sorting version. The
subset sampler of RR sets (in-edges sorted by probability, geometric jumps) must draw
the same distribution as testing every edge.
"""

from __future__ import annotations

import numpy as np
import pytest

from downline.graph import Graph
from downline.influence import RRSets, _kernels

from .conftest import exact_rr_law, sorting_greedy


@pytest.mark.parametrize("k", [1, 7, 50])
@pytest.mark.parametrize("entropy", [0, 1, 2])
def test_heap_bound_greedy_equals_the_sorting_greedy(k: int, entropy: int) -> None:
    # A skewed random graph, so that counts tie and go stale often.
    rng = np.random.default_rng(entropy)
    n = 600
    src = (rng.pareto(1.2, 5000) * 10).astype(np.int64) % n
    dst = rng.integers(0, n, 5000)
    keep = src != dst
    g = Graph.from_edges(src[keep], dst[keep]).with_weights("wc")
    rr = RRSets(g, "ic", entropy=entropy, threads=1)
    rr.extend_to(3 * 4096)
    iptr, ids = rr.inverted_index()
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        rr.offsets, rr.members, iptr, ids, g.n, k, True
    )
    ref_seeds, ref_gains, ref_covered, ref_bound = sorting_greedy(
        rr.offsets, rr.members, iptr, ids, g.n, k
    )
    assert seeds.tolist() == ref_seeds
    assert gains.tolist() == ref_gains
    assert covered == ref_covered
    assert bound == ref_bound


def test_heap_bound_greedy_when_everything_gets_covered() -> None:
    # Fewer useful nodes than k: the bound stops at the total and seeds are filled in.
    offsets = np.array([0, 2, 3, 5], dtype=np.int64)
    members = np.array([0, 1, 1, 2, 3], dtype=np.int32)
    iptr, ids = _kernels.invert(offsets, members, 6)
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        offsets, members, iptr, ids, 6, 4, True
    )
    ref = sorting_greedy(offsets, members, iptr, ids, 6, 4)
    assert (seeds.tolist(), gains.tolist(), covered, bound) == (ref[0], ref[1], ref[2], ref[3])


def _skewed_graph() -> Graph:
    # In-edges of unequal probabilities (including 1 and 0), one node whose in-edges
    # share a probability (the geometric path), one with none.
    src = [0, 1, 2, 3, 0, 4, 1, 2, 5, 3, 0]
    dst = [1, 2, 1, 1, 3, 3, 3, 3, 4, 4, 5]
    probs = [0.9, 0.35, 0.05, 0.6, 1.0, 0.0, 0.3, 0.3, 0.45, 0.2, 0.25]
    return Graph.from_indices(np.array(src), np.array(dst), np.array(probs),
                              np.arange(6))


def _exact_rr_distribution(g: Graph) -> dict[tuple[int, frozenset[int]], float]:
    """P(root, RR set) by enumerating every live-edge world (2^m of them)."""
    return exact_rr_law(g)  # type: ignore[return-value]


def test_subset_sampler_draws_the_exact_rr_set_distribution() -> None:
    g = _skewed_graph()
    exact = _exact_rr_distribution(g)
    rr = RRSets(g, "ic", entropy=4, threads=1)
    rr.extend_to(100 * 4096)
    seen: dict[tuple[int, frozenset[int]], int] = {}
    offsets, members = rr.offsets, rr.members
    for r in range(len(rr)):
        s = members[offsets[r]:offsets[r + 1]]
        key = (int(s[0]), frozenset(s.tolist()))
        seen[key] = seen.get(key, 0) + 1
    total = len(rr)
    assert set(seen) <= set(exact)  # nothing impossible is drawn
    for key, p in exact.items():
        se = np.sqrt(p * (1 - p) / total)
        assert abs(seen.get(key, 0) / total - p) <= 4.5 * se + 1e-12, (key, p)


def _plain_rr_sets(g: Graph, count: int, seed: int) -> np.ndarray:
    """Node inclusion counts of RR sets drawn by testing every in-edge (no jumps)."""
    rng = np.random.default_rng(seed)
    r = g.reverse
    counts = np.zeros(g.n, dtype=np.int64)
    for _ in range(count):
        root = int(rng.integers(g.n))
        reached, queue = {root}, [root]
        while queue:
            v = queue.pop()
            a, b = r.indptr[v], r.indptr[v + 1]
            live = rng.random(b - a) < r.probs[a:b]
            for u in r.indices[a:b][live]:
                if int(u) not in reached:
                    reached.add(int(u))
                    queue.append(int(u))
        counts[list(reached)] += 1
    return counts


@pytest.mark.slow
def test_subset_sampler_matches_the_plain_sampler_on_skewed_weights() -> None:
    # Exponentially distributed in-weights normalized per node (SUBSIM's skewed
    # setting): every node's in-edges differ, so every node takes the sorted path.
    rng = np.random.default_rng(12)
    n = 60
    src = rng.integers(0, n, 400)
    dst = rng.integers(0, n, 400)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    w = rng.exponential(1.0, src.shape[0])
    w = w / np.bincount(dst, weights=w, minlength=n)[dst] * 1.3
    g = Graph.from_indices(src, dst, np.minimum(w, 1.0), np.arange(n))
    plain_count = 30_000
    plain = _plain_rr_sets(g, plain_count, seed=3) / plain_count
    rr = RRSets(g, "ic", entropy=5, threads=1)
    rr.extend_to(40 * 4096)
    fast = rr.node_counts() / len(rr)
    se = np.sqrt(plain * (1 - plain) / plain_count + fast * (1 - fast) / len(rr))
    assert np.all(np.abs(fast - plain) <= 4.5 * se + 1e-12)
    assert np.abs(fast - plain).max() > 0  # two different streams


def _exact_spreads(g: Graph, k: int) -> dict[tuple[int, ...], float]:
    """Exact IC spread of every k-set, by enumerating the live-edge worlds."""
    from itertools import combinations

    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    dst, probs = g.indices, g.probs.astype(np.float64)
    m = src.shape[0]
    worlds = np.arange(1 << m)
    live = (worlds[:, None] >> np.arange(m)) & 1
    weight = np.prod(np.where(live == 1, probs, 1.0 - probs), axis=1)
    reach = np.zeros((worlds.shape[0], g.n), dtype=np.int64)
    for w in range(worlds.shape[0]):
        adj = [[] for _ in range(g.n)]
        for e in np.flatnonzero(live[w]):
            adj[src[e]].append(dst[e])
        for s in range(g.n):
            seen, stack = {s}, [s]
            while stack:
                for u in adj[stack.pop()]:
                    if u not in seen:
                        seen.add(u)
                        stack.append(u)
            reach[w, s] = sum(1 << int(u) for u in seen)
    popcount = np.array([bin(x).count("1") for x in range(1 << g.n)])
    out = {}
    for s in combinations(range(g.n), k):
        union = np.bitwise_or.reduce(reach[:, list(s)], axis=1)
        out[s] = float(np.dot(weight, popcount[union]))
    return out


@pytest.mark.parametrize(("method", "k"), [("opim_c", 2), ("imm", 2), ("hist", 2),
                                           ("hist", 4)])
def test_guarantee_against_the_exact_optimum(method: str, k: int) -> None:
    from downline.influence import hist, imm, opim_c

    rng = np.random.default_rng(21)
    n, m = 10, 14
    pairs = rng.choice(n * n, size=40, replace=False)
    pairs = pairs[pairs // n != pairs % n][:m]
    g = Graph.from_indices(pairs // n, pairs % n, rng.uniform(0.1, 0.9, m), np.arange(n))
    exact = _exact_spreads(g, k)
    opt = max(exact.values())
    fn = {"opim_c": opim_c, "imm": imm, "hist": hist}[method]
    eps = 0.3
    for seed in range(6):
        s = fn(g, k, eps=eps, l=3.0, seed=seed, threads=1)
        if method == "hist" and k == 4:
            assert s.params["sentinel_size"] == 1
        value = exact[tuple(sorted(int(i) for i in s.indices))]
        assert value >= (1 - 1 / np.e - eps) * opt
        assert s.lower_bound <= value  # holds with probability 1 - n^-3
        assert s.params["opt_upper_bound"] >= opt
        assert abs(s.spread_estimate - value) <= 4.5 * s.stderr + 1e-9


@pytest.mark.parametrize("method", ["opim_c", "imm", "hist"])
def test_rr_sets_beyond_free_memory_are_refused(method: str, monkeypatch) -> None:
    from downline.common import limits
    from downline.errors import LimitError
    from downline.influence import hist, imm, opim_c

    rng = np.random.default_rng(3)
    g = Graph.from_edges(rng.integers(0, 300, 2000), rng.integers(0, 300, 2000))
    g = g.with_weights("wc")
    fn = {"opim_c": opim_c, "imm": imm, "hist": hist}[method]
    fn(g, 5, eps=0.02, seed=1, threads=1)  # fits
    monkeypatch.setattr(limits, "available_memory", lambda: 200_000)
    with pytest.raises(LimitError, match=r"RR sets.*raise eps"):
        fn(g, 5, eps=0.02, seed=1, threads=1)
