"""HIST: influence maximization with a sentinel set and RR sets that stop at it.

Two phases (Guo, Wang, Wei, Chen, SIGMOD 2020; its journal version, ACM TODS 2022).
The first picks a few seeds, the sentinel set ``S_b``, from a small collection of RR
sets. The second samples RR sets that stop as soon as they reach a sentinel (they are
covered by every seed set containing ``S_b``, so the rest of the set does not matter)
and chooses the other ``k - b`` seeds greedily on top of ``S_b``, OPIM-C style, until
its online bounds certify ``(1 - 1/e - eps)``. When RR sets are large (highly
influential graphs, large ``k``) the stopped sets are far smaller and cheaper to draw.
The samplers are :func:`downline.influence._kernels.sample_ic_until` and
``sample_lt_until``; OPIM-C and IMM live in :mod:`downline.influence.imm`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from downline.common.progress import Progress
from downline.common.rng import root_seed
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.imm import (
    _ONE_MINUS_INV_E,
    _check_eps_l,
    _estimate,
    _log_binom,
    _lower_bound,
    _per_set_size,
    _require_rr_memory,
    _Tracker,
    _upper_bound,
    check_k,
)
from downline.influence.rrsets import CHUNK_SIZE, Model, RRSets, check_model, sample_chunk
from downline.influence.seedset import SeedSet

__all__ = ["hist"]


def _sentinel_cap(k: int, eps1: float) -> tuple[int, int]:
    """Largest sentinel size tried, and the largest size whose phase-1 target
    ``1 - (1 - 1/k)^b - eps1`` is not positive (any set of that size meets it)."""
    if k < 2:
        return 0, 0
    trivial = math.floor(math.log(1.0 - eps1) / math.log(1.0 - 1.0 / k))
    cap = min(k - 1, max(k // 4, trivial))
    return cap, min(trivial, cap)


def _greedy_from(rr: RRSets, k: int, forced: np.ndarray) -> tuple[np.ndarray, int, float]:
    iptr, ids = rr.inverted_index()
    seeds, _, covered, bound = _kernels.greedy_max_coverage_from(
        rr.offsets, rr.members, iptr, ids, rr.graph.n, k, forced.astype(np.int32), True)
    return seeds, int(covered), float(bound)


_SENTINEL_START = 128
"""RR sets of each phase-1 collection in its first round (then doubled)."""

_SENTINEL_ROUNDS = 6
"""At most this many phase-1 rounds: 128 to 4,096 sets per collection."""

_SELECTION_START = 128
"""The fewest RR sets of each phase-2 collection in its first round; its chunks grow
from the first size to :data:`~downline.influence.rrsets.CHUNK_SIZE`, so that the
doubling rounds need not start at a whole chunk (the bounds stop sooner when the spread
is large)."""


class _Flat:
    """A phase-1 collection: chunks of ``sample_chunk`` with growing counts, appended."""

    def __init__(self, graph: Graph, model: Model, entropy: int, stream: int) -> None:
        self.graph, self.model, self.entropy, self.stream = graph, model, entropy, stream
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.count = 0

    def extend(self, count: int) -> None:
        offsets, members = sample_chunk(self.graph, self.model, self.entropy, self.stream,
                                        len(self.parts), count)
        self.parts.append((offsets, members))
        self.count += count

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        members = np.concatenate([m for _, m in self.parts])
        bases = np.cumsum([0] + [m.shape[0] for _, m in self.parts[:-1]])
        offsets = np.concatenate([[0]] + [o[1:] + b for (o, _), b in zip(self.parts, bases,
                                                                          strict=True)])
        return offsets.astype(np.int64), members


def _sentinel_set(
    graph: Graph, model: Model, k: int, eps1: float, delta1: float, entropy: int,
    track: _Tracker,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Phase 1: the largest greedy prefix ``S_b`` (``b <= cap``) certified to reach
    ``(1 - (1 - 1/k)^b - eps1) OPT_k`` w.p. ``1 - delta1``, with its gains measured on
    full RR sets independent of the choice.

    Two collections of full RR sets, 128 each at first, doubled while the certified
    ``b`` grows and is below ``cap`` (at most 6 rounds); the bounds take a union over
    the rounds and the prefixes. Sampled here, in chunks of their own counts (phase 1
    is small by design)."""
    n = graph.n
    cap, trivial = _sentinel_cap(k, eps1)
    info: dict[str, Any] = {"rr_sets_sentinel": 0, "sentinel_cap": cap,
                            "sentinel_trivial": trivial, "sentinel_rounds": 0}
    if cap == 0:
        return np.zeros(0, np.int32), np.zeros(0), info
    choose = _Flat(graph, model, entropy, 0)
    measure = _Flat(graph, model, entropy, 1)
    # delta1 / 2 for the upper bounds, delta1 / 2 for the prefixes' lower bounds.
    a_up = math.log(2.0 * _SENTINEL_ROUNDS / delta1)
    a_low = math.log(2.0 * _SENTINEL_ROUNDS * cap / delta1)
    b, best, counts, seeds = 0, -1, np.zeros(0), np.zeros(0, np.int32)
    for j in range(1, _SENTINEL_ROUNDS + 1):
        more = _SENTINEL_START if j == 1 else choose.count
        track.expect(2 * more)
        choose.extend(more)
        measure.extend(more)
        track(2 * more)
        offsets, members = choose.arrays()
        iptr, ids = _kernels.invert(offsets, members, n)
        # Greedy for all k seeds: its bound on OPT_k is tighter than after cap seeds.
        seeds, _, _, bound = _kernels.greedy_max_coverage_from(
            offsets, members, iptr, ids, n, k, np.zeros(0, np.int32), True)
        upper = _upper_bound(float(bound), choose.count, n, a_up)
        m_offsets, m_members = measure.arrays()
        counts = _kernels.ordered_coverage(m_offsets, m_members, seeds[:cap], n)
        covered = np.cumsum(counts)
        b = trivial
        for size in range(cap, trivial, -1):
            target = 1.0 - (1.0 - 1.0 / k) ** size - eps1
            if target <= 0.0 or (_lower_bound(float(covered[size - 1]), measure.count, n,
                                              a_low) >= target * upper):
                b = size
                break
        info.update(rr_sets_sentinel=choose.count + measure.count, sentinel_rounds=j,
                    sentinel_opt_upper_bound=upper)
        if b >= cap or b <= best:
            break
        best = b
    return seeds[:b].astype(np.int32), counts[:b] * (n / measure.count), info


