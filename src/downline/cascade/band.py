"""A simulation in equal batches, so that its mean curve carries a 95% band.

:func:`simulate_with_band` runs :func:`downline.cascade.simulate` in ``batches`` batches
with independent child seeds and combines them: the pooled final sizes, the mean curve,
and the batch-means interval of that curve. The dashboard's What-if page and the API's
simulation and migration jobs show :meth:`BandedSpread.to_dict`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from downline.cascade.models import Migration
from downline.cascade.montecarlo import simulate
from downline.cascade.results import SpreadEstimate
from downline.common.progress import Progress
from downline.common.rng import fresh_seed, root_seed, stream_seeds

__all__ = ["CI_Z", "BandedSpread", "simulate_with_band"]

CI_Z = 1.959963984540054
"""The 97.5% quantile of the standard normal (two-sided 95% intervals)."""


@dataclass(frozen=True, eq=False)
class BandedSpread:
    """Pooled runs of several batches with a band around the mean curve.

    Attributes
    ----------
    pooled : SpreadEstimate
        Final sizes of every run, and the mean curve.
    band_low, band_high : ndarray
        Per step, ``mean -+ 1.96 sd(batch curves) / sqrt(batches)`` (low clipped at 0).
    batches : int
    seed : int
        The root seed the batch seeds were drawn from.
    params : dict
        The model's parameters with ``runs``, ``batches`` and ``seed``.
    steps : DataFrame or None
        The migration model's per-step table, averaged over batches.
    first_movers : DataFrame or None
        The migration model's per-first-mover table, averaged over batches.
    """

    pooled: SpreadEstimate
    band_low: np.ndarray
    band_high: np.ndarray
    batches: int
    seed: int
    params: dict[str, Any] = field(default_factory=dict)
    steps: pd.DataFrame | None = None
    first_movers: pd.DataFrame | None = None

    def to_dict(self) -> dict[str, Any]:
        """``SpreadEstimate.to_dict()`` of the pooled runs plus ``band_low``,
        ``band_high``, ``band`` and, for the migration model, ``steps`` and
        ``first_movers`` records."""
        out = self.pooled.to_dict()
        out["params"] = dict(self.params)
        out["band_low"] = self.band_low.tolist()
        out["band_high"] = self.band_high.tolist()
        out["band"] = "95% interval of the mean curve (batch means)"
        if self.steps is not None:
            out["steps"] = self.steps.to_dict(orient="records")
        if self.first_movers is not None:
            out["first_movers"] = self.first_movers.to_dict(orient="records")
        return out


def _pad(curve: np.ndarray, length: int) -> np.ndarray:
    if curve.shape[0] >= length:
        return curve[:length]
    fill = curve[-1] if curve.shape[0] else 0.0
    return np.concatenate([curve, np.full(length - curve.shape[0], fill)])


def simulate_with_band(
    graph: Any,
    model: str | Migration,
    seeds: Sequence[Any],
    *,
    runs: int,
    seed: int | None,
    steps: int | None = None,
    batches: int = 10,
    progress: Progress | None = None,
) -> BandedSpread:
    """Run :func:`downline.cascade.simulate` in ``batches`` equal batches and combine them.

    Parameters
    ----------
    graph : Graph
    model : str or Migration
    seeds : sequence of ids
    runs : int
        Runs in all.
    seed : int or None
        Root seed (drawn at random when None, and reported).
    steps : int, optional
        Step limit of IC/LT.
    batches : int
        Batches (at most ``runs``); the band is their batch-means interval.
    progress : callable, optional
        ``progress(done, total, message)``.

    Returns
    -------
    BandedSpread

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "b"], ["b", "c"], probs=1.0)
    >>> out = simulate_with_band(g, "ic", ["a"], runs=20, seed=1, batches=4).to_dict()
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
        half = CI_Z * curves.std(axis=0, ddof=1) / math.sqrt(batches)
    else:
        half = np.zeros(length)
    sizes = np.concatenate([r.sizes for r in results])
    pooled = SpreadEstimate.from_sizes(sizes, mean_curve, model=results[0].model, seed=root,
                                       params=dict(results[0].params))
    steps_table = movers_table = None
    if hasattr(results[0], "steps_table"):
        steps_table = (pd.concat([r.steps_table for r in results])
                       .groupby("step", as_index=False).mean(numeric_only=True))
        movers = pd.concat([r.first_movers for r in results])
        movers["first_mover"] = movers["first_mover"].astype(str)
        movers_table = movers.groupby("first_mover", as_index=False,
                                      sort=False).mean(numeric_only=True)
    return BandedSpread(
        pooled=pooled, band_low=np.clip(mean_curve - half, 0, None),
        band_high=mean_curve + half, batches=batches, seed=root,
        params=dict(results[0].params, runs=int(runs), batches=batches, seed=root),
        steps=steps_table, first_movers=movers_table,
    )
