"""Shared fixtures of the influence tests: the research graphs, seed sets chosen once, and
a small Monte Carlo estimator of IC/LT spread.

The estimator is a test helper only: a forward simulation independent of the code under
test (and of :mod:`downline.cascade`), so RR-set estimates are checked by another method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from numba import njit

import downline
from downline.graph import Graph
from downline.influence import SeedSet, imm

FACEBOOK = "facebook/facebook_OPIM_bidirected_4039n_176468arcs.txt"
NETHEPT = "nethept/NetHEPT_snowgy_15233n_32235arcs_wc.txt"


@pytest.fixture(scope="session")
def facebook(shared_data: Path) -> Graph:
    """ego-Facebook, every edge both ways, weighted cascade."""
    return downline.read_graph(shared_data / FACEBOOK, weights="wc")


@pytest.fixture(scope="session")
def nethept(shared_data: Path) -> Graph:
    """NetHEPT (the snowgy file) with the probabilities as given."""
    return downline.read_graph(shared_data / NETHEPT, weights="given")


@pytest.fixture(scope="session")
def facebook_imm(facebook: Graph) -> SeedSet:
    """IMM's 50 seeds on ego-Facebook, IC-WC, eps = 0.1 (fixed seed)."""
    return imm(facebook, 50, model="ic", eps=0.1, seed=20151)


@pytest.fixture(scope="session")
def nethept_imm(nethept: Graph) -> SeedSet:
    """IMM's 50 seeds on NetHEPT, IC with the given weights, eps = 0.1 (fixed seed)."""
    return imm(nethept, 50, model="ic", eps=0.1, seed=20152)



@njit(cache=True)
def _ic_runs(indptr, indices, probs, n, seeds, runs, seed):
    np.random.seed(seed)  # noqa: NPY002 - numba supports only the legacy API
    sizes = np.empty(runs, dtype=np.int64)
    mark = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    for r in range(runs):
        tail = 0
        for s in seeds:
            if mark[s] != r:
                mark[s] = r
                queue[tail] = s
                tail += 1
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if mark[v] != r and np.random.random() < probs[e]:  # noqa: NPY002
                    mark[v] = r
                    queue[tail] = v
                    tail += 1
        sizes[r] = tail
    return sizes


@njit(cache=True)
def _lt_runs(indptr, indices, probs, n, seeds, runs, seed):
    np.random.seed(seed)  # noqa: NPY002 - numba supports only the legacy API
    sizes = np.empty(runs, dtype=np.int64)
    active = np.full(n, -1, dtype=np.int64)
    touched = np.full(n, -1, dtype=np.int64)
    threshold = np.empty(n, dtype=np.float64)
    weight = np.zeros(n, dtype=np.float64)
    queue = np.empty(n, dtype=np.int32)
    for r in range(runs):
        tail = 0
        for s in seeds:
            if active[s] != r:
                active[s] = r
                queue[tail] = s
                tail += 1
        head = 0
        while head < tail:
            u = queue[head]
            head += 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if active[v] == r:
                    continue
                if touched[v] != r:
                    touched[v] = r
                    threshold[v] = np.random.random()  # noqa: NPY002
                    weight[v] = 0.0
                weight[v] += probs[e]
                if weight[v] >= threshold[v]:
                    active[v] = r
                    queue[tail] = v
                    tail += 1
        sizes[r] = tail
    return sizes


def _mc_spread(graph: Graph, model: str, seeds, runs: int = 10_000, seed: int = 0):
    """Mean and standard error of the spread of dense-index ``seeds``."""
    kernel = _ic_runs if model == "ic" else _lt_runs
    s = np.asarray(seeds, dtype=np.int32)
    sizes = kernel(graph.indptr, graph.indices, graph.probs, graph.n, s, runs, seed)
    return float(sizes.mean()), float(sizes.std(ddof=1) / np.sqrt(runs))


@pytest.fixture(scope="session")
def mc():
    """``mc(graph, model, seed_indices, runs=10_000, seed=0) -> (mean, stderr)``."""
    return _mc_spread


def exact_rr_law(g: Graph, key: Callable[[int, frozenset[int]], object] | None = None
                 ) -> dict[object, float]:
    """P(key(root, RR set)) by enumerating every live-edge world of ``g`` (2^m of them);
    ``key`` defaults to the pair ``(root, RR set)``."""
    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    dst, probs = g.indices, g.probs.astype(np.float64)
    m = src.shape[0]
    out: dict[object, float] = {}
    for world in range(1 << m):
        live = [(world >> e) & 1 for e in range(m)]
        w = float(np.prod([probs[e] if live[e] else 1.0 - probs[e] for e in range(m)]))
        if w == 0.0:
            continue
        for root in range(g.n):
            reached, stack = {root}, [root]
            while stack:
                v = stack.pop()
                for e in range(m):
                    if live[e] and dst[e] == v and src[e] not in reached:
                        reached.add(int(src[e]))
                        stack.append(int(src[e]))
            k = (root, frozenset(reached)) if key is None else key(root, frozenset(reached))
            out[k] = out.get(k, 0.0) + w / g.n
    return out


def sorting_greedy(offsets: np.ndarray, members: np.ndarray, iptr: np.ndarray,
                   ids: np.ndarray, n: int, k: int, forced: Sequence[int] = ()
                   ) -> tuple[list[int], list[int], int, float]:
    """Greedy max coverage after the ``forced`` seeds, sorting all n counts every round
    for the bound (covered + the k largest counts), taken from the round past the forced
    ones on: the plain reference of the greedy kernels. Seeds, gains, covered, bound."""
    cov = np.diff(iptr).astype(np.int64)
    done = np.zeros(offsets.shape[0] - 1, dtype=bool)
    chosen = np.zeros(n, dtype=bool)
    seeds, gains, total, bound = [], [], 0, np.inf
    for i in range(k):
        if i >= len(forced):
            bound = min(bound, total + int(np.sort(cov)[n - k:].sum()))
            v = int(np.argmax(np.where(chosen, -1, cov)))  # ties: smallest index
        else:
            v = int(forced[i])
        sets = ids[iptr[v]:iptr[v + 1]]
        sets = sets[~done[sets]]
        done[sets] = True
        for r in sets:
            cov[members[offsets[r]:offsets[r + 1]]] -= 1
        chosen[v] = True
        seeds.append(v)
        gains.append(len(sets))
        total += len(sets)
    bound = min(bound, total + int(np.sort(cov)[n - k:].sum()))
    return seeds, gains, total, float(bound)
