"""The influencer report: the lead method's seeds, and other methods beside it on request.

The first method (by default OPIM-C, the fastest with a guarantee) picks the seeds and
reports its own estimate and lower bound. Monte Carlo re-estimation with
:func:`downline.cascade.spread` (never by the RR sets that chose the seeds) runs only when
asked for: a fixed number of runs, or as many as a stated standard error needs, with one
random stream for all methods so the comparison is like for like. The report also gives
how much the seed sets overlap and each seed's downline: its out-degree (the frontline)
and the number of people it can reach at all along the edges.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from downline.cascade import spread
from downline.common.progress import Progress
from downline.common.rng import root_seed, stream_seeds
from downline.errors import ParameterError
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.baselines import (
    celf,
    degree_discount,
    degree_ranking,
    kcore_ranking,
    pagerank_ranking,
)
from downline.influence.hist import hist
from downline.influence.imm import check_k, imm, opim_c
from downline.influence.rrsets import check_model
from downline.influence.seedset import SeedSet

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_METHODS", "METHODS", "InfluencerReport", "check_report_options",
    "influencer_report",
]

METHODS = ("opim-c", "imm", "hist", "celf", "degree", "degree-discount", "pagerank", "kcore")
"""Every method the report knows, by name."""

DEFAULT_METHODS = ("opim-c",)
"""The methods run when none are named: OPIM-C alone, the fastest with a guarantee."""

COMPARE_RUNS = 10_000
"""Monte Carlo runs per seed set when methods are compared and no number is given."""

MAX_ADAPTIVE_RUNS = 1_000_000
"""Cap on the Monte Carlo runs of one seed set when a standard error is asked for."""

_PILOT_RUNS = 1_000


@dataclass(frozen=True, eq=False)
class InfluencerReport:
    """Seed sets of several methods with their Monte Carlo spreads.

    Attributes
    ----------
    graph : str
        Name of the graph.
    nodes : int
        Number of nodes.
    k : int
    model : str
    seed_sets : dict of str to SeedSet
        Each method's seeds, in the order the methods ran.
    spreads : dict of str to downline.cascade.SpreadEstimate
        Monte Carlo spread of each seed set (one stream for all); empty when no Monte
        Carlo was asked for.
    seconds : dict of str to float
        Time each method took to choose its seeds.
    frontline : dict of str to ndarray
        Out-degree of each seed, in seed order.
    downline : dict of str to ndarray
        Number of other nodes each seed can reach along the edges (its whole downline in
        a sponsor tree), in seed order.
    params : dict
        k, model, eps, l, mc_runs, mc_se, seed.
    """

    graph: str
    nodes: int
    k: int
    model: str
    seed_sets: dict[str, SeedSet]
    spreads: dict[str, Any]
    seconds: dict[str, float]
    frontline: dict[str, np.ndarray]
    downline: dict[str, np.ndarray]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def methods(self) -> list[str]:
        """Method names in the order they ran."""
        return list(self.seed_sets)

    @property
    def lead(self) -> str:
        """The method whose seeds are the answer: the first one run."""
        return self.methods[0]

    @property
    def seeds(self) -> list[Any]:
        """The chosen seed list: the lead method's."""
        return list(self.seed_sets[self.lead].seeds)

    def overlap(self) -> pd.DataFrame:
        """Number of seeds each pair of methods shares (the diagonal is ``k``)."""
        sets = {m: set(s.seeds) for m, s in self.seed_sets.items()}
        return pd.DataFrame(
            [[len(sets[a] & sets[b]) for b in sets] for a in sets],
            index=list(sets), columns=list(sets),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per method: Monte Carlo spread with its 95% interval and runs (NaN and
        0 when not measured), the method's own estimate and lower bound, seconds, and
        overlap with the lead seed set."""
        lead = set(self.seeds)
        rows = []
        for m, s in self.seed_sets.items():
            est = self.spreads.get(m)
            rows.append({
                "method": m,
                "spread": math.nan if est is None else est.mean,
                "ci_low": math.nan if est is None else est.ci_low,
                "ci_high": math.nan if est is None else est.ci_high,
                "mc_runs": 0 if est is None else est.runs,
                "own_estimate": s.spread_estimate,
                "lower_bound": s.lower_bound,
                "seconds": self.seconds[m],
                "overlap": len(lead & set(s.seeds)),
                "top_seeds": s.seeds[:5],
            })
        return pd.DataFrame(rows)

    def seeds_frame(self) -> pd.DataFrame:
        """One row per method and seed: rank, seed, gain, score, frontline, downline."""
        frames = []
        for m, s in self.seed_sets.items():
            f = s.to_frame()
            f.insert(0, "method", m)
            f["frontline"] = self.frontline[m]
            f["downline"] = self.downline[m]
            frames.append(f)
        return pd.concat(frames, ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``seeds`` (the lead seed list, in the graph's own ids), ``lead`` and
        every method's details (``monte_carlo`` is None when not measured)."""
        methods = {}
        for m, s in self.seed_sets.items():
            est = self.spreads.get(m)
            methods[m] = {
                **s.to_dict(),
                "monte_carlo": None if est is None else {
                    "mean": est.mean, "stderr": est.stderr, "ci_low": est.ci_low,
                    "ci_high": est.ci_high, "runs": est.runs},
                "seconds": self.seconds[m],
                "frontline": self.frontline[m].tolist(),
                "downline": self.downline[m].tolist(),
            }
        sets = {m: set(s.seeds) for m, s in self.seed_sets.items()}
        return {
            "graph": self.graph, "nodes": self.nodes, "k": self.k, "model": self.model,
            "lead": self.lead, "seeds": self.seeds,
            "methods": methods,
            "overlap": {a: {b: len(sets[a] & sets[b]) for b in sets} for a in sets},
            "params": dict(self.params),
        }


def _as_graph(network: Any, p: float) -> Graph:
    if isinstance(network, Graph):
        return network
    # A sponsor tree (downline.genealogy.Genealogy) converts itself; influence does not
    # import genealogy, the conversion is genealogy's.
    if callable(getattr(network, "to_graph", None)):
        return network.to_graph(p=p)
    raise ParameterError(
        f"expected a Graph or a sponsor tree, not {type(network).__name__}", field="graph"
    )


def _method_names(methods: Sequence[str] | str | None) -> list[str]:
    if methods is None:
        return list(DEFAULT_METHODS)
    if isinstance(methods, str):
        methods = methods.split(",")
    names = [m.strip().lower().replace("_", "-") for m in methods if m.strip()]
    unknown = [m for m in names if m not in METHODS]
    if unknown or not names:
        raise ParameterError(
            f"unknown method(s) {', '.join(unknown) or '(none given)'}; "
            f"choose among {', '.join(METHODS)}",
            field="methods",
        )
    return list(dict.fromkeys(names))


def check_report_options(
    methods: Sequence[str] | str | None, mc_runs: int | None = None,
    mc_se: float | None = None,
) -> tuple[list[str], int, float | None]:
    """Validate the report's choices before any work: the method names (lead first), the
    Monte Carlo runs (resolved: None gives 10,000 when comparing, else 0) and ``mc_se``.

    Examples
    --------
    >>> check_report_options("opim-c,degree")
    (['opim-c', 'degree'], 10000, None)
    >>> check_report_options(None, mc_se=2.0)
    (['opim-c'], 1000000, 2.0)
    """
    names = _method_names(methods)
    runs, se = _check_mc(mc_runs, mc_se, len(names))
    return names, runs, se


def _check_mc(mc_runs: int | None, mc_se: float | None, methods: int) -> tuple[int, float | None]:
    """Resolve ``mc_runs`` (None: 10,000 when comparing, else 0) and check ``mc_se``."""
    if mc_runs is not None and (isinstance(mc_runs, bool)
                                or not isinstance(mc_runs, int | np.integer) or mc_runs < 0):
        raise ParameterError(f"mc_runs must be a non-negative integer, not {mc_runs!r}",
                             field="mc_runs")
    if mc_se is not None:
        if isinstance(mc_se, bool) or not isinstance(mc_se, int | float) \
                or not math.isfinite(mc_se) or mc_se <= 0:
            raise ParameterError(f"mc_se must be a positive number, not {mc_se!r}",
                                 field="mc_se")
        if mc_runs == 0:
            raise ParameterError("mc_se asks for Monte Carlo, but mc_runs is 0",
                                 field="mc_se")
        return (MAX_ADAPTIVE_RUNS if mc_runs is None else int(mc_runs)), float(mc_se)
    if mc_runs is None:
        return (COMPARE_RUNS if methods > 1 else 0), None
    return int(mc_runs), None


def _measure(graph: Graph, model: str, seeds: np.ndarray, runs: int, se: float | None,
             seed: int, backend: Any) -> Any:
    """Monte Carlo spread of ``seeds``: ``runs`` runs, or (with ``se``) as many as that
    standard error needs, sized from a pilot and capped at ``runs``."""
    if se is None:
        return spread(graph, model, seeds, runs=runs, seed=seed, backend=backend)
    est = spread(graph, model, seeds, runs=min(_PILOT_RUNS, runs), seed=seed,
                 backend=backend)
    for _ in range(3):
        if est.stderr <= se or est.runs >= runs:
            break
        need = math.ceil((est.std / se) ** 2 * 1.05)
        need = min(max(need, est.runs + 1), runs)
        est = spread(graph, model, seeds, runs=need, seed=seed, backend=backend)
    return est


def influencer_report(
    network: Graph | Any,
    k: int = 50,
    *,
    model: str = "ic",
    methods: Sequence[str] | str | None = None,
    eps: float = 0.1,
    l: float = 1.0,  # noqa: E741 - IMM's name
    mc_runs: int | None = None,
    mc_se: float | None = None,
    celf_runs: int = 200,
    p: float = 0.5,
    seed: int | np.random.Generator | None = None,
    threads: int | None = None,
    backend: Any = None,
    progress: Progress | None = None,
) -> InfluencerReport:
    """Top-k influencers by a lead method, with other methods beside it on request.

    Parameters
    ----------
    network : Graph or downline.genealogy.Genealogy
        A graph with its edge probabilities set, or a sponsor tree (then every
        sponsor -> recruit edge gets probability ``p``).
    k : int, default 50
    model : {"ic", "lt"}, default "ic"
    methods : sequence of str or comma-separated str, optional
        Among ``opim-c, imm, hist, celf, degree, degree-discount, pagerank, kcore``; the first
        is the lead, whose seeds are the answer. Default ``opim-c`` alone.
    eps, l : float
        IMM's, OPIM-C's and HIST's accuracy and failure exponent.
    mc_runs : int, optional
        Monte Carlo runs measuring each seed set; 0 skips the measurement. Default:
        10,000 when several methods are compared, else 0 (the lead method's own
        estimate and bound stand). With ``mc_se``, the most runs allowed (default
        1,000,000).
    mc_se : float, optional
        Measure each seed set with as many runs as this standard error needs (sized
        from a 1,000-run pilot).
    celf_runs : int, default 200
        Runs per estimate inside CELF.
    p : float, default 0.5
        Edge probability for a sponsor tree.
    seed : int or Generator, optional
        One seed for everything; the Monte Carlo stream is shared by all methods.
    backend : downline.engine.Backend, optional
        Where RR-set sampling and the Monte Carlo chunks run (default: this process).
    threads : int, optional
        Threads of this process sampling RR sets.
    progress : callable, optional
        ``progress(done, total)`` in steps (one per method chosen and one per measured).

    Returns
    -------
    InfluencerReport

    Raises
    ------
    ParameterError
        Unknown method, ``mc_runs < 0``, ``mc_se <= 0``, ``mc_se`` with ``mc_runs=0``,
        and whatever the methods reject (``k``, ``eps``, ``model``).

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 4, 4], [1, 2, 3, 5, 5, 6], probs=0.5)
    >>> rep = influencer_report(g, 2, seed=1)
    >>> rep.lead, rep.seeds, rep.spreads
    ('opim-c', [0, 4], {})
    >>> rep = influencer_report(g, 2, methods="opim-c,degree", mc_runs=2000, seed=1)
    >>> rep.to_frame()[["method", "overlap", "mc_runs"]].values.tolist()
    [['opim-c', 2, 2000], ['degree', 2, 2000]]
    """
    graph = _as_graph(network, p)
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    names, runs, se = check_report_options(methods, mc_runs, mc_se)
    entropy = root_seed(seed)
    mc_seed = int(stream_seeds(entropy, 1, start=1_000, bits=32)[0])
    total_steps = float(len(names) * (2 if runs else 1))
    step = 0.0

    def sub(done: float, total: float | None = None) -> None:
        if progress is not None and total:
            progress(step + min(done / total, 1.0), total_steps)

    choosers: dict[str, Callable[[], SeedSet]] = {
        "imm": lambda: imm(graph, k, model=model_name, eps=eps, l=l, seed=entropy,
                           threads=threads, progress=sub, backend=backend),
        "opim-c": lambda: opim_c(graph, k, model=model_name, eps=eps, l=l, seed=entropy,
                                 threads=threads, progress=sub, backend=backend),
        "hist": lambda: hist(graph, k, model=model_name, eps=eps, l=l, seed=entropy,
                             threads=threads, progress=sub, backend=backend),
        "celf": lambda: celf(graph, k, model=model_name, runs=celf_runs, seed=entropy,
                             progress=sub),
        "degree": lambda: degree_ranking(graph, k),
        "degree-discount": lambda: degree_discount(graph, k),
        "pagerank": lambda: pagerank_ranking(graph, k),
        "kcore": lambda: kcore_ranking(graph, k),
    }
    seed_sets: dict[str, SeedSet] = {}
    spreads: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    frontline: dict[str, np.ndarray] = {}
    downline: dict[str, np.ndarray] = {}
    out_degree = graph.out_degree()
    for name in names:
        t0 = time.perf_counter()
        chosen = choosers[name]()
        seconds[name] = time.perf_counter() - t0
        step += 1.0
        sub(0.0, 1.0)
        if runs:
            spreads[name] = _measure(graph, model_name, chosen.indices, runs, se, mc_seed,
                                     backend)
            step += 1.0
            sub(0.0, 1.0)
        seed_sets[name] = chosen
        frontline[name] = out_degree[chosen.indices]
        downline[name] = _kernels.reach_counts(
            graph.indptr, graph.indices, chosen.indices, graph.n
        ) - 1
    params = {"k": k, "model": model_name, "eps": eps, "l": l, "mc_runs": runs,
              "mc_se": se, "seed": seed, "entropy": entropy, "mc_seed": mc_seed,
              "weights": graph.meta.get("weights")}
    return InfluencerReport(
        graph=graph.name, nodes=graph.n, k=k, model=model_name, seed_sets=seed_sets,
        spreads=spreads, seconds=seconds, frontline=frontline, downline=downline,
        params=params,
    )
