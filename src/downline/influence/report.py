"""The influencer report: every method's top-k side by side, measured the same way.

Each method picks its seeds; then every seed set's expected spread is re-estimated by
Monte Carlo with :func:`downline.cascade.spread` (never by the RR sets that chose it),
with one random stream for all methods so the comparison is like for like. The report
also gives how much the seed sets overlap and each seed's downline: its out-degree (the
frontline) and the number of people it can reach at all along the edges.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

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
from downline.influence.imm import Progress, check_k, imm, opim_c
from downline.influence.rrsets import check_model, root_entropy
from downline.influence.seedset import SeedSet

__all__ = ["DEFAULT_METHODS", "METHODS", "InfluencerReport", "influencer_report"]

METHODS = ("imm", "opim-c", "celf", "degree", "degree-discount", "pagerank", "kcore")
"""Every method the report knows, by name."""

DEFAULT_METHODS = ("imm", "degree", "degree-discount", "pagerank", "kcore")
"""The methods run when none are named (CELF is left out: it is slow)."""


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
        Monte Carlo spread of each seed set (``mc_runs`` runs, one stream for all).
    seconds : dict of str to float
        Time each method took to choose its seeds.
    frontline : dict of str to ndarray
        Out-degree of each seed, in seed order.
    downline : dict of str to ndarray
        Number of other nodes each seed can reach along the edges (its whole downline in
        a sponsor tree), in seed order.
    params : dict
        k, model, eps, l, mc_runs, seed.
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
    def seeds(self) -> list[Any]:
        """The chosen seed list: IMM's when it ran, else the first method's."""
        lead = "imm" if "imm" in self.seed_sets else self.methods[0]
        return list(self.seed_sets[lead].seeds)

    def overlap(self) -> pd.DataFrame:
        """Number of seeds each pair of methods shares (the diagonal is ``k``)."""
        sets = {m: set(s.seeds) for m, s in self.seed_sets.items()}
        return pd.DataFrame(
            [[len(sets[a] & sets[b]) for b in sets] for a in sets],
            index=list(sets), columns=list(sets),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per method: Monte Carlo spread with its 95% interval, the method's own
        estimate and lower bound, seconds, and overlap with the lead seed set."""
        lead = set(self.seeds)
        rows = []
        for m, s in self.seed_sets.items():
            est = self.spreads[m]
            rows.append({
                "method": m,
                "spread": est.mean,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
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
        """JSON-ready: ``seeds`` (the lead seed list, in the graph's own ids) and details."""
        methods = {}
        for m, s in self.seed_sets.items():
            est = self.spreads[m]
            methods[m] = {
                **s.to_dict(),
                "monte_carlo": {"mean": est.mean, "stderr": est.stderr,
                                "ci_low": est.ci_low, "ci_high": est.ci_high,
                                "runs": est.runs},
                "seconds": self.seconds[m],
                "frontline": self.frontline[m].tolist(),
                "downline": self.downline[m].tolist(),
            }
        overlap = self.overlap()
        return {
            "graph": self.graph, "nodes": self.nodes, "k": self.k, "model": self.model,
            "seeds": self.seeds,
            "methods": methods,
            "overlap": {a: {b: int(overlap.loc[a, b]) for b in overlap.columns}
                        for a in overlap.index},
            "params": dict(self.params),
        }


def _as_graph(network: Any, p: float) -> Graph:
    if isinstance(network, Graph):
        return network
    if hasattr(network, "parent") and hasattr(network, "ids"):
        from downline.cascade import sponsor_graph

        return sponsor_graph(network, p=p)
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


def influencer_report(
    network: Graph | Any,
    k: int = 50,
    *,
    model: str = "ic",
    methods: Sequence[str] | str | None = None,
    eps: float = 0.1,
    l: float = 1.0,  # noqa: E741 - IMM's name
    mc_runs: int = 10_000,
    celf_runs: int = 200,
    p: float = 0.5,
    seed: int | np.random.Generator | None = None,
    workers: int | None = None,
    backend: Any = None,
    progress: Progress | None = None,
) -> InfluencerReport:
    """Top-k influencers by several methods, with each set's Monte Carlo spread.

    Parameters
    ----------
    network : Graph or downline.genealogy.Genealogy
        A graph with its edge probabilities set, or a sponsor tree (then every
        sponsor -> recruit edge gets probability ``p``).
    k : int, default 50
    model : {"ic", "lt"}, default "ic"
    methods : sequence of str or comma-separated str, optional
        Among ``imm, opim-c, celf, degree, degree-discount, pagerank, kcore``; default
        all but ``opim-c`` and ``celf``.
    eps, l : float
        IMM's and OPIM-C's accuracy and failure exponent.
    mc_runs : int, default 10,000
        Monte Carlo runs measuring each seed set.
    celf_runs : int, default 200
        Runs per estimate inside CELF.
    p : float, default 0.5
        Edge probability for a sponsor tree.
    seed : int or Generator, optional
        One seed for everything; the Monte Carlo stream is shared by all methods.
    backend : downline.engine.Backend, optional
        Where RR-set sampling and the Monte Carlo chunks run (default: this process).
    workers : int, optional
        Threads sampling RR sets.
    progress : callable, optional
        ``progress(done, total)`` in steps (one per method chosen and one per measured).

    Returns
    -------
    InfluencerReport

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 0, 1, 4, 4], [1, 2, 3, 5, 5, 6], probs=0.5)
    >>> rep = influencer_report(g, 2, methods="imm,degree", mc_runs=2000, seed=1)
    >>> rep.seeds
    [0, 4]
    >>> rep.to_frame()[["method", "overlap"]].to_dict("records")
    [{'method': 'imm', 'overlap': 2}, {'method': 'degree', 'overlap': 2}]
    """
    from downline.cascade import spread

    graph = _as_graph(network, p)
    model_name = check_model(graph, model)
    k = check_k(graph, k)
    names = _method_names(methods)
    if isinstance(mc_runs, bool) or not isinstance(mc_runs, int | np.integer) or mc_runs <= 0:
        raise ParameterError(f"mc_runs must be a positive integer, not {mc_runs!r}",
                             field="mc_runs")
    entropy = root_entropy(seed)
    mc_seed = int(np.random.SeedSequence(entropy, spawn_key=(1_000,)).generate_state(1)[0])
    total_steps = 2.0 * len(names)
    step = 0.0

    def sub(done: float, total: float | None = None) -> None:
        if progress is not None and total:
            progress(step + min(done / total, 1.0), total_steps)

    choosers: dict[str, Callable[[], SeedSet]] = {
        "imm": lambda: imm(graph, k, model=model_name, eps=eps, l=l, seed=entropy,
                           workers=workers, progress=sub, backend=backend),
        "opim-c": lambda: opim_c(graph, k, model=model_name, eps=eps, l=l, seed=entropy,
                                 workers=workers, progress=sub, backend=backend),
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
        spreads[name] = spread(graph, model_name, chosen.indices, runs=mc_runs, seed=mc_seed,
                               backend=backend)
        step += 1.0
        sub(0.0, 1.0)
        seed_sets[name] = chosen
        frontline[name] = out_degree[chosen.indices]
        downline[name] = _kernels.reach_counts(
            graph.indptr, graph.indices, chosen.indices, graph.n
        ) - 1
    params = {"k": k, "model": model_name, "eps": eps, "l": l, "mc_runs": mc_runs,
              "seed": seed, "entropy": entropy, "mc_seed": mc_seed,
              "weights": graph.meta.get("weights")}
    return InfluencerReport(
        graph=graph.name, nodes=graph.n, k=k, model=model_name, seed_sets=seed_sets,
        spreads=spreads, seconds=seconds, frontline=frontline, downline=downline,
        params=params,
    )

