"""Who dragged whom: exposure at moving time, thresholds and adopter categories.

A mover's exposure when they moved is the share of the people they followed on the old
platform who had moved in an earlier step (Valente 1995, as in
:func:`downline.adoption.exposure`: same-step moves do not count); that share is their
threshold. :func:`who_dragged_whom` lists, for each mover, the followees who moved
before them; :func:`moving_exposure` summarises it per mover with the Rogers category of
the moving date (:func:`downline.adoption.rogers_categories`); :func:`exposure_test`
runs the exposure hazard test of :func:`downline.adoption.exposure_hazard` on the moves.
Per-influencer follow-through lives in :mod:`downline.migration.followthrough`.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from downline.adoption import exposure_hazard, rogers_categories
from downline.errors import InputError
from downline.graph.exposure import flagged_share
from downline.migration.calibrate import _period
from downline.migration.io import MigrationData

__all__ = ["adopter_categories", "exposure_test", "moving_exposure", "moving_steps",
           "who_dragged_whom"]


def moving_steps(data: MigrationData, period: Any = "1D") -> pd.Series:
    """The step each mover moved in (whole periods since the first move), by person id.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> steps = moving_steps(generate_migration(300, p_follow=0.3, steps=6, seed=1))
    >>> int(steps.min()), steps.index.name
    (0, 'person_id')
    """
    per = _period(period)
    movers = data.movers
    steps = ((movers - data.origin) // per).astype(np.int64)
    return pd.Series(steps.to_numpy(), index=pd.Index(movers.index, name="person_id"),
                     name="step")


def adopter_categories(data: MigrationData, *, method: Literal["sd", "quantile"] = "sd") -> Any:
    """Rogers' adopter categories of the movers, by moving date.

    Returns
    -------
    downline.adoption.RogersResult

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> cats = adopter_categories(generate_migration(1000, p_follow=0.2, steps=15, seed=1))
    >>> sorted(cats.counts())[:2]
    ['early_adopters', 'early_majority']
    """
    if len(data.movers) < 2:
        raise InputError("adopter categories need at least 2 movers")
    return rogers_categories(data.movers, method=method)


def _edges_to_movers(data: MigrationData, period: Any) -> tuple[np.ndarray, ...]:
    g = data.graph
    steps = moving_steps(data, period).reindex(g.labels).to_numpy(dtype=np.float64)
    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    dst = g.indices.astype(np.int64)
    return g.labels, steps, src, dst


def who_dragged_whom(data: MigrationData, *, period: Any = "1D") -> pd.DataFrame:
    """For every mover, the people they followed who moved in an earlier step.

    Returns
    -------
    DataFrame
        ``mover, moved_at, followee, followee_moved_at, lag_days``, sorted by mover's
        moving date, then lag.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(300, p_follow=0.4, steps=6, seed=2)
    >>> pairs = who_dragged_whom(data)
    >>> bool((pairs["lag_days"] > 0).all())
    True
    """
    labels, steps, src, dst = _edges_to_movers(data, period)
    hit = np.isfinite(steps[dst]) & np.isfinite(steps[src]) & (steps[src] < steps[dst])
    moved = pd.to_datetime(data.moved_at)
    out = pd.DataFrame({
        "mover": labels[dst[hit]], "moved_at": moved[dst[hit]],
        "followee": labels[src[hit]], "followee_moved_at": moved[src[hit]],
    })
    out["lag_days"] = (out["moved_at"] - out["followee_moved_at"]) / pd.Timedelta(days=1)
    return out.sort_values(["moved_at", "mover", "lag_days"], kind="stable",
                           ignore_index=True)


def moving_exposure(data: MigrationData, *, period: Any = "1D",
                    method: Literal["sd", "quantile"] = "sd") -> pd.DataFrame:
    """Each mover's exposure (threshold) when they moved, with their Rogers category.

    Returns
    -------
    DataFrame
        Indexed by person id: ``moved_at, step, followees`` (old-platform people they
        followed), ``moved_before`` (of those, moved in an earlier step), ``threshold``
        (``moved_before / followees``; NaN with no followees) and ``category``.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> exp = moving_exposure(generate_migration(500, p_follow=0.3, steps=10, seed=3))
    >>> bool(exp["threshold"].between(0, 1).all())
    True
    """
    g = data.graph
    labels = g.labels
    steps = moving_steps(data, period).reindex(labels).to_numpy(dtype=np.float64)
    rev = g.reverse  # row v: the people v follows (edges u -> v)
    before, followees = flagged_share(rev.indptr, rev.indices, steps, steps, strict=True)
    movers = np.flatnonzero(np.isfinite(steps))
    with np.errstate(divide="ignore", invalid="ignore"):
        thr = np.where(followees[movers] > 0, before[movers] / followees[movers], np.nan)
    out = pd.DataFrame({
        "moved_at": pd.to_datetime(data.moved_at[movers]),
        "step": steps[movers].astype(np.int64),
        "followees": followees[movers].astype(np.int64),
        "moved_before": before[movers].astype(np.int64), "threshold": thr,
    }, index=pd.Index(labels[movers], name="person_id"))
    if len(movers) >= 2 and out["moved_at"].nunique() > 1:
        out["category"] = adopter_categories(data, method=method).category.reindex(out.index)
    else:
        out["category"] = None
    return out.sort_values(["moved_at"], kind="stable")


def exposure_test(data: MigrationData, *, period: Any = "1D", **options: Any) -> Any:
    """Does moving depend on exposure? The hazard test of :mod:`downline.adoption`.

    Runs :func:`downline.adoption.exposure_hazard` with the moving steps as adoption
    periods (``options`` go to it).

    Returns
    -------
    downline.adoption.ExposureHazard

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> res = exposure_test(generate_migration(500, p_follow=0.3, steps=10, seed=3))
    >>> bool(res.coef > 0)
    True
    """
    steps = moving_steps(data, period)
    return exposure_hazard(data.graph, steps, **options)
