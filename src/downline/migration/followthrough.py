"""Per-influencer follow-through: whose followers moved after them, and how fast.

For every mover ``u``, :func:`follow_through` looks at ``u``'s old-platform followers
who had not moved yet when ``u`` moved (and were still active): the share who moved
after ``u`` (with a Wilson interval), the share of those who re-followed ``u`` on the new
platform (when that graph is known), the lag in days, and the lift over the base rate:
the share of everyone else at risk at the same date who moved in the same window (from
``u``'s move to the end of the data). The table is ranked by the number of followers who
moved after ``u``. Who was exposed to whom at moving time lives in
:mod:`downline.migration.exposure`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from downline.common.intervals import wilson
from downline.errors import ParameterError
from downline.migration.io import MigrationData

__all__ = ["follow_through"]

_COLUMNS = ["person_id", "moved_at", "followers", "moved_before", "at_risk", "moved_after",
            "share", "share_low", "share_high", "base_rate", "lift", "refollowed",
            "refollow_share", "lag_median_days", "lag_q25_days", "lag_q75_days"]



def follow_through(
    data: MigrationData,
    *,
    top: int | None = None,
    min_followers: int = 1,
    sort: Literal["moved_after", "share", "lift"] = "moved_after",
) -> pd.DataFrame:
    """Rank movers by how much of their old-platform following moved after them.

    Parameters
    ----------
    data : MigrationData
    top : int, optional
        Keep the first ``top`` rows.
    min_followers : int, default 1
        Leave out movers with fewer followers at risk.
    sort : {"moved_after", "share", "lift"}
        Ranking column (ties broken by the share, then the id).

    Returns
    -------
    DataFrame
        One row per mover: ``person_id, moved_at, followers`` (all old followers),
        ``moved_before`` (moved on or before ``u``'s date), ``at_risk`` (the others still
        active then), ``moved_after``, ``share = moved_after / at_risk`` with
        ``share_low, share_high`` (Wilson 95%), ``base_rate`` (same share among everyone
        else at risk), ``lift = share / base_rate``, ``refollowed`` and
        ``refollow_share`` (of those who moved after, how many follow ``u`` on the new
        platform; NaN without the new graph) and the lag quartiles in days.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(500, p_follow=0.4, steps=10, first_movers=1, seed=1)
    >>> table = follow_through(data, top=3)
    >>> bool(table["lift"].iloc[0] > 1), list(table.columns[:3])
    (True, ['person_id', 'moved_at', 'followers'])
    """
    if sort not in ("moved_after", "share", "lift"):
        raise ParameterError(f"sort must be 'moved_after', 'share' or 'lift', not {sort!r}",
                             field="sort")
    g = data.graph
    n = g.n
    origin = data.movers.iloc[0] if len(data.movers) else data.observed_until
    moved = (pd.Series(data.moved_at) - origin) / pd.Timedelta(days=1)
    mv = moved.to_numpy(dtype=np.float64)  # NaN: never moved
    people = data.people.reindex(g.labels)
    seen = ((people["old_last_seen"].fillna(data.observed_until) - origin)
            / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
    is_mover = np.isfinite(mv)
    src = np.repeat(np.arange(n), np.diff(g.indptr))
    dst = g.indices.astype(np.int64)
    e = is_mover[src]
    src, dst = src[e], dst[e]
    t_u, t_v = mv[src], mv[dst]
    before = np.isfinite(t_v) & (t_v <= t_u)
    after = np.isfinite(t_v) & (t_v > t_u)
    at_risk = after | (~np.isfinite(t_v) & (seen[dst] >= t_u))
    count = lambda mask: np.bincount(src[mask], minlength=n)  # noqa: E731
    followers = np.bincount(src, minlength=n)
    n_before, n_risk, n_after = count(before), count(at_risk), count(after)
    # Everyone at risk at time t: movers after t, stayers still active at t.
    mv_sorted = np.sort(mv[is_mover])
    st_seen = np.sort(seen[~is_mover])
    movers = np.flatnonzero(is_mover)
    t = mv[movers]
    all_after = mv_sorted.size - np.searchsorted(mv_sorted, t, side="right")
    all_risk = all_after + (st_seen.size - np.searchsorted(st_seen, t, side="left"))
    other_after = all_after - n_after[movers]
    other_risk = all_risk - n_risk[movers]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = n_after[movers] / n_risk[movers]
        base = other_after / other_risk
        lift = share / base
    lo, hi = wilson(n_after[movers].astype(np.float64), n_risk[movers].astype(np.float64))
    refollowed = np.full(movers.size, np.nan)
    if data.new_graph is not None:
        ng = data.new_graph
        idx = pd.Index(g.labels).get_indexer(ng.labels)
        nsrc = idx[np.repeat(np.arange(ng.n), np.diff(ng.indptr))]
        ndst = idx[ng.indices]
        ok = (nsrc >= 0) & (ndst >= 0)
        keys = nsrc[ok].astype(np.int64) * n + ndst[ok]
        hit = after & np.isin(src * n + dst, keys)
        refollowed = count(hit)[movers].astype(np.float64)
    lags = pd.DataFrame({"u": src[after], "lag": t_v[after] - t_u[after]})
    q = lags.groupby("u")["lag"].quantile([0.25, 0.5, 0.75]).unstack()
    q = q.reindex(movers)
    with np.errstate(divide="ignore", invalid="ignore"):
        refollow_share = refollowed / n_after[movers]
    table = pd.DataFrame({
        "person_id": g.labels[movers],
        "moved_at": pd.to_datetime(data.moved_at[movers]),
        "followers": followers[movers],
        "moved_before": n_before[movers],
        "at_risk": n_risk[movers],
        "moved_after": n_after[movers],
        "share": share, "share_low": lo, "share_high": hi,
        "base_rate": base, "lift": lift,
        "refollowed": refollowed, "refollow_share": refollow_share,
        "lag_median_days": q.get(0.5, pd.Series(np.nan, index=q.index)).to_numpy(),
        "lag_q25_days": q.get(0.25, pd.Series(np.nan, index=q.index)).to_numpy(),
        "lag_q75_days": q.get(0.75, pd.Series(np.nan, index=q.index)).to_numpy(),
    }, columns=_COLUMNS)
    table = table[table["at_risk"] >= int(min_followers)]
    keys = [sort] + (["share"] if sort != "share" else []) + ["person_id"]
    asc = [False] * (len(keys) - 1) + [True]
    table = table.sort_values(keys, ascending=asc, kind="stable", na_position="last")
    table = table.reset_index(drop=True)
    return table.head(int(top)) if top is not None else table
