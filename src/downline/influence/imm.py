"""Influence maximization by reverse influence sampling: IMM and OPIM-C.

Both sample reverse-reachable (RR) sets (:mod:`downline.influence.rrsets`) and pick seeds
by greedy maximum coverage (:func:`downline.influence._kernels.greedy_max_coverage`). They
differ in how many RR sets they need: IMM fixes the number in advance from the
martingale bounds of Tang, Shi and Xiao (2015); OPIM-C doubles two collections until
its online bounds certify the approximation (Tang et al. 2018), which usually stops
much earlier. Monte Carlo baselines and heuristics live in :mod:`downline.influence.baselines`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from downline.common.limits import require_memory
from downline.common.progress import Progress
from downline.common.rng import root_seed
from downline.errors import ParameterError
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.remote import RemoteRRSets
from downline.influence.rrsets import Model, RRSets, check_model
from downline.influence.seedset import SeedSet

__all__ = ["imm", "opim_c"]

_ONE_MINUS_INV_E = 1.0 - math.exp(-1.0)


def check_k(graph: Graph, k: int) -> int:
    """Validate the number of seeds against the graph."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise ParameterError(f"k must be an integer, not {k!r}", field="k")
    if k <= 0:
        raise ParameterError(f"k must be at least 1, not {k}", field="k")
    if k > graph.n:
        raise ParameterError(
            f"k = {k} is larger than the graph ({graph.n} nodes)", field="k"
        )
    return int(k)


def _check_eps_l(eps: float, l: float) -> tuple[float, float]:  # noqa: E741
    if not isinstance(eps, int | float) or not 0.0 < eps < 1.0:
        raise ParameterError(f"eps must lie strictly between 0 and 1, not {eps!r}", field="eps")
    if not isinstance(l, int | float) or not l > 0.0:
        raise ParameterError(f"l must be positive, not {l!r}", field="l")
    return float(eps), float(l)


