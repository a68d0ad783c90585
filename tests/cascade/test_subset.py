"""IC with per-edge probabilities by subset sampling: the same law as one coin per edge.

The subset sampler (``_kernels.ic_batch`` with a ``_kernels.subset_index``) is checked
against exact figures on tiny graphs (the law of the final size and the mean new activations
per step, computed by enumerating every live-edge graph), against exact Poisson-binomial laws
of a hub's followers (one segment and many), on probabilities so small that the float32
survivals are coarse (the thinning step must correct them), and against the plain per-edge
sampler (``ic_batch`` on the edge arrays) on larger graphs, all directed with nodes that have
no in-neighbours.
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


# Directed, nodes 0 and 5 without in-neighbours, a node with in-degree 3, probabilities high
# enough to be segments alone (1 - p < 0.1) and low enough to share one, one certain and one
# impossible edge.
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
    assert make_task(g, "ic", np.array(seeds, dtype=np.int32)).subset is not None
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


@pytest.mark.parametrize(("edges", "high"), [(40, 0.35), (400, 0.35), (60, 0.95)])
def test_hub_successes_follow_the_poisson_binomial(edges: int, high: float) -> None:
    # A hub with out-edges of distinct probabilities (as under weighted cascade): the number
    # of followers reached is Poisson-binomial; its law is computed exactly. 400 edges make
    # about 30 segments; up to 0.95 makes many single-edge segments.
    rng = np.random.default_rng(8 + edges)
    probs = np.sort(rng.uniform(0.001, high, edges)).astype(np.float32).astype(float)
    g = Graph.from_edges([0] * edges, list(range(1, edges + 1)), probs=probs,
                         nodes=np.arange(edges + 1))
    index = make_task(g, "ic", np.array([0], dtype=np.int32)).subset
    assert index is not None and index[5].shape[0] - 1 >= (1 if edges == 40 else 10)
    law = np.array([1.0])
    for p in probs:
        law = np.convolve(law, [1.0 - p, p])
    runs = 100_000
    est = simulate(g, "ic", [0], runs=runs, seed=5)
    observed = np.bincount(est.sizes - 1, minlength=edges + 1).astype(float)
    keep = law * runs >= 5
    assert observed[~keep].sum() <= max(20.0, 4 * law[~keep].sum() * runs)
    expected = law[keep] * runs
    expected *= observed[keep].sum() / expected.sum()
    assert stats.chisquare(observed[keep], expected).pvalue > 1e-4
    assert abs(est.mean - (1 + probs.sum())) < 4 * est.stderr


def test_tiny_probabilities_are_exact_despite_float32_survivals() -> None:
    # p = 3e-7 and 5e-7 are a few float32 steps of the survival: the rounded-down survivals
    # propose such an edge up to ~30% too often, and thinning must take that back. Half a
    # million edges in 8 segments (the length cap); the followers reached are
    # Poisson-binomial with mean 0.2, as good as Poisson here.
    edges = 500_000
    probs = np.where(np.arange(edges) % 2 == 0, 3e-7, 5e-7)
    g = Graph.from_edges(np.zeros(edges, dtype=np.int64), np.arange(1, edges + 1),
                         probs=probs, nodes=np.arange(edges + 1))
    task = make_task(g, "ic", np.array([0], dtype=np.int32))
    assert task.subset is not None and task.subset[5].shape[0] - 1 == 8
    surv, sorted_p, seg_lo = (task.subset[2].astype(float), task.subset[1].astype(float),
                              task.subset[5])
    prev = np.concatenate([[1.0], surv[:-1]])
    prev[seg_lo[:-1]] = 1.0
    proposal = 1.0 - surv / prev
    assert np.all(proposal >= sorted_p)
    assert np.mean(proposal > 1.1 * sorted_p) > 0.2
    runs = 200_000
    reached = run_chunk(task, runs, key=12).sizes - 1  # one chunk: one work array
    mean = float(g.probs.astype(np.float64).sum())
    assert abs(reached.mean() - mean) < 4.5 * np.sqrt(mean / runs)
    observed = np.bincount(reached, minlength=4)[:4].astype(float)
    expected = stats.poisson.pmf(np.arange(4), mean) * runs
    expected *= observed.sum() / expected.sum()
    assert stats.chisquare(observed, expected).pvalue > 1e-4


def _plain_sizes(g: Graph, seeds: np.ndarray, runs: int, key: int) -> np.ndarray:
    sizes, _, _ = _kernels.ic_batch(g.indptr, g.indices, g.probs, -1.0,
                                    _kernels.empty_subset_index(), seeds, np.uint64(key),
                                    runs, -1, 1)
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
    assert task.subset is not None
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


def test_index_rows_are_sorted_segmented_and_guided() -> None:
    g = _directed_wc_graph(3)
    targets, probs, surv, guide, seg_ptr, seg_lo, seg_f = _kernels.subset_index(
        g.indptr, g.indices, g.probs)
    assert seg_lo[0] == 0 and seg_lo[-1] == g.m and np.all(np.diff(seg_lo) > 0)
    for u in (0, 1, 17, 500, 1999):
        lo, hi = g.indptr[u], g.indptr[u + 1]
        row = sorted(zip(g.probs[lo:hi].tolist(), g.indices[lo:hi].tolist(), strict=True),
                     key=lambda t: -t[0])
        assert sorted(targets[lo:hi].tolist()) == sorted(g.indices[lo:hi].tolist())
        assert probs[lo:hi].tolist() == [p for p, _ in row]
        segs = range(seg_ptr[u], seg_ptr[u + 1])
        assert (hi == lo) == (len(segs) == 0)
        if hi > lo:
            assert seg_lo[segs[0]] == lo and seg_lo[segs[-1] + 1] == hi
        for s in segs:
            a, b = seg_lo[s], seg_lo[s + 1]
            # Each step fl(previous * (1 - p)) in double, rounded down by less than a
            # float32 step: the slack the kernel relies on.
            prev = np.concatenate([[1.0], surv[a:b - 1].astype(float)])
            step = prev * (1.0 - probs[a:b].astype(float))
            assert np.all(surv[a:b] <= step)
            assert np.all(surv[a:b] * _kernels.SURVIVAL_SLACK > step)
            assert b - a == 1 or surv[b - 1] >= _kernels.SEGMENT_MIN_SURVIVAL
            final, scale = seg_f[s]
            assert final == surv[b - 1]
            cells = np.floor((1.0 - surv[a:b].astype(float)) * scale)
            for c in range(b - a):
                # The first edge whose survival falls in cell c or a later one.
                hit = np.flatnonzero(cells >= c)
                assert guide[a + c] == (hit[0] if hit.size else b - a - 1)


def test_index_is_cached_per_graph_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    g = _directed_wc_graph(4)
    seeds = np.array([1, 2], dtype=np.int32)
    a, b = make_task(g, "ic", seeds), make_task(g, "ic", seeds)
    assert a.subset is b.subset
    # Above the memory bound the index is not built and IC falls back to a coin per edge.
    monkeypatch.setattr(mc, "SUBSET_INDEX_MAX_BYTES", mc.subset_index_bytes(g) - 1)
    g2 = g.with_probs(g.probs, "same")
    fallback = make_task(g2, "ic", seeds)
    assert fallback.subset is None
    sizes = run_chunk(fallback, 5000, key=3).sizes
    fast = run_chunk(a, 5000, key=4).sizes
    se = np.hypot(sizes.std(), fast.std()) / np.sqrt(5000)
    assert abs(sizes.mean() - fast.mean()) < 4 * se


def test_uniform_probabilities_keep_geometric_skipping() -> None:
    g = _directed_wc_graph(5).with_weights("uniform:0.1")
    task = make_task(g, "ic", np.array([0], dtype=np.int32))
    assert task.subset is None and task.uniform_p == pytest.approx(0.1)
