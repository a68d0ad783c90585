"""Synthetic migrations with known parameters, in the input schema of :func:`read_migration`.

:func:`generate_migration` plays the downline-migration model of
:class:`downline.cascade.Migration` person by person (the engine itself only reports
totals) and writes down what a researcher would see: joining and last-seen dates per
platform, the old follow graph and, optionally, re-follows on the new platform. It is a
test fixture and a documentation example, so it is plain NumPy, not fast. Estimating the
parameters back lives in :mod:`downline.migration.calibrate`.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from downline.errors import ParameterError
from downline.graph import Graph
from downline.migration.io import MigrationData, ValidationReport, normalise_people

__all__ = ["generate_migration", "random_follow_graph"]

NEVER = np.iinfo(np.int64).max // 4


def random_follow_graph(
    n: int, *, follows: float = 10.0, skew: float = 0.7,
    seed: int | np.random.Generator | None = None,
) -> Graph:
    """A random follow graph with a few very followed people (edges followee -> follower).

    Each person follows about ``follows`` others (Poisson), picked with weight
    ``rank ** -skew`` over a random ranking of the population, so follower counts are
    heavy-tailed as on real platforms. Node ids are ``"p00000"``, ``"p00001"``, ...

    Examples
    --------
    >>> g = random_follow_graph(500, seed=1)
    >>> g.number_of_nodes(), int(g.out_degree().max()) > 50
    (500, True)
    """
    if int(n) < 2:
        raise ParameterError(f"n must be at least 2, not {n}", field="n")
    n = int(n)
    rng = np.random.default_rng(seed)
    weight = np.arange(1, n + 1, dtype=np.float64) ** -float(skew)
    popular = rng.permutation(n)
    prob = np.empty(n)
    prob[popular] = weight / weight.sum()
    k = rng.poisson(follows, size=n)
    follower = np.repeat(np.arange(n), k)
    followee = rng.choice(n, size=follower.shape[0], p=prob)
    labels = np.array([f"p{i:05d}" for i in range(n)], dtype=object)
    return Graph.from_indices(followee, follower, np.ones(follower.shape[0]), labels,
                              name="random-follows", meta={"direction": "followee -> follower"})


def _drops(rng: np.random.Generator, rate: float, first: np.ndarray) -> np.ndarray:
    """Step at whose end each member drops out, exposed from step ``first`` on."""
    first = np.asarray(first, dtype=np.int64)
    if rate <= 0.0:
        return np.full(first.shape, NEVER, dtype=np.int64)
    return first + rng.geometric(rate, size=first.shape).astype(np.int64) - 1


def generate_migration(
    graph: Graph | int,
    *,
    follow: Literal["cascade", "threshold"] = "cascade",
    p_follow: float | None = 0.2,
    threshold: float | Literal["uniform"] = "uniform",
    attrition_old: float = 0.0,
    attrition_new: float = 0.0,
    backfill: float = 0.0,
    steps: int = 20,
    first_movers: int | list[Any] = 5,
    p_refollow: float = 0.8,
    start: Any = "2022-11-01",
    period_days: int = 1,
    skew: float = 0.7,
    seed: int | np.random.Generator | None = None,
) -> MigrationData:
    """A migration from known parameters, as :func:`read_migration` would return it.

    Parameters
    ----------
    graph : Graph or int
        The old follow graph (edges followee -> follower), or a number of people for
        :func:`random_follow_graph`.
    follow : {"cascade", "threshold"}
        How people follow, as in :class:`downline.cascade.Migration`.
    p_follow : float or None, default 0.2
        Cascade: chance per step that a person who moved in the previous step (and is
        still on the new platform) takes each follower along; None uses the graph's edge
        probabilities.
    threshold : float or "uniform"
        Threshold mode: the share of followees who moved that a person needs (uniform on
        (0, 1] per person by default).
    attrition_old, attrition_new : float
        Chance per step that a member of the old / new platform drops out.
    backfill : float
        Chance per step that each new-platform member brings one newcomer.
    steps : int, default 20
        Steps after step 0 (the first movers' jump). One step lasts ``period_days``.
    first_movers : int or list, default 5
        The first movers' ids, or how many of the most-followed people move first.
    p_refollow : float, default 0.8
        Chance that a mover re-follows, on the new platform, each old followee who moved.
    start : date-like
        Date of step 0.
    period_days : int, default 1
        Length of a step in days.
    skew : float, default 0.7
        Popularity skew of the random graph when ``graph`` is a number (see
        :func:`random_follow_graph`); lower values give slower, longer cascades.
    seed : int or Generator, optional

    Returns
    -------
    MigrationData
        With ``params`` holding the true parameters and ``observed_until`` the day after
        the last step.

    Notes
    -----
    Step order follows the engine: following, then attrition (a mover can drop out at
    the end of the step they moved; first movers from step 1; newcomers from the step
    after they join), then backfill (newcomers attach to a mover with weight
    ``1 + followers + newcomers attached``). A drop-out at the end of step ``d`` is last
    seen on the date of step ``d``; movers are last seen on the old platform when they
    move.

    Examples
    --------
    >>> data = generate_migration(300, p_follow=0.3, attrition_new=0.05, steps=10, seed=2)
    >>> data.params["p_follow"], bool(len(data.movers) > 5)
    (0.3, True)
    """
    rng = np.random.default_rng(seed)
    if not isinstance(graph, Graph):
        graph = random_follow_graph(int(graph), skew=skew, seed=rng)
    for name, value in (("attrition_old", attrition_old), ("attrition_new", attrition_new),
                        ("backfill", backfill), ("p_refollow", p_refollow)):
        if not 0.0 <= float(value) <= 1.0:
            raise ParameterError(f"{name} must be in [0, 1], not {value}", field=name)
    if follow not in ("cascade", "threshold"):
        raise ParameterError(f"follow must be 'cascade' or 'threshold', not {follow!r}",
                             field="follow")
    if p_follow is not None and not 0.0 <= float(p_follow) <= 1.0:
        raise ParameterError(f"p_follow must be in [0, 1], not {p_follow}", field="p_follow")
    n, steps = graph.n, int(steps)
    indptr, indices = graph.indptr, graph.indices.astype(np.int64)
    src = np.repeat(np.arange(n), np.diff(indptr))
    probs = np.full(indices.shape[0], float(p_follow)) if p_follow is not None \
        else graph.probs.astype(np.float64)
    if isinstance(first_movers, int | np.integer):
        seeds = np.argsort(-graph.out_degree(), kind="stable")[: int(first_movers)]
    else:
        seeds = np.unique(graph.index_of(list(first_movers)).astype(np.int64))

    moved = np.full(n, -1, dtype=np.int64)
    leave_old = _drops(rng, attrition_old, np.ones(n))
    leave_new = np.full(n, NEVER, dtype=np.int64)
    moved[seeds] = 0
    leave_new[seeds] = _drops(rng, attrition_new, np.ones(seeds.shape[0]))
    if follow == "threshold":
        in_w = np.bincount(indices, weights=graph.probs.astype(np.float64), minlength=n)
        share_w = graph.probs / np.where(in_w > 0, in_w, 1.0)[indices]
        theta = 1.0 - rng.random(n) if threshold == "uniform" else np.full(n, float(threshold))
    attached = np.zeros(n, dtype=np.int64)
    followers = np.diff(indptr)
    nc_join: list[int] = []
    nc_leave: list[int] = []
    nc_to: list[int] = []
    for t in range(1, steps + 1):
        if follow == "cascade":
            pos = np.flatnonzero((moved[src] == t - 1) & (leave_new[src] >= t))
            v = indices[pos]
            ok = (moved[v] < 0) & (leave_old[v] >= t) & (rng.random(pos.shape[0]) < probs[pos])
            new = np.unique(v[ok])
        else:
            done = (moved[src] >= 0) & (moved[src] <= t - 1)
            share = np.bincount(indices, weights=share_w * done, minlength=n)
            new = np.flatnonzero((moved < 0) & (leave_old >= t) & (share > 0)
                                 & (share >= theta - 1e-9))
        moved[new] = t
        leave_new[new] = _drops(rng, attrition_new, np.full(new.shape[0], t))
        on_new = (moved >= 0) & (leave_new > t)
        n_on = int(on_new.sum()) + sum(1 for j in nc_leave if j > t)
        recruits = int(rng.binomial(n_on, backfill)) if backfill > 0 else 0
        pool = np.flatnonzero(on_new)
        for _ in range(recruits):
            target = -1
            if pool.size:
                w = 1.0 + followers[pool] + attached[pool]
                target = int(pool[np.searchsorted(np.cumsum(w), rng.random() * w.sum(),
                                                  side="right").clip(max=pool.size - 1)])
                attached[target] += 1
            nc_join.append(t)
            nc_to.append(target)
            nc_leave.append(int(_drops(rng, attrition_new, np.array([t + 1]))[0]))

    start = pd.Timestamp(start).normalize()
    period = pd.Timedelta(days=int(period_days))
    until = start + (steps + 1) * period

    def date(step: np.ndarray) -> pd.DatetimeIndex:
        step = np.asarray(step, dtype=np.int64)
        out = pd.DatetimeIndex(start + np.minimum(step, steps + 1) * period)
        return out.where(step <= steps, until)

    labels = np.array([str(x) for x in graph.labels.tolist()], dtype=object)
    is_mover = moved >= 0
    old_seen = np.where(is_mover, moved, leave_old)
    people = pd.DataFrame({
        "person_id": labels,
        "old_handle": ["@" + x for x in labels],
        "new_handle": np.where(is_mover, [x + "@new.example" for x in labels], None),
        "old_joined": start - pd.to_timedelta(rng.integers(30, 1500, size=n), unit="D"),
        "old_last_seen": date(old_seen),
        "new_joined": pd.DatetimeIndex(date(np.maximum(moved, 0))).where(is_mover),
        "new_last_seen": pd.DatetimeIndex(date(np.where(is_mover, leave_new, 0)))
        .where(is_mover),
        "role": np.where(is_mover, "mover", "stayer"),
    })
    k = len(nc_join)
    nc_ids = [f"n{i:05d}" for i in range(k)]
    newcomers = pd.DataFrame({
        "person_id": nc_ids, "old_handle": None,
        "new_handle": [x + "@new.example" for x in nc_ids],
        "old_joined": pd.NaT, "old_last_seen": pd.NaT,
        "new_joined": date(np.array(nc_join, dtype=np.int64)),
        "new_last_seen": date(np.array(nc_leave, dtype=np.int64)), "role": "newcomer",
    })
    table = pd.concat([people, newcomers], ignore_index=True) if k else people
    table = normalise_people(table.set_index("person_id"))
    old_graph = Graph.from_indices(src, indices, graph.probs, labels, name="old-follows",
                                   meta={"direction": "followee -> follower"})
    # Re-follows on the new platform: movers re-follow moved followees; newcomers follow
    # the mover they joined under.
    both = is_mover[src] & is_mover[indices]
    keep = both & (rng.random(src.shape[0]) < p_refollow)
    all_labels = np.concatenate([labels, np.array(nc_ids, dtype=object)])
    nc_src = np.array(nc_to, dtype=np.int64)
    has = nc_src >= 0
    new_src = np.concatenate([src[keep], nc_src[has]])
    new_dst = np.concatenate([indices[keep], n + np.flatnonzero(has)])
    on_new_ids = np.concatenate([np.flatnonzero(is_mover), n + np.arange(k)])
    remap = np.full(n + k, -1, dtype=np.int64)
    remap[on_new_ids] = np.arange(on_new_ids.shape[0])
    new_graph = Graph.from_indices(remap[new_src], remap[new_dst], np.ones(new_src.shape[0]),
                                   all_labels[on_new_ids], name="new-follows",
                                   meta={"direction": "followee -> follower"})
    params = {"follow": follow, "p_follow": p_follow, "threshold": threshold,
              "attrition_old": attrition_old, "attrition_new": attrition_new,
              "backfill": backfill, "steps": steps, "first_movers": labels[seeds].tolist(),
              "p_refollow": p_refollow, "start": str(start.date()),
              "period_days": int(period_days),
              "seed": seed if isinstance(seed, int | None) else "generator"}
    report = ValidationReport(pd.DataFrame(columns=["kind", "table", "line", "field", "value",
                                                    "detail"]), {"members": len(table)}, 0)
    return MigrationData(table, old_graph, new_graph, until, report, params)
