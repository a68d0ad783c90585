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
import psutil

from downline.common.limits import require_memory
from downline.common.progress import Progress
from downline.common.rng import root_seed
from downline.errors import ParameterError
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.remote import RemoteRRSets
from downline.influence.rrsets import CHUNK_SIZE, Model, RRSets, check_model
from downline.influence.seedset import SeedSet

__all__ = ["imm", "imm_plan", "opim_c"]

_ONE_MINUS_INV_E = 1.0 - math.exp(-1.0)
_NO_SEEDS = np.zeros(0, dtype=np.int32)  # greedy with no seed fixed in advance


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
    seeds, gains, covered, bound = _kernels.greedy_max_coverage_from(
        rr.offsets, rr.members, iptr, ids, rr.graph.n, k, _NO_SEEDS, want_bound
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


def _lambda_prime(n: int, log_cnk: float, ell: float, eps: float) -> float:
    """lambda' of Tang, Shi, Xiao (2015), Eq. 9, with eps' = sqrt(2) eps."""
    log_n = math.log(n) if n > 1 else 1.0
    log2_n = math.log2(n) if n > 1 else 1.0
    eps_p = math.sqrt(2.0) * eps
    return ((2.0 + 2.0 / 3.0 * eps_p)
            * (log_cnk + ell * log_n + math.log(max(log2_n, 1.0 + 1e-12))) * n / eps_p**2)


def _lambda_star(n: int, log_cnk: float, ell: float, eps: float) -> float:
    """lambda* of Tang, Shi, Xiao (2015), Eq. 6."""
    log_n = math.log(n) if n > 1 else 1.0
    alpha = math.sqrt(ell * log_n + math.log(2.0))
    beta = math.sqrt(_ONE_MINUS_INV_E * (log_cnk + ell * log_n + math.log(2.0)))
    return 2.0 * n * (_ONE_MINUS_INV_E * alpha + beta) ** 2 / eps**2


def _reuse_gamma(n: int, log_cnk: float, ell: float, eps: float) -> float:
    """Chen's (2018) second workaround: the smallest ``gamma`` (to 0.01) such that
    ``n^gamma`` is at least every size the reused collection can reach with ``ell +
    gamma`` (``max(lambda', lambda*)`` plus one chunk of rounding), so that a union bound
    over all those sizes costs the selection phase a factor ``n^gamma`` of failure
    probability, paid by running with ``ell + gamma``."""
    log_n = math.log(n)

    def too_small(gamma: float) -> bool:
        most = max(_lambda_prime(n, log_cnk, ell + gamma, eps),
                   _lambda_star(n, log_cnk, ell + gamma, eps)) + CHUNK_SIZE
        return math.log(most) > gamma * log_n

    low, high = 0.0, 1.0
    while too_small(high):
        low, high = high, 2.0 * high
    while high - low > 0.01:
        mid = (low + high) / 2.0
        low, high = (mid, high) if too_small(mid) else (low, mid)
    return high


def imm_plan(n: int, k: int, eps: float, l: float) -> dict[str, Any]:  # noqa: E741
    """How :func:`imm` will size its RR-set collections for ``(n, k, eps, l)``.

    IMM fails in its sampling phase or in its selection phase; with ``ell = l + ln 2 /
    ln n`` each fails with probability at most ``n^-ell = n^-l / 2``. Its selection
    phase's analysis assumed a collection size independent of the sets themselves;
    Chen (2018) shows that reusing the sampling phase's sets breaks that and proposes
    two fixes: (1) draw ``theta`` fresh sets for the selection, or (2) keep reusing
    them but raise ``ell`` by ``gamma`` with ``n^gamma`` at least every size the
    collection can reach (a union bound over the sizes). This returns the cheaper of the
    two for these inputs (decided from ``n, k, eps, l`` alone, never from the sampled
    sets, so either guarantee holds as proven), with the expected number of RR sets of
    each per unit of the lower bound ``LB`` (the sampling phase stops with ``LB``
    between its last guess ``x`` and ``2 x``; the estimate takes ``1.5 x``).

    Parameters
    ----------
    n : int
        Number of nodes.
    k, eps, l
        As in :func:`imm`.

    Returns
    -------
    dict
        ``ell`` (the failure exponent of each phase, before ``gamma``), ``gamma``,
        ``reuse`` (fix 2 chosen), ``lambda_prime`` and ``lambda_star`` at the chosen
        exponent, and ``cost_fresh`` and ``cost_reuse``: expected RR sets times ``LB``.

    Examples
    --------
    >>> p = imm_plan(75_879, 50, 0.1, 1.0)
    >>> p["reuse"], round(p["gamma"], 2)
    (True, 2.02)
    >>> round(p["cost_reuse"] / p["cost_fresh"], 2)
    0.62
    """
    log_n = math.log(n) if n > 1 else 1.0
    ell = l + math.log(2.0) / log_n
    log_cnk = _log_binom(n, k)
    lam_p, lam_s = _lambda_prime(n, log_cnk, ell, eps), _lambda_star(n, log_cnk, ell, eps)
    cost_fresh = 1.5 * lam_p + lam_s
    gamma, cost_reuse = math.inf, math.inf
    if n >= 3:
        gamma = _reuse_gamma(n, log_cnk, ell, eps)
        cost_reuse = max(1.5 * _lambda_prime(n, log_cnk, ell + gamma, eps),
                         _lambda_star(n, log_cnk, ell + gamma, eps))
    reuse = cost_reuse < cost_fresh
    if reuse:
        lam_p = _lambda_prime(n, log_cnk, ell + gamma, eps)
        lam_s = _lambda_star(n, log_cnk, ell + gamma, eps)
    return {"ell": ell, "gamma": gamma if reuse else 0.0, "reuse": reuse,
            "lambda_prime": lam_p, "lambda_star": lam_s,
            "cost_fresh": cost_fresh, "cost_reuse": cost_reuse}


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
        with probability at least 1 - n^-l. ``params`` records the RR-set counts of
        each phase (``rr_sets_drawn`` in all), the lower bound on OPT found by the
        sampling phase, ``theta``, which of Chen's (2018) fixes ran (``reuse``,
        ``gamma``) and ``approximation`` (a certified ratio to the optimum, as OPIM-C
        computes it).

    Raises
    ------
    ParameterError
        ``k`` outside ``[1, n]``, ``eps`` outside (0, 1), ``l <= 0``, unknown model.
    GraphError
        A graph with no edges; LT weights whose in-sum exceeds 1 (naming the node).

    See Also
    --------
    opim_c : stops as soon as its online bounds certify the guarantee.
    imm_plan : the sample sizes IMM will use, before running it.
    celf : greedy with Monte Carlo estimates (slow; for comparison).

    Notes
    -----
    Each of IMM's two phases may fail with probability ``n^-ell`` where ``ell = l +
    ln 2 / ln n``, so that both together fail with probability at most ``n^-l``. (The
    paper writes ``l (1 + ln 2 / ln n)``, which is the same at ``l = 1``, larger above
    and too small below it.) The sampling phase halves its guess ``x`` of OPT from
    ``n / 2`` and stops when greedy coverage of ``lambda' / x`` RR sets (Eq. 9 of [1])
    certifies ``OPT >= x``, with a lower bound ``LB``; the selection phase runs greedy
    on ``theta = lambda* / LB`` RR sets (Eq. 6).

    Reusing the sampling phase's sets in the selection, as [1] does, breaks its
    martingale argument, because ``theta`` then depends on those sets [2]. Of the two
    fixes of [2] this runs the cheaper for the inputs (:func:`imm_plan`, decided before
    any set is drawn): draw ``theta`` fresh sets, or keep reusing the sampling phase's
    sets with ``ell`` raised by ``gamma`` in both phases, where ``n^gamma`` is at least
    every size the collection can reach, so that a union bound over all the sizes
    covers the dependence (the second workaround of [2], as in W. Chen's own IMM code).
    On graphs of thousands of nodes and more the second is cheaper (``gamma`` is about
    2 and raises ``lambda*`` by about a quarter, against drawing a second collection).
    A third, independent collection of ``min(theta, 32 n / (eps^2 LB))`` RR sets (about
    5% of ``theta``) measures the chosen seeds: the guarantee does not need it, the
    unbiased estimate and the lower bound do.

    References
    ----------
    .. [1] Y. Tang, Y. Shi, X. Xiao. "Influence Maximization in Near-Linear Time: A
       Martingale Approach." SIGMOD 2015.
    .. [2] W. Chen. "An Issue in the Martingale Analysis of the Influence Maximization
       Algorithm IMM." CSoNet 2018; arXiv:1808.09363 (Section 4, two workarounds).

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
    plan = imm_plan(n, k, eps, l)
    reuse, gamma = plan["reuse"], plan["gamma"]
    lam_p, lam_star = plan["lambda_prime"], plan["lambda_star"]
    track = _Tracker(progress)

    def collection(stream: int, remote: bool) -> RRSets | RemoteRRSets:
        return _rr_collection(graph, model_name, entropy, stream, remote, threads, backend)

    # Sampling phase: a lower bound LB on OPT (Algorithm 2 of Tang et al. 2015).
    eps_p = math.sqrt(2.0) * eps
    log2_n = math.log2(n) if n > 1 else 1.0
    remote = bool(rr_on_workers)
    sampling = collection(0, remote)
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
    theta = max(math.ceil(lam_star / lb), 1)
    sampled = len(sampling)
    if rr_on_workers is None and backend is not None:
        per_set = sampling.stored_ids() / max(sampled, 1)
        remote = max(theta, sampled) * per_set * 8.0 > _rr_memory_limit()

    # The seeds are measured on a fresh, smaller collection: enough for a relative
    # standard error of about eps / 4 (the seeds' spread is at least about LB / 2, and
    # the relative error of a coverage estimate of spread s on V sets is about
    # sqrt(n / (s V))).
    measure = min(theta, math.ceil(32.0 * n / (eps**2 * lb)))
    if reuse:
        # Chen's second workaround: the selection extends the sampling phase's sets.
        if remote and not isinstance(sampling, RemoteRRSets):
            # Same stream and chunks: the workers sample the very same sets again.
            sampling = collection(0, True)
        selection = sampling
        fresh = max(theta - sampled, 0)
    else:
        selection = collection(1, remote)
        fresh = theta
    if not remote:
        _require_rr_memory(max(theta, sampled) + measure, _per_set_size(sampling),
                           max(theta, sampled),
                           f"IMM's {max(theta, sampled) + measure:,} RR sets "
                           f"(eps={eps:g}, k={k})")
    del sampling
    track.expect(fresh + measure)
    selection.extend_to(theta, track)
    seeds, _, covered, bound = _greedy(selection, k, want_bound=True)
    memory = selection.nbytes()
    stored = selection.stored_ids()
    theta_sel = len(selection)
    del selection
    validation = collection(2, remote)
    validation.extend_to(measure, track)
    a = l * log_n  # ln(1 / delta) with delta = n^-l
    gains, spread, stderr, lower = _estimate(graph, validation, seeds, a)
    # The upper bound's collection size depends on the sets when they are reused:
    # the same union bound over at most n^gamma sizes.
    upper = _upper_bound(bound, theta_sel, n, a + gamma * log_n)
    drawn = theta_sel + len(validation) + (0 if reuse else sampled)
    params: dict[str, Any] = {
        "k": k, "model": model_name, "eps": eps, "l": l, "seed": seed,
        "entropy": entropy, "delta": n ** (-l), "reuse": reuse, "gamma": gamma,
        "ell": plan["ell"] + gamma,
        "rr_sets_sampling": sampled, "rr_sets_selection": theta_sel,
        "rr_sets_validation": len(validation), "rr_sets_drawn": drawn,
        "theta": theta, "opt_lower_bound": lb,
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
