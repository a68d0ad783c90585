"""IC with per-edge probabilities by subset sampling: the same law as one coin per edge.

The subset sampler (``_kernels.ic_subset_batch``) is checked against exact figures on tiny
graphs (the law of the final size and the mean new activations per step, computed by
enumerating every live-edge graph) and against the plain per-edge sampler
(``_kernels.ic_batch``) on larger graphs, all directed with nodes that have no
in-neighbours.
"""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pytest
from scipy import stats

from downline.cascade import _kernels, make_task, run_chunk, simulate
from downline.cascade import montecarlo as mc
from downline.graph import Graph


def _exact_ic(src: list[int], dst: list[int], probs: list[float], n: int,
              seeds: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Law of the final size and mean new activations per step, by enumeration.

    IC is a breadth-first search on the live-edge graph in which each edge is kept with
    its probability (Kempe et al. 2003), and the step of a node is its distance.
    """
    size_law = np.zeros(n + 1)
    per_step = np.zeros(n + 1)
    m = len(src)
    for live in itertools.product((False, True), repeat=m):
        weight = 1.0
        for keep, p in zip(live, probs, strict=True):
            weight *= p if keep else 1.0 - p
        if weight == 0.0:
            continue
        out: list[list[int]] = [[] for _ in range(n)]
        for keep, u, v in zip(live, src, dst, strict=True):
            if keep:
                out[u].append(v)
        dist = {s: 0 for s in seeds}
        queue = deque(seeds)
        while queue:
            u = queue.popleft()
            for v in out[u]:
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
        size_law[len(dist)] += weight
        for d in dist.values():
            per_step[d] += weight
    return size_law, per_step


# Directed, nodes 0 and 5 without in-neighbours, a node with in-degree 3, probabilities on
# both sides of the per-edge coin threshold (0.25), one certain and one impossible edge.
TINY = (
    [0, 0, 0, 0, 1, 2, 2, 5, 3, 4, 5],
    [1, 2, 3, 4, 3, 3, 4, 6, 6, 6, 2],
    [0.9, 0.05, 0.3, 0.12, 0.2, 0.6, 1.0, 0.07, 0.5, 0.0, 0.15],
    7,
)


@pytest.mark.parametrize("seeds", [[0], [5], [0, 5], [1, 5]])
def test_size_law_and_curve_are_exact_on_a_tiny_graph(seeds: list[int]) -> None:
    src, dst, probs, n = TINY
    g = Graph.from_edges(src, dst, probs=probs, nodes=np.arange(n))
    assert make_task(g, "ic", np.array(seeds, dtype=np.int32)).order_targets is not None
    law, per_step = _exact_ic(src, dst, probs, n, seeds)
    runs = 200_000
    est = simulate(g, "ic", seeds, runs=runs, seed=31)
    observed = np.bincount(est.sizes, minlength=n + 1).astype(float)
    keep = law * runs >= 5  # chi-square needs expected counts of at least 5
    assert observed[~keep].sum() <= max(20.0, 4 * law[~keep].sum() * runs)
    expected = law[keep] * runs
    expected *= observed[keep].sum() / expected.sum()
    if keep.sum() > 1:
        assert stats.chisquare(observed[keep], expected).pvalue > 1e-4
    mean = float(np.dot(np.arange(n + 1), law))
    assert abs(est.mean - mean) < 4.5 * est.stderr + 1e-12
    # Mean cumulative adopters per step: exact up to sampling error per step.
    exact_curve = np.cumsum(per_step)[: est.curve.shape[0]]
    sd = np.sqrt(np.maximum(exact_curve * (n - exact_curve), 1e-12) / runs)
    assert np.all(np.abs(est.curve - exact_curve) < 4.5 * sd + 1e-9)


def test_hub_successes_follow_the_poisson_binomial() -> None:
    # A hub with 40 out-edges of distinct small probabilities (as under weighted cascade):
    # the number of followers reached is Poisson-binomial; its law is computed exactly.
    rng = np.random.default_rng(8)
    probs = np.sort(rng.uniform(0.001, 0.35, 40)).astype(np.float32).astype(float)
    g = Graph.from_edges([0] * 40, list(range(1, 41)), probs=probs, nodes=np.arange(41))
    law = np.array([1.0])
    for p in probs:
        law = np.convolve(law, [1.0 - p, p])
    runs = 100_000
    est = simulate(g, "ic", [0], runs=runs, seed=5)
    observed = np.bincount(est.sizes - 1, minlength=41).astype(float)
    keep = law * runs >= 5
    expected = law[keep] * runs
    expected *= observed[keep].sum() / expected.sum()
    assert stats.chisquare(observed[keep], expected).pvalue > 1e-4
    assert abs(est.mean - (1 + probs.sum())) < 4 * est.stderr


def _plain_sizes(g: Graph, seeds: np.ndarray, runs: int, key: int) -> np.ndarray:
    sizes, _, _ = _kernels.ic_batch(g.indptr, g.indices, g.probs, -1.0, seeds,
                                    np.uint64(key), runs, -1, 1)
    return sizes


def _directed_wc_graph(seed: int) -> Graph:
    """Directed power-law-ish graph with WC weights; about a third of nodes have no in-edge."""
    rng = np.random.default_rng(seed)
    n, m = 2000, 16000
    src = rng.integers(0, n, m)
    dst = (rng.pareto(1.2, m) * 20).astype(np.int64) % n
    dst = np.where(dst % 3 == 0, (dst + 1) % n, dst)  # nodes 0, 3, 6, ... mostly unreachable
    return Graph.from_edges(src, dst, nodes=np.arange(n), name="directed").with_weights("wc")


@pytest.mark.parametrize("graph_seed", [1, 2])
def test_subset_sampler_matches_the_per_edge_sampler(graph_seed: int) -> None:
    g = _directed_wc_graph(graph_seed)
    assert (g.in_degree() == 0).sum() > g.n // 4
    seeds = np.array([0, 3, 9, 12, 40], dtype=np.int32)
    task = make_task(g, "ic", seeds)
    assert task.order_targets is not None
    runs = 20_000
    ours = run_chunk(task, runs, key=123).sizes
    plain = _plain_sizes(g, seeds, runs, key=456)
    se = np.hypot(ours.std(), plain.std()) / np.sqrt(runs)
    assert abs(ours.mean() - plain.mean()) < 4 * se
    assert stats.ks_2samp(ours, plain).pvalue > 1e-3


def test_facebook_wc_mean_matches_the_per_edge_sampler(facebook_wc: Graph) -> None:
    seeds = np.arange(0, 4000, 80, dtype=np.int32)  # 50 seeds
    runs = 4000
    ours = run_chunk(make_task(facebook_wc, "ic", seeds), runs, key=9).sizes
    plain = _plain_sizes(facebook_wc, seeds, runs, key=10)
    se = np.hypot(ours.std(), plain.std()) / np.sqrt(runs)
    assert abs(ours.mean() - plain.mean()) < 4 * se


def test_index_is_each_row_sorted_with_its_survival() -> None:
    g = _directed_wc_graph(3)
    targets, probs, cum, none_after = _kernels.order_out_edges(g.indptr, g.indices, g.probs)
    for u in (0, 1, 17, 500, 1999):
        lo, hi = g.indptr[u], g.indptr[u + 1]
        row = sorted(zip(g.probs[lo:hi].tolist(), g.indices[lo:hi].tolist(), strict=True),
                     key=lambda t: -t[0])
        assert sorted(targets[lo:hi].tolist()) == sorted(g.indices[lo:hi].tolist())
        assert probs[lo:hi].tolist() == [p for p, _ in row]
        for i in range(lo, hi):
            # Probability that no edge from i on succeeds (coin edges at the front aside).
            rest = probs[i:hi].astype(float)
            rest = rest[rest < _kernels.DIRECT_COIN_P]
            assert none_after[i] == pytest.approx(np.prod(1.0 - rest), rel=1e-9)
        assert np.all(np.diff(cum[lo:hi]) <= 0)


def test_index_is_cached_per_graph_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    g = _directed_wc_graph(4)
    seeds = np.array([1, 2], dtype=np.int32)
    a, b = make_task(g, "ic", seeds), make_task(g, "ic", seeds)
    assert a.order_targets is b.order_targets and a.order_cum is b.order_cum
    # Above the memory bound the index is not built and IC falls back to a coin per edge.
    monkeypatch.setattr(mc, "SUBSET_INDEX_MAX_BYTES", 24 * g.m - 1)
    g2 = g.with_probs(g.probs, "same")
    fallback = make_task(g2, "ic", seeds)
    assert fallback.order_targets is None
    sizes = run_chunk(fallback, 5000, key=3).sizes
    fast = run_chunk(a, 5000, key=4).sizes
    se = np.hypot(sizes.std(), fast.std()) / np.sqrt(5000)
    assert abs(sizes.mean() - fast.mean()) < 4 * se


def test_uniform_probabilities_keep_geometric_skipping() -> None:
    g = _directed_wc_graph(5).with_weights("uniform:0.1")
    task = make_task(g, "ic", np.array([0], dtype=np.int32))
    assert task.order_targets is None and task.uniform_p == pytest.approx(0.1)
