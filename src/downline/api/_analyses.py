"""The analyses behind the job endpoints: thin wrappers over the areas' functions.

Each function takes plain parameters and a ``progress(done, total)`` callback and returns
a JSON-ready payload. Nothing here computes anything an area does not already offer; the
wrappers only combine calls (several ranking methods side by side, a simulation run in
batches so that the page can draw a band around the mean curve).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from downline.cascade import Migration, SpreadEstimate, simulate, sponsor_graph
from downline.common.progress import Progress
from downline.common.rng import fresh_seed, root_seed, stream_seeds
from downline.errors import InputError, ParameterError
from downline.graph import Graph

__all__ = [
    "CI_Z",
    "adoption_fit",
    "ego_network",
    "influencers",
    "simulate_with_band",
]

CI_Z = 1.959963984540054


def _pad(curve: np.ndarray, length: int) -> np.ndarray:
    if curve.shape[0] >= length:
        return curve[:length]
    fill = curve[-1] if curve.shape[0] else 0.0
    return np.concatenate([curve, np.full(length - curve.shape[0], fill)])


def simulate_with_band(
    graph: Graph,
    model: str | Migration,
    seeds: Sequence[Any],
    *,
    runs: int,
    seed: int | None,
    steps: int | None = None,
    batches: int = 10,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run :func:`downline.cascade.simulate` in ``batches`` equal batches and combine them.

    The mean curve is the mean of the batch curves; its 95% band is
    ``mean -+ 1.96 * sd(batch means) / sqrt(batches)`` (the batch-means interval of the
    mean curve). Final-size statistics pool every run.

    Returns
    -------
    dict
        ``SpreadEstimate.to_dict()`` of the pooled runs plus ``band_low``, ``band_high``
        (per step) and, for the migration model, the mean ``steps`` and ``first_movers``
        tables over the batches.

    Examples
    --------
    >>> g = Graph.from_edges(["a", "b"], ["b", "c"], probs=1.0)
    >>> out = simulate_with_band(g, "ic", ["a"], runs=20, seed=1, batches=4)
    >>> out["mean"], out["curve"], out["band_low"]
    (3.0, [1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    """
    progress = progress or (lambda *a, **k: None)
    root = fresh_seed() if seed is None else root_seed(seed)
    batches = max(1, min(int(batches), int(runs)))
    per = [runs // batches + (1 if i < runs % batches else 0) for i in range(batches)]
    child_seeds = [int(s) for s in stream_seeds(root, batches, bits=32)]
    results = []
    done = 0
    for b, (n_runs, child) in enumerate(zip(per, child_seeds, strict=True)):
        base = done / runs

        def report(d: float, total: float | None = None, _base: float = base,
                   _n: int = n_runs, _b: int = b) -> None:
            frac = float(d) / float(total) if total else 0.0
            progress(_base + frac * _n / runs, 1.0, f"batch {_b + 1} of {batches}")

        results.append(simulate(graph, model, list(seeds), runs=n_runs, seed=child,
                                steps=steps, progress=report))
        done += n_runs
        progress(done / runs, 1.0)
    length = max(r.curve.shape[0] for r in results)
    curves = np.vstack([_pad(r.curve, length) for r in results])
    weights = np.asarray(per, dtype=np.float64)
    mean_curve = (curves * weights[:, None]).sum(axis=0) / weights.sum()
    if batches > 1:
        sd = curves.std(axis=0, ddof=1)
        half = CI_Z * sd / math.sqrt(batches)
    else:
        half = np.zeros(length)
    sizes = np.concatenate([r.sizes for r in results])
    pooled = SpreadEstimate.from_sizes(sizes, mean_curve, model=results[0].model, seed=root,
                                       params=dict(results[0].params))
    out = pooled.to_dict()
    out["params"] = dict(results[0].params, runs=int(runs), batches=batches, seed=root)
    out["band_low"] = np.clip(mean_curve - half, 0, None).tolist()
    out["band_high"] = (mean_curve + half).tolist()
    out["band"] = "95% interval of the mean curve (batch means)"
    if hasattr(results[0], "steps_table"):
        steps_frame = pd.concat([r.steps_table for r in results]).groupby("step", as_index=False)
        out["steps"] = steps_frame.mean(numeric_only=True).to_dict(orient="records")
        movers = pd.concat([r.first_movers for r in results])
        movers["first_mover"] = movers["first_mover"].astype(str)
        table = movers.groupby("first_mover", as_index=False, sort=False).mean(numeric_only=True)
        out["first_movers"] = table.to_dict(orient="records")
    return out


def migration_graph(graph: Graph | None, genealogy: Any | None, p: float | None) -> Graph:
    """The graph a migration runs on: a follower network, or a sponsor tree as a graph."""
    if graph is not None:
        return graph
    if genealogy is None:
        raise ParameterError("give a network or a genealogy", field="network")
    return sponsor_graph(genealogy, p=1.0 if p is None else p)


def influencers(
    graph: Graph,
    *,
    k: int,
    methods: Sequence[str],
    model: str = "ic",
    eps: float = 0.2,
    runs: int = 1000,
    seed: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """:func:`downline.influence.influencer_report` as a leaderboard, best spread first.

    Every method's seed set is measured with the same Monte Carlo (``runs`` runs of
    ``model``, one stream for all), so the leaderboard compares like with like; IMM and
    OPIM-C also report their own RR-set estimate and lower bound.

    Examples
    --------
    >>> g = Graph.from_edges([0, 0, 1, 2], [1, 2, 3, 3], probs=0.5)
    >>> out = influencers(g, k=1, methods=["degree"], runs=200, seed=3)
    >>> out["methods"][0]["seeds"][0]["id"]
    0
    """
    from downline.influence import influencer_report

    root = fresh_seed() if seed is None else root_seed(seed)
    report = influencer_report(graph, k, model=model, methods=list(methods), eps=eps,
                               mc_runs=runs, seed=root, progress=progress)
    rows = []
    for method, chosen in report.seed_sets.items():
        est = report.spreads[method]
        gains = [float(g) for g in chosen.gains]
        scores = None if chosen.scores is None else [float(x) for x in chosen.scores]
        rows.append({
            "method": method,
            "seeds": [
                {"rank": r + 1, "id": node, "gain": gains[r],
                 "score": None if scores is None else scores[r],
                 "frontline": int(report.frontline[method][r]),
                 "downline": int(report.downline[method][r])}
                for r, node in enumerate(chosen.seeds)
            ],
            "spread": {"mean": est.mean, "ci_low": est.ci_low, "ci_high": est.ci_high,
                       "runs": est.runs},
            "own_estimate": chosen.spread_estimate,
            "lower_bound": chosen.lower_bound,
            "seconds": report.seconds[method],
            "params": chosen.params,
        })
    rows.sort(key=lambda r: -r["spread"]["mean"])
    overlap = report.overlap()
    return {"k": report.k, "model": report.model, "runs": runs, "seed": root,
            "nodes": report.nodes, "lead_seeds": report.seeds, "methods": rows,
            "overlap": {a: {b: int(overlap.loc[a, b]) for b in overlap.columns}
                        for a in overlap.index}}


def ego_network(graph: Graph, node: Any, *, radius: int = 2, limit: int = 150) -> dict[str, Any]:
    """The people a node reaches within ``radius`` hops along the edges (its downline in
    the network), breadth first, at most ``limit`` nodes, with the edges among them.

    Examples
    --------
    >>> g = Graph.from_edges(["a", "a", "b"], ["b", "c", "d"])
    >>> ego = ego_network(g, "a", radius=1)
    >>> sorted(n["id"] for n in ego["nodes"]), ego["truncated"]
    (['a', 'b', 'c'], False)
    """
    if radius < 1 or limit < 1:
        raise ParameterError("radius and limit must be at least 1", field="radius")
    start = int(graph.index_of([node])[0])
    indptr, indices = np.asarray(graph.indptr), np.asarray(graph.indices)
    level = {start: 0}
    frontier = [start]
    truncated = False
    for depth in range(1, radius + 1):
        nxt = []
        for u in frontier:
            for v in indices[indptr[u]:indptr[u + 1]].tolist():
                if v not in level:
                    if len(level) >= limit:
                        truncated = True
                        break
                    level[v] = depth
                    nxt.append(v)
            if truncated:
                break
        frontier = nxt
        if truncated or not frontier:
            break
    members = np.fromiter(level.keys(), dtype=np.int64)
    labels = graph.label_of(members)
    outdeg = graph.out_degree()
    nodes = [{"id": lab, "level": level[int(i)], "out_degree": int(outdeg[i])}
             for i, lab in zip(members.tolist(), labels, strict=True)]
    inside = set(level)
    edges = []
    for u in members.tolist():
        for v in indices[indptr[u]:indptr[u + 1]].tolist():
            if v in inside and v != u:
                edges.append({"source": graph.label_of([u])[0], "target": graph.label_of([v])[0]})
    return {"center": graph.label_of([start])[0], "radius": radius, "nodes": nodes,
            "edges": edges, "truncated": truncated, "reach_out_degree": int(outdeg[start])}


def _rogers_bands(rogers: Any, edges: np.ndarray) -> list[dict[str, Any]]:
    """Rogers categories as spans of the period axis (period ``t`` covers ``t -+ 0.5``).

    ``edges`` are the period boundaries in the units of the adoption times.
    """
    cuts = np.concatenate([[-np.inf], np.asarray(rogers.boundaries, dtype=np.float64), [np.inf]])
    t_edges = np.arange(edges.shape[0], dtype=np.float64) + 0.5
    pos = np.interp(np.clip(cuts, edges[0], edges[-1]), edges, t_edges)
    names = [str(c) for c in rogers.table["category"]]
    return [{"category": name, "t_start": float(pos[i]), "t_end": float(pos[i + 1])}
            for i, name in enumerate(names)]


def _bass_payload(model: Any, horizon: int) -> dict[str, Any]:
    forecast = model.forecast(horizon)
    return {"bass": model.to_dict(), "forecast": forecast.to_dict(orient="list")}


def adoption_fit(
    *,
    times: pd.Series | None = None,
    periods: Sequence[float] | None = None,
    adopters: Sequence[float] | None = None,
    cumulative: Sequence[float] | None = None,
    freq: str | None = None,
    horizon: int = 12,
    rogers_method: str = "sd",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Bass fit and forecast, Rogers categories and the chasm of one adoption record.

    Give one of: ``times`` (one adoption time per adopter, numbers or datetimes),
    ``adopters`` per period (optionally with their ``periods``), or a ``cumulative``
    curve (a cascade's mean curve, step 0 the seeds).

    Examples
    --------
    >>> out = adoption_fit(adopters=[10, 30, 60, 80, 60, 30, 12], horizon=2)
    >>> out["bass"]["converged"], len(out["forecast"]["t"])
    (True, 9)
    """
    from downline.adoption import (
        AdoptionData,
        BassModel,
        fit_cascade_curve,
        rogers_categories,
        to_periods,
    )

    progress = progress or (lambda *a, **k: None)
    given = [x is not None for x in (times, adopters, cumulative)]
    if sum(given) != 1:
        raise ParameterError("give exactly one of times, adopters or cumulative",
                             field="source")
    if horizon < 0 or horizon > 1000:
        raise ParameterError("horizon must be in [0, 1000]", field="horizon")
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if times is not None:
            p, counts, starts, used = to_periods(times, freq)
            progress(0.2, 1.0, "binned")
            model = BassModel().fit(counts, p.astype(np.float64))
            rogers_times = times
            labels = [str(s)[:10] for s in starts]
            stamps = pd.DatetimeIndex(pd.to_datetime(starts))
            first = pd.to_datetime(times).min()
            days = ((stamps - first) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
            step = days[-1] - days[-2] if days.shape[0] > 1 else 1.0
            edges = np.concatenate([days, [days[-1] + step]])
            data = {"t": p.tolist(), "adopters": counts.tolist(), "labels": labels,
                    "freq": used}
        elif adopters is not None:
            counts = np.asarray(adopters, dtype=np.float64)
            if counts.ndim != 1 or counts.shape[0] < 3 or not np.all(np.isfinite(counts)):
                raise InputError("adopters needs at least 3 finite numbers", field="adopters")
            if np.any(counts < 0):
                raise InputError("adopters per period cannot be negative", field="adopters")
            per = (np.arange(1, counts.shape[0] + 1) if periods is None
                   else np.asarray(periods, dtype=np.int64))
            if per.shape != counts.shape:
                raise InputError("periods and adopters differ in length", field="periods")
            model = BassModel().fit(counts)
            whole = np.round(counts)
            rogers_times = AdoptionData(per, whole, None, None, list(per)).adopter_times()
            edges = np.concatenate([per, [per[-1] + 1]]).astype(np.float64)
            data = {"t": list(range(1, counts.shape[0] + 1)), "adopters": counts.tolist(),
                    "labels": [str(x) for x in per.tolist()], "freq": None}
        else:
            curve = np.asarray(cumulative, dtype=np.float64)
            model = fit_cascade_curve(curve)
            new = np.clip(np.diff(np.concatenate([[0.0], curve])), 0, None)
            rogers_times = AdoptionData(np.arange(new.shape[0]), np.round(new), None, None,
                                        list(range(new.shape[0]))).adopter_times()
            edges = np.arange(new.shape[0] + 1, dtype=np.float64)
            data = {"t": list(range(1, new.shape[0] + 1)), "adopters": new.tolist(),
                    "labels": [f"step {i}" for i in range(new.shape[0])], "freq": "step"}
        progress(0.6, 1.0, "Bass fitted")
        out = {"data": data, **_bass_payload(model, horizon)}
        try:
            rogers = rogers_categories(rogers_times, method=rogers_method)
            out["rogers"] = rogers.to_dict()
            out["rogers_bands"] = _rogers_bands(rogers, edges)
        except InputError as exc:
            out["rogers"] = None
            out["rogers_bands"] = []
            caught.append(f"Rogers categories: {exc.message}")
        caught.extend(str(w.message) for w in record)
    out["warnings"] = caught
    progress(1.0, 1.0)
    return out
