"""Compile the influence kernels once, on a tiny graph, so that numba's cache holds them.

``downline warmup`` (and ``make demo``) call :func:`warmup`; afterwards a fresh process
loads the compiled kernels from the cache instead of compiling them (seconds saved on
the first ``downline influencers``).
"""

from __future__ import annotations

import time

from downline.graph import Graph
from downline.influence.baselines import kcore_ranking
from downline.influence.hist import hist
from downline.influence.imm import imm, opim_c
from downline.influence.reach import reach
from downline.influence.report import influencer_report

__all__ = ["warmup"]


def warmup() -> float:
    """Run every influence kernel once on a six-node graph; return the seconds taken.

    Covers RR-set sampling under IC (equal and unequal in-edge probabilities) and LT,
    also stopped at a sentinel set (HIST),
    the inverted index, greedy coverage with and without its bound, coverage of a seed
    set, per-person reach, the downline counts and the core numbers of the heuristics.

    Examples
    --------
    >>> warmup() >= 0.0
    True
    """
    t0 = time.perf_counter()
    g = Graph.from_edges([0, 0, 1, 2, 3, 4, 4], [1, 2, 2, 3, 4, 5, 1],
                         probs=[0.5, 0.4, 0.3, 0.5, 0.6, 0.7, 0.2])
    wc = g.with_weights("wc")
    for graph in (g, wc):
        opim_c(graph, 1, eps=0.5, seed=0, threads=1)
        imm(graph, 1, eps=0.5, seed=0, threads=1)
        hist(graph, 4, eps=0.5, seed=0, threads=1)  # k = 4: a sentinel, stopped sets
    opim_c(wc, 1, model="lt", eps=0.5, seed=0, threads=1)
    hist(wc, 4, model="lt", eps=0.5, seed=0, threads=1)
    reach(wc, rr_sets=10, seed=0, threads=1)
    kcore_ranking(wc, 1)
    influencer_report(wc, 1, seed=0)
    return time.perf_counter() - t0