def hist(
    graph: Graph,
    k: int,
    *,
    model: str = "ic",
    eps: float = 0.1,
    l: float = 1.0,  # noqa: E741 - as in imm
    seed: int | np.random.Generator | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    backend: Any = None,
) -> SeedSet:
    """Choose ``k`` seeds by HIST: a (1 - 1/e - eps)-approximation w.p. 1 - n^-l.

    Parameters
    ----------
    graph : Graph
        Edge probabilities are the IC probabilities, or the LT weights.
    k : int
        Number of seeds, ``1 <= k <= n``.
    model : {"ic", "lt"}, default "ic"
    eps : float, default 0.1
        Approximation slack, in (0, 1).
    l : float, default 1.0
        Failure probability ``n^-l``.
    seed : int or numpy.random.Generator, optional
        The same seed gives the same seeds on any number of threads or workers.
    threads : int, optional
        Threads of this process sampling RR sets (default: all CPUs).
    progress : callable, optional
        Called as ``progress(done, total)`` with counts of RR sets.
    backend : downline.engine.Backend, optional
        Sample the RR-set chunks there (a Dask cluster); the same seed gives the same
        seeds.

    Returns
    -------
    SeedSet
        ``method="hist"``; the sentinel seeds first. ``spread_estimate``, ``stderr``
        and ``lower_bound`` come from stopped RR sets independent of the choice (exact
        for a seed set containing the sentinels); the sentinels' share of the gains is
        split among them as measured on full RR sets of phase 1, independent of their
        choice too. ``params`` has ``sentinel_size``, each phase's RR-set counts,
        ``rounds``, ``opt_upper_bound`` and ``approximation`` (certified lower bound /
        upper bound on OPT, as OPIM-C computes it).

    Raises
    ------
    ParameterError
        ``k`` outside ``[1, n]``, ``eps`` outside (0, 1), ``l <= 0``, unknown model.
    GraphError
        A graph with no edges; LT weights whose in-sum exceeds 1.

    See Also
    --------
    opim_c : the same second phase without a sentinel set.

    Notes
    -----
    ``delta = n^-l`` and ``eps`` are split between the phases as the papers do:
    ``eps1 = eps / 2`` and ``delta / 2`` each.

    Phase 1 samples two collections of full RR sets (128 each, doubled while the
    certified size grows, at most 4,096), runs greedy for ``k`` seeds on the first (for
    OPIM-C's upper bound on ``OPT_k``) and keeps the longest prefix ``S_b``, ``b <=
    max(k / 4, b0)`` and below ``k``, whose lower bound on the second certifies
    ``sigma(S_b) >= (1 - (1 - 1/k)^b - eps1) OPT_k``; ``b0`` is the largest size where
    that target is not positive, met by any set. (A union bound over the rounds and
    the prefixes.) Phase 1 samples in this process, on one thread.

    Phase 2 is OPIM-C (from OPIM-C's first size ``theta_max eps2^2 k / n`` as a power
    of two between 128 and 4,096 sets, doubled) on RR sets that stop at ``S_b``, with
    greedy starting from
    ``S_b``: such sets give every seed set containing ``S_b`` its true coverage, so
    the lower bound of the chosen seeds and the upper bound on ``OPT_k`` (taken over
    greedy rounds past ``S_b``) are OPIM-C's, and the run stops once their ratio
    reaches ``1 - 1/e - eps``. If it never does, the last round has at least
    ``theta_max = n (A + B)^2 / (eps2^2 k)`` sets, ``A = sqrt(2 ln(9 / delta2))``,
    ``B = sqrt((2 + 2 eps2 / 3) (ln C(n, k - b) + ln(9 / delta2)))``: greedy from
    ``S_b`` closes the gap to ``OPT_k`` by ``(1 - 1/k)`` a step, so ``sigma >= (1 - (1 -
    1/k)^k - c eps1 - eps2) OPT_k`` with ``c = (1 - 1/k)^(k - b)``, and ``eps2 = eps -
    c eps1`` gives the guarantee (Chernoff bounds on ``OPT_k``'s and ``S_b``'s
    coverage and a union bound over the ``C(n, k - b)`` completions of ``S_b``).

    References
    ----------
    .. [1] Q. Guo, S. Wang, Z. Wei, M. Chen. "Influence Maximization Revisited:
       Efficient Reverse Reachable Set Generation with Bound Tightened." SIGMOD 2020.
    .. [2] Q. Guo et al. "Influence Maximization Revisited: Efficient Sampling with
       Bound Tightened." ACM TODS, 2022 (the journal version of [1]).
    .. [3] J. Tang, X. Tang, X. Xiao, J. Yuan. "Online Processing Algorithms for
       Influence Maximization." SIGMOD 2018.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 4], [1, 2, 3, 5, 5]).with_weights("uniform:0.5")
    >>> s = hist(g, 2, eps=0.5, seed=7)
    >>> sorted(s.seeds)
    [0, 4]
    >>> s.method, s.params["sentinel_size"]  # k = 2: too few seeds for a sentinel
    ('hist', 0)
    """
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    eps, l = _check_eps_l(eps, l)  # noqa: E741
    n = graph.n
    entropy = root_seed(seed)
    delta = float(n) ** (-l) if n > 1 else 0.5
    eps1 = eps / 2.0
    track = _Tracker(progress)
    sentinel, sentinel_gains, info = _sentinel_set(
        graph, model_name, k, eps1, delta / 2.0, entropy, track)
    b = len(sentinel)

    # Phase 2: OPIM-C on RR sets stopped at the sentinels, greedy on top of them.
    if b:
        delta2 = delta / 2.0
        eps2 = eps - (1.0 - 1.0 / k) ** (k - b) * eps1
    else:
        delta2, eps2 = delta, eps
    log9 = math.log(9.0 / delta2)
    theta_max = (n * (math.sqrt(2.0 * log9)
                      + math.sqrt((2.0 + 2.0 * eps2 / 3.0) * (_log_binom(n, k - b) + log9)))
                 ** 2 / (eps2**2 * k))
    # OPIM-C's first size, theta_max eps2^2 k / n, as a power of two in [128, 4096].
    theta0 = theta_max * eps2**2 * k / n
    start = min(CHUNK_SIZE, max(_SELECTION_START, 2 ** math.floor(math.log2(theta0))))
    i_max = max(math.ceil(math.log2(max(theta_max / start, 1.0))), 0) + 1
    a = math.log(3.0 * i_max / delta2)

    def collection(stream: int) -> RRSets:
        return RRSets(graph, model_name, entropy, stream=stream, threads=threads,
                      backend=backend, stop=sentinel, first_chunk=start)

    first, second = collection(2), collection(3)
    size = start
    for i in range(1, i_max + 1):
        if len(first):
            _require_rr_memory(2 * size, _per_set_size(first), size,
                               f"HIST's 2 x {size:,} RR sets (eps={eps:g}, k={k})")
        track.expect(2 * max(size - len(first), 0))
        first.extend_to(size, track)
        second.extend_to(size, track)
        seeds, covered, bound = _greedy_from(first, k, sentinel)
        gains, spread, stderr, lower = _estimate(graph, second, seeds, a)
        upper = _upper_bound(bound, len(first), n, a)
        ratio = lower / upper if upper > 0 else 0.0
        if ratio >= _ONE_MINUS_INV_E - eps or i == i_max:
            break
        size = 2 * len(first)
    theta2 = len(second)
    if b and sentinel_gains.sum() > 0:
        # Stopped sets credit whichever sentinel they reached first; their order
        # gains come from phase 1's full sets, scaled to the sentinels' total here.
        gains[:b] = sentinel_gains * (gains[:b].sum() / sentinel_gains.sum())
    params: dict[str, Any] = {
        "k": k, "model": model_name, "eps": eps, "l": l, "seed": seed,
        "entropy": entropy, "delta": delta, "sentinel_size": b,
        "eps_sentinel": eps1 if b else 0.0, "eps_selection": eps2, "rounds": i,
        "theta_max": theta_max, "theta_start": start, **info,
        "rr_sets_selection": len(first), "rr_sets_validation": theta2,
        "rr_sets_drawn": info["rr_sets_sentinel"] + len(first) + theta2,
        "selection_estimate": n * covered / len(first),
        "opt_upper_bound": upper, "approximation": ratio,
        "rr_stored_ids": first.stored_ids(), "rr_bytes": first.nbytes(),
        "rr_mean_size_selection": first.stored_ids() / len(first),
    }
    return SeedSet(
        seeds=graph.label_of(seeds), indices=seeds, gains=gains,
        spread_estimate=spread, lower_bound=lower, method="hist", params=params,
        stderr=stderr,
    )
