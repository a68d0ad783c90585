"""Baselines for seed selection: CELF greedy with Monte Carlo, and ranking heuristics.

CELF needs the cascade engine (:func:`downline.cascade.spread`) and is slow by nature
(thousands of simulations per candidate); the heuristics need no simulation at all:
out-degree, degree discount (Chen, Wang, Yang 2009), PageRank and k-core. None of them
carries IMM's guarantee; they are here to compare against and for users who want them.
Influence flows along edge direction (``u -> v``: ``u`` influences ``v``), so every
heuristic ranks by what a node reaches *downstream*.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

from downline.cascade import spread
from downline.common.progress import Progress
from downline.common.rng import root_seed
from downline.errors import GraphError, ParameterError
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.imm import check_k
from downline.influence.rrsets import check_model
from downline.influence.seedset import SeedSet

__all__ = ["celf", "degree_discount", "degree_ranking", "kcore_ranking", "pagerank_ranking"]


def _heuristic(
    graph: Graph, order: np.ndarray, scores: np.ndarray, method: str, params: dict[str, Any]
) -> SeedSet:
    k = order.shape[0]
    idx = order.astype(np.int32)
    return SeedSet(
        seeds=graph.label_of(idx), indices=idx, gains=np.full(k, math.nan),
        spread_estimate=math.nan, lower_bound=math.nan, method=method,
        params={"k": k, **params}, scores=np.asarray(scores, dtype=np.float64),
    )


def _top_k(values: np.ndarray, k: int, tie: np.ndarray | None = None) -> np.ndarray:
    """Indices of the k largest values; ties by ``tie`` (larger first), then index."""
    n = values.shape[0]
    keys = [np.arange(n)]  # np.lexsort sorts by its last key first
    if tie is not None:
        keys.append(-np.asarray(tie, dtype=np.float64))
    keys.append(-np.asarray(values, dtype=np.float64))
    return np.lexsort(keys)[:k]


def _check_graph(graph: Graph) -> None:
    if graph.number_of_edges() == 0:
        raise GraphError(f"graph {graph.name!r} has no edges: nothing can spread")


def degree_ranking(graph: Graph, k: int) -> SeedSet:
    """The ``k`` nodes with the most out-edges (people who directly reach the most).

    Ties go to the smaller index (the order of the sorted labels).

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 1, 2, 2, 2], [1, 2, 3, 3, 4, 5])
    >>> degree_ranking(g, 2).seeds
    [2, 0]
    """
    _check_graph(graph)
    k = check_k(graph, k)
    deg = graph.out_degree()
    order = _top_k(deg, k)
    return _heuristic(graph, order, deg[order], "degree", {})


def degree_discount(graph: Graph, k: int, *, p: float | None = None) -> SeedSet:
    """Degree discount (Chen, Wang, Yang 2009): degree, discounted for chosen neighbours.

    After each choice, every out-neighbour ``v`` of the chosen node gets
    ``dd(v) = d(v) - 2 t(v) - (d(v) - t(v)) t(v) p``, where ``d`` is the out-degree and
    ``t(v)`` the number of chosen in-neighbours of ``v``: a node already likely to be
    activated by a seed is worth less as a seed itself.

    Parameters
    ----------
    graph : Graph
    k : int
    p : float, optional
        The uniform IC probability of the original heuristic. Default: the mean edge
        probability of the graph (for weighted cascade, the mean of 1 / in-degree over
        edges), which is the natural stand-in when probabilities differ per edge.

    References
    ----------
    .. [1] W. Chen, Y. Wang, S. Yang. "Efficient Influence Maximization in Social
       Networks." KDD 2009.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 1, 1, 2], [1, 2, 3, 4, 5, 6, 7])
    >>> degree_discount(g, 2, p=0.5).seeds
    [0, 1]
    """
    _check_graph(graph)
    k = check_k(graph, k)
    if p is None:
        p = float(np.mean(graph.probs, dtype=np.float64))
    if not 0.0 <= p <= 1.0:
        raise ParameterError(f"p must lie in [0, 1], not {p!r}", field="p")
    deg = graph.out_degree().astype(np.float64)
    dd = deg.copy()
    t = np.zeros(graph.n, dtype=np.float64)
    chosen = np.zeros(graph.n, dtype=bool)
    order = np.empty(k, dtype=np.int64)
    scores = np.empty(k, dtype=np.float64)
    masked = dd.copy()
    for i in range(k):
        u = int(np.argmax(masked))
        order[i] = u
        scores[i] = dd[u]
        chosen[u] = True
        masked[u] = -np.inf
        nbrs = graph.indices[graph.indptr[u] : graph.indptr[u + 1]]
        nbrs = nbrs[~chosen[nbrs]]
        np.add.at(t, nbrs, 1.0)
        dd[nbrs] = deg[nbrs] - 2.0 * t[nbrs] - (deg[nbrs] - t[nbrs]) * t[nbrs] * p
        masked[nbrs] = dd[nbrs]
    return _heuristic(graph, order, scores, "degree-discount", {"p": p})


def pagerank_ranking(
    graph: Graph, k: int, *, alpha: float = 0.85, tol: float = 1e-10, max_iter: int = 200
) -> SeedSet:
    """The ``k`` nodes of highest PageRank on the reversed graph.

    Edges point the way influence flows, so PageRank runs against them: a node ranks high
    when it influences nodes that themselves influence many (the follower graph's
    PageRank). Each node's rank flows to its in-neighbours in proportion to the edge
    probabilities; nodes without in-edges teleport uniformly.

    References
    ----------
    .. [1] L. Page, S. Brin, R. Motwani, T. Winograd. "The PageRank Citation Ranking:
       Bringing Order to the Web." Stanford InfoLab, 1999.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1], [1, 2, 3, 2])
    >>> pagerank_ranking(g, 1).seeds
    [0]
    """
    _check_graph(graph)
    k = check_k(graph, k)
    if not 0.0 < alpha < 1.0:
        raise ParameterError(f"alpha must lie in (0, 1), not {alpha!r}", field="alpha")
    n = graph.n
    w = graph.probs.astype(np.float64)
    w = np.where(w > 0, w, 0.0)
    src = np.repeat(np.arange(n), graph.out_degree())
    # Rank moves from target v to source u: row-normalize the reversed adjacency.
    out_w = np.bincount(graph.indices, weights=w, minlength=n)
    scale = np.divide(w, out_w[graph.indices], out=np.zeros_like(w), where=out_w[graph.indices] > 0)
    # lazy: scipy.sparse costs 0.3 s; only these rankings need it
    import scipy.sparse as sp

    m = sp.csr_matrix((scale, (src, graph.indices)), shape=(n, n))
    dangling = out_w == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * (m @ x + x[dangling].sum() / n) + (1.0 - alpha) / n
        done = np.abs(new - x).sum() < tol
        x = new
        if done:
            break
    order = _top_k(x, k)
    return _heuristic(graph, order, x[order], "pagerank", {"alpha": alpha})


def kcore_ranking(graph: Graph, k: int) -> SeedSet:
    """The ``k`` nodes of highest core number, ties broken by out-degree.

    Core numbers are taken on the undirected simple graph underneath (Kitsak et al.
    2010 found the k-shell a better predictor of spread than degree).

    References
    ----------
    .. [1] M. Kitsak et al. "Identification of influential spreaders in complex
       networks." Nature Physics 6, 2010.
    .. [2] V. Batagelj, M. Zaversnik. "An O(m) Algorithm for Cores Decomposition of
       Networks." 2003.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 1, 2], [1, 2, 2, 3])
    >>> sorted(kcore_ranking(g, 3).seeds)
    [0, 1, 2]
    """
    _check_graph(graph)
    k = check_k(graph, k)
    n = graph.n
    src = np.repeat(np.arange(n, dtype=np.int32), graph.out_degree())
    # lazy: scipy.sparse costs 0.3 s; only these rankings need it
    import scipy.sparse as sp

    a = sp.coo_matrix((np.ones(graph.m, dtype=np.int8), (src, graph.indices)), shape=(n, n))
    a = (a + a.T).tocsr()
    a.setdiag(0)
    a.eliminate_zeros()
    a.sort_indices()
    core = _kernels.core_numbers(a.indptr.astype(np.int64), a.indices.astype(np.int32), n)
    order = _top_k(core, k, tie=graph.out_degree())
    return _heuristic(graph, order, core[order], "kcore", {})


def celf(
    graph: Graph,
    k: int,
    *,
    model: str = "ic",
    runs: int = 1000,
    seed: int | np.random.Generator | None = None,
    candidates: int | None = None,
    progress: Progress | None = None,
) -> SeedSet:
    """Greedy seed selection with CELF lazy evaluation and Monte Carlo spread estimates.

    Each marginal gain is estimated with ``runs`` simulations by
    :func:`downline.cascade.spread`; submodularity lets stale gains serve as upper
    bounds, so most candidates are never re-simulated (Leskovec et al. 2007). It is the
    classic baseline of Kempe et al. (2003); IMM gives the same guarantee much faster.

    Parameters
    ----------
    graph : Graph
    k : int
    model : {"ic", "lt"}
    runs : int, default 1000
        Simulations per estimate.
    seed : int or Generator, optional
    candidates : int, optional
        Only consider the this many nodes of highest out-degree (all by default); the
        first round simulates every candidate once, which dominates the cost.
    progress : callable, optional
        ``progress(done, total)`` in estimates made.

    Returns
    -------
    SeedSet
        ``gains`` and ``spread_estimate`` are the Monte Carlo figures of the greedy run
        (optimistic: the best of many noisy estimates); ``lower_bound`` is NaN.

    References
    ----------
    .. [1] D. Kempe, J. Kleinberg, E. Tardos. "Maximizing the Spread of Influence
       through a Social Network." KDD 2003.
    .. [2] J. Leskovec et al. "Cost-effective Outbreak Detection in Networks." KDD 2007.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 4], [1, 2, 3, 5], probs=1.0)
    >>> celf(g, 2, runs=10, seed=0).seeds
    [0, 4]
    """
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs <= 0:
        raise ParameterError(f"runs must be a positive integer, not {runs!r}", field="runs")
    n = graph.n
    pool = np.arange(n) if candidates is None else _top_k(graph.out_degree(), min(candidates, n))
    if pool.shape[0] < k:
        raise ParameterError(f"candidates = {candidates} is fewer than k = {k}",
                             field="candidates")
    entropy = root_seed(seed)
    calls = 0
    total_guess = float(pool.shape[0] + 4 * k)

    def estimate(nodes: list[int]) -> float:
        nonlocal calls
        calls += 1
        # Common random numbers: every estimate replays the same stream, so differences
        # between estimates come from the seed sets rather than from sampling noise.
        est = spread(graph, model_name, np.asarray(nodes, dtype=np.int32), runs=runs,
                     seed=entropy)
        if progress is not None:
            progress(calls, max(total_guess, calls))
        return float(est.mean)

    heap: list[tuple[float, int, int]] = []
    for v in pool.tolist():
        heapq.heappush(heap, (-estimate([v]), v, 0))
    chosen: list[int] = []
    gains: list[float] = []
    current = 0.0
    while len(chosen) < k:
        neg, v, stamp = heapq.heappop(heap)
        if stamp == len(chosen):
            chosen.append(v)
            gains.append(-neg)
            current += -neg
            continue
        gain = estimate([*chosen, v]) - current
        heapq.heappush(heap, (-gain, v, len(chosen)))
    idx = np.asarray(chosen, dtype=np.int32)
    params = {"k": k, "model": model_name, "runs": runs, "seed": seed, "entropy": entropy,
              "estimates": calls, "candidates": int(pool.shape[0])}
    return SeedSet(
        seeds=graph.label_of(idx), indices=idx, gains=np.asarray(gains),
        spread_estimate=float(sum(gains)), lower_bound=math.nan, method="celf",
        params=params,
    )