def _log_binom(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _lower_bound(covered: float, theta: int, n: int, a: float) -> float:
    """Spread lower bound from the coverage of a fixed set (OPIM, Tang et al. 2018)."""
    root = math.sqrt(covered + 2.0 * a / 9.0) - math.sqrt(a / 2.0)
    return max(0.0, (max(root, 0.0) ** 2 - a / 18.0) * n / theta)


def _upper_bound(covered_bound: float, theta: int, n: int, a: float) -> float:
    """Upper bound on the optimal spread from an upper bound on optimal coverage."""
    return (math.sqrt(covered_bound + a / 2.0) + math.sqrt(a / 2.0)) ** 2 * n / theta


class _Tracker:
    """Turns chunk callbacks into ``progress(done, total)`` calls."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0
        self.total: float | None = None

    def expect(self, more: float) -> None:
        self.total = self.done + more
        if self.progress is not None:
            self.progress(self.done, self.total)

    def __call__(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, max(self.total or 0, self.done))


def _greedy(
    rr: RRSets | RemoteRRSets, k: int, want_bound: bool
) -> tuple[np.ndarray, np.ndarray, int, float]:
    if isinstance(rr, RemoteRRSets):
        return rr.greedy(k, want_bound)
    iptr, ids = rr.inverted_index()
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        rr.offsets, rr.members, iptr, ids, rr.graph.n, k, want_bound
    )
    return seeds, gains, int(covered), float(bound)


def _require_rr_memory(sets: float, per_set: float, indexed: float, what: str) -> None:
    """Refuse (LimitError) RR sets that would not fit in memory here: ``sets`` sets of
    ``per_set`` ids on average, ``indexed`` of them with an inverted index (4 bytes per
    id more), int64 offsets per set."""
    nbytes = sets * (per_set * 4.0 + 8.0) + indexed * per_set * 4.0
    require_memory(nbytes, what=what,
                   hint="raise eps, or keep the RR sets on Dask workers (rr_on_workers)")


def _rr_memory_limit() -> float:
    """Half of the memory available now: above it, IMM keeps its RR sets on the workers."""
    import psutil

    return psutil.virtual_memory().available / 2.0


def _per_set_size(rr: RRSets | RemoteRRSets) -> float:
    """Mean number of ids per RR set of a collection (1 when it is empty)."""
    return rr.stored_ids() / len(rr) if len(rr) else 1.0


def _rr_collection(
    graph: Graph, model: Model, entropy: int, stream: int, remote: bool,
    threads: int | None, backend: Any,
) -> RRSets | RemoteRRSets:
    """A new collection on ``stream``: kept on the backend's workers, or gathered here."""
    if remote:
        if backend is None:
            raise ParameterError("rr_on_workers needs a backend", field="rr_on_workers")
        return RemoteRRSets(graph, model, entropy, stream, backend)
    return RRSets(graph, model, entropy, stream=stream, threads=threads, backend=backend)


def _estimate(
    graph: Graph, validation: RRSets | RemoteRRSets, seeds: np.ndarray, a: float
) -> tuple[np.ndarray, float, float, float]:
    """Gains, spread, standard error and lower bound of ``seeds`` on independent RR sets."""
    n = graph.n
    counts, frac = validation.coverage_fraction(seeds)
    theta = len(validation)
    gains = counts * (n / theta)
    stderr = n * math.sqrt(frac * (1.0 - frac) / theta)
    lower = _lower_bound(frac * theta, theta, n, a)
    return gains.astype(np.float64), n * frac, stderr, lower


def imm(
    graph: Graph,
    k: int,
    *,
    model: str = "ic",
    eps: float = 0.1,
    l: float = 1.0,  # noqa: E741 - the paper's name
    seed: int | np.random.Generator | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    backend: Any = None,
    rr_on_workers: bool | None = None,
) -> SeedSet:
    """Choose ``k`` seeds by IMM, a (1 - 1/e - eps)-approximation w.p. 1 - n^-l.

    Parameters
    ----------
    graph : Graph
        Edge probabilities are the IC probabilities, or the LT weights (in-weights of
        every node summing to at most 1).
    k : int
        Number of seeds, ``1 <= k <= n``.
    model : {"ic", "lt"}, default "ic"
        Independent cascade or linear threshold.
    eps : float, default 0.1
        Approximation slack, in (0, 1). Smaller is slower (the number of RR sets grows
        as 1 / eps^2).
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
    rr_on_workers : bool, optional
        With a backend: keep the RR sets on its workers and run the greedy coverage in
        rounds of summed counts (:class:`~downline.influence.remote.RemoteRRSets`)
        instead of gathering them here. Default: gather, unless the node-selection
        sets are expected (from the sampling phase's mean set size) to need more than
        half of the memory available here.

    Returns
    -------
    SeedSet
        Seeds in order of choice. ``gains``, ``spread_estimate`` and ``stderr`` are
        measured on a collection of RR sets independent of the ones that chose the
        seeds, so they are unbiased (sized for a relative standard error of about
        ``eps / 4``, far fewer sets than the selection needs); ``lower_bound`` holds
        with probability at least 1 - n^-l. ``params`` records the RR-set counts, the
        lower bound on OPT found by the sampling phase, and ``approximation`` (a
        certified ratio to the optimum, as OPIM-C computes it).

    Raises
    ------
    ParameterError
        ``k`` outside ``[1, n]``, ``eps`` outside (0, 1), ``l <= 0``, unknown model.
    GraphError
        A graph with no edges; LT weights whose in-sum exceeds 1 (naming the node).

    See Also
    --------
    opim_c : stops as soon as its online bounds certify the guarantee.
    celf : greedy with Monte Carlo estimates (slow; for comparison).

    Notes
    -----
    The sampling phase doubles its guess ``x`` of OPT downwards from ``n`` and stops
    when greedy coverage on ``lambda' / x`` RR sets certifies ``OPT >= x``; the
    selection phase then runs greedy on ``theta = lambda* / LB`` RR sets. Following
    Chen (2018), the selection phase draws fresh RR sets instead of reusing those of
    the sampling phase, which closes a gap in the original analysis. A third,
    independent collection of ``min(theta, 32 n / (eps^2 LB))`` RR sets measures the
    chosen seeds (the guarantee does not need it; the estimate and lower bound do).

    References
    ----------
    .. [1] Y. Tang, Y. Shi, X. Xiao. "Influence Maximization in Near-Linear Time: A
       Martingale Approach." SIGMOD 2015.
    .. [2] W. Chen. "An Issue in the Martingale Analysis of the Influence Maximization
       Algorithm IMM." CSoNet 2018.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 4], [1, 2, 3, 5, 5]).with_weights("uniform:0.5")
    >>> s = imm(g, 2, eps=0.5, seed=7)
    >>> s.seeds
    [0, 4]
    >>> round(s.spread_estimate)
    4
    """
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    eps, l = _check_eps_l(eps, l)  # noqa: E741
    n = graph.n
    entropy = root_seed(seed)
    log_n = math.log(n) if n > 1 else 1.0
    ell = l * (1.0 + math.log(2.0) / log_n)
    log_cnk = _log_binom(n, k)
    track = _Tracker(progress)

    # Sampling phase: a lower bound LB on OPT (Algorithm 2 of Tang et al. 2015).
    eps_p = math.sqrt(2.0) * eps
    log2_n = math.log2(n) if n > 1 else 1.0
    lam_p = (
        (2.0 + 2.0 / 3.0 * eps_p)
        * (log_cnk + ell * log_n + math.log(max(log2_n, 1.0 + 1e-12)))
        * n / eps_p**2
    )
    def collection(stream: int, remote: bool) -> RRSets | RemoteRRSets:
        return _rr_collection(graph, model_name, entropy, stream, remote, threads, backend)

    sampling = collection(0, bool(rr_on_workers))
    lb = 1.0
    for i in range(1, max(math.ceil(log2_n), 1)):
        x = n / 2.0**i
        theta_i = math.ceil(lam_p / x)
        track.expect(max(theta_i - len(sampling), 0))
        sampling.extend_to(theta_i, track)
        _, _, covered, _ = _greedy(sampling, k, want_bound=False)
        estimate = n * covered / len(sampling)
        if estimate >= (1.0 + eps_p) * x:
            lb = estimate / (1.0 + eps_p)
            break
    alpha = math.sqrt(ell * log_n + math.log(2.0))
    beta = math.sqrt(_ONE_MINUS_INV_E * (log_cnk + ell * log_n + math.log(2.0)))
    lam_star = 2.0 * n * (_ONE_MINUS_INV_E * alpha + beta) ** 2 / eps**2
    theta = max(math.ceil(lam_star / lb), 1)
    sampled = len(sampling)
    remote = bool(rr_on_workers)
    if rr_on_workers is None and backend is not None:
        per_set = sampling.stored_ids() / max(sampled, 1)
        remote = theta * per_set * 8.0 > _rr_memory_limit()

    # Node selection on fresh RR sets (Chen 2018), then a fresh, smaller collection
    # measures the seeds: enough for a relative standard error of about eps / 4
    # (the seeds' spread is at least about LB / 2, and the relative error of a
    # coverage estimate of spread s on V sets is about sqrt(n / (s V))).
    measure = min(theta, math.ceil(32.0 * n / (eps**2 * lb)))
    if not remote:
        _require_rr_memory(theta + measure, _per_set_size(sampling), theta,
                           f"IMM's {theta + measure:,} RR sets (eps={eps:g}, k={k})")
    track.expect(theta + measure)
    selection = collection(1, remote)
    selection.extend_to(theta, track)
    seeds, _, covered, bound = _greedy(selection, k, want_bound=True)
    memory = selection.nbytes()
    stored = selection.stored_ids()
    theta_sel = len(selection)
    del selection, sampling
    validation = collection(2, remote)
    validation.extend_to(measure, track)
    a = ell * log_n  # ln(1 / delta) with delta = n^-ell
    gains, spread, stderr, lower = _estimate(graph, validation, seeds, a)
    upper = _upper_bound(bound, theta_sel, n, a)
    params: dict[str, Any] = {
        "k": k, "model": model_name, "eps": eps, "l": l, "seed": seed,
        "entropy": entropy, "delta": n ** (-l),
        "rr_sets_sampling": sampled, "rr_sets_selection": theta_sel,
        "rr_sets_validation": len(validation), "theta": theta, "opt_lower_bound": lb,
        "selection_estimate": n * covered / theta_sel,
        "opt_upper_bound": upper, "approximation": lower / upper if upper > 0 else 0.0,
        "rr_stored_ids": stored, "rr_bytes": memory, "rr_on_workers": remote,
    }
    return SeedSet(
        seeds=graph.label_of(seeds), indices=seeds, gains=gains,
        spread_estimate=spread, lower_bound=lower, method="imm", params=params,
        stderr=stderr,
    )


def opim_c(
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
    rr_on_workers: bool | None = None,
) -> SeedSet:
    """Choose ``k`` seeds by OPIM-C: IMM's guarantee, with online bounds that stop early.

    Two independent collections of RR sets grow by doubling: greedy picks seeds on the
    first, the second measures them. It stops as soon as the certified ratio of a lower
    bound on the seeds' spread to an upper bound on the optimum reaches
    ``1 - 1/e - eps`` (with probability at least ``1 - n^-l``), or at the worst-case
    size.

    Parameters
    ----------
    graph, k, model, eps, l, seed, threads, progress, backend
        As in :func:`imm`.
    rr_on_workers : bool, optional
        With a backend: keep both collections on its workers (as in :func:`imm`).
        Default: gather them, until a doubling would make the two collections need
        more than half of the memory available here; from then on they are kept on the
        workers (the sets so far are sampled again there, the same ones).

    Returns
    -------
    SeedSet
        ``spread_estimate``, ``stderr`` and ``gains`` from the measuring collection;
        ``lower_bound`` is OPIM's bound; ``params["approximation"]`` the certified ratio.

    References
    ----------
    .. [1] J. Tang, X. Tang, X. Xiao, J. Yuan. "Online Processing Algorithms for
       Influence Maximization." SIGMOD 2018.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 4], [1, 2, 3, 5, 5]).with_weights("uniform:0.5")
    >>> opim_c(g, 1, eps=0.5, seed=7).seeds
    [0]
    """
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    eps, l = _check_eps_l(eps, l)  # noqa: E741
    n = graph.n
    entropy = root_seed(seed)
    delta = float(n) ** (-l) if n > 1 else 0.5
    log_cnk = _log_binom(n, k)
    log6 = math.log(6.0 / delta)
    theta_max = (
        2.0 * n
        * (_ONE_MINUS_INV_E * math.sqrt(log6)
           + math.sqrt(_ONE_MINUS_INV_E * (log_cnk + log6))) ** 2
        / (eps**2 * k)
    )
    theta0 = theta_max * eps**2 * k / n
    i_max = max(math.ceil(math.log2(max(theta_max / theta0, 2.0))), 1)
    a = math.log(3.0 * i_max / delta)
    track = _Tracker(progress)
    remote = bool(rr_on_workers)

    def collection(stream: int) -> RRSets | RemoteRRSets:
        return _rr_collection(graph, model_name, entropy, stream, remote, threads, backend)

    first, second = collection(0), collection(1)
    size = math.ceil(theta0)
    for i in range(1, i_max + 1):
        if rr_on_workers is None and backend is not None and not remote and len(first):
            per_set = first.stored_ids() / len(first)
            if 2.0 * size * per_set * 8.0 > _rr_memory_limit():
                # Same streams and chunks: the workers sample the very same sets again.
                held = len(first)
                remote = True
                first, second = collection(0), collection(1)
                track.expect(2 * held)
                first.extend_to(held, track)
                second.extend_to(held, track)
        if not remote and len(first):
            _require_rr_memory(2 * size, _per_set_size(first), size,
                               f"OPIM-C's 2 x {size:,} RR sets (eps={eps:g}, k={k})")
        track.expect(2 * max(size - len(first), 0))
        first.extend_to(size, track)
        second.extend_to(size, track)
        seeds, _, covered, bound = _greedy(first, k, want_bound=True)
        gains, spread, stderr, lower = _estimate(graph, second, seeds, a)
        upper = _upper_bound(bound, len(first), n, a)
        ratio = lower / upper if upper > 0 else 0.0
        if ratio >= _ONE_MINUS_INV_E - eps or i == i_max:
            break
        size = 2 * len(first)
    params: dict[str, Any] = {
        "k": k, "model": model_name, "eps": eps, "l": l, "seed": seed,
        "entropy": entropy, "delta": delta, "rounds": i,
        "rr_sets_selection": len(first), "rr_sets_validation": len(second),
        "selection_estimate": n * covered / len(first),
        "opt_upper_bound": upper, "approximation": ratio,
        "rr_stored_ids": first.stored_ids(), "rr_bytes": first.nbytes(),
        "rr_on_workers": remote,
    }
    return SeedSet(
        seeds=graph.label_of(seeds), indices=seeds, gains=gains,
        spread_estimate=spread, lower_bound=lower, method="opim-c", params=params,
        stderr=stderr,
    )
