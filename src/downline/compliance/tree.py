"""Where a post sits in the sponsor tree: member index, leg, uplines, downline counts.

Every function works on whole arrays of member indices at once, through the tree's
pre-order (Euler tour) arrays ``tin`` and ``subtree_size`` and its ``parent`` array; none
walks the tree per post in Python. Rates and their intervals are here too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from downline.common.intervals import wilson
from downline.genealogy import Genealogy

__all__ = [
    "downline_counts",
    "leg_index",
    "member_index",
    "qualified_upline",
    "upline_pairs",
    "wilson",
]


def member_index(gen: Genealogy, members: Sequence[object]) -> np.ndarray:
    """Dense indices of member ids given as text (-1 for an id not in the tree).

    Examples
    --------
    >>> from downline.genealogy import generate_genealogy
    >>> member_index(generate_genealogy(5, seed=1), ["1", "5", "9"]).tolist()
    [0, 4, -1]
    """
    keys = pd.Index([str(v) for v in gen.ids.tolist()])
    return keys.get_indexer(pd.Index([str(m) for m in members])).astype(np.int64)


def leg_index(gen: Genealogy, idx: np.ndarray) -> np.ndarray:
    """The leg of each member: their ancestor on level 1 below a founder (the founders'
    frontline); a founder is their own leg.

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3, 4],
    ...     "sponsor_id": [None, 1, 2, 1], "joined_at": ["2024-01-01"] * 4}))
    >>> leg_index(gen, np.array([0, 1, 2, 3])).tolist()
    [0, 1, 1, 3]
    """
    idx = np.asarray(idx, dtype=np.int64)
    heads = np.flatnonzero(gen.depth == 1)
    heads = heads[np.argsort(gen.tin[heads])]
    out = idx.copy()
    if heads.size == 0 or idx.size == 0:
        return out
    starts = gen.tin[heads].astype(np.int64)
    pos = np.searchsorted(starts, gen.tin[idx], side="right") - 1
    ok = pos >= 0
    head = heads[np.where(ok, pos, 0)]
    inside = ok & (gen.tin[idx] < starts[np.where(ok, pos, 0)] + gen.subtree_size[head])
    out[inside] = head[inside]
    return out


def upline_pairs(gen: Genealogy, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (item, upline, distance) triple: for item ``k`` of member ``idx[k]``, each of
    the member's uplines and how many levels above them it is (1 = the sponsor).

    One vectorised step per level of the tree (the tree's depth, not the items, sets the
    number of steps).

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
    ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
    >>> [a.tolist() for a in upline_pairs(gen, np.array([2]))]
    [[0, 0], [1, 0], [1, 2]]
    """
    idx = np.asarray(idx, dtype=np.int64)
    items, ups, dists = [], [], []
    rows = np.arange(idx.size, dtype=np.int64)
    cur = gen.parent[idx].astype(np.int64)
    distance = 1
    while rows.size:
        alive = cur >= 0
        rows, cur = rows[alive], cur[alive]
        if not rows.size:
            break
        items.append(rows)
        ups.append(cur)
        dists.append(np.full(rows.size, distance, dtype=np.int32))
        cur = gen.parent[cur].astype(np.int64)
        distance += 1
    if not items:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.int32)
    return np.concatenate(items), np.concatenate(ups), np.concatenate(dists)


def downline_counts(gen: Genealogy, idx: np.ndarray, weights: np.ndarray | None = None
                    ) -> np.ndarray:
    """For every member, the number (or summed weight) of items posted in their downline,
    their own excluded, by prefix sums over the pre-order.

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
    ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
    >>> downline_counts(gen, np.array([2, 2, 1])).tolist()
    [3.0, 2.0, 0.0]
    """
    idx = np.asarray(idx, dtype=np.int64)
    w = np.ones(idx.size) if weights is None else np.asarray(weights, dtype=np.float64)
    at_pos = np.bincount(gen.tin[idx], weights=w, minlength=gen.n)
    prefix = np.concatenate(([0.0], np.cumsum(at_pos)))
    start = gen.tin.astype(np.int64)
    total = prefix[start + gen.subtree_size] - prefix[start]
    own = np.bincount(idx, weights=w, minlength=gen.n)
    return total - own


def qualified_upline(gen: Genealogy, idx: np.ndarray, rank_order: Sequence[str],
                     qualified_rank: str | None) -> np.ndarray:
    """For each member, the nearest upline (the sponsor first) who holds ``qualified_rank``
    or a higher one in ``rank_order`` and has not left; the founder when none does, -1 for
    a founder. Without ranks in the tree (or ``qualified_rank`` None), the sponsor.

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
    ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3,
    ...     "rank": ["Gold", "Bronze", "Distributor"]}))
    >>> qualified_upline(gen, np.array([2]), ["Distributor", "Bronze", "Gold"], "Gold").tolist()
    [0]
    """
    idx = np.asarray(idx, dtype=np.int64)
    sponsor = gen.parent[idx].astype(np.int64)
    if gen.rank is None or qualified_rank is None:
        return sponsor
    level = {name: i for i, name in enumerate(rank_order)}
    need = level.get(qualified_rank, len(rank_order))
    member_level = np.array([level.get(r, -1) for r in gen.rank.tolist()], dtype=np.int64)
    qualified = (member_level >= need) & np.isnat(gen.left_at)
    out = np.full(idx.size, -1, dtype=np.int64)
    cur = sponsor.copy()
    todo = cur >= 0
    last = cur.copy()
    while todo.any():
        hit = todo & qualified[np.where(cur >= 0, cur, 0)]
        out[hit] = cur[hit]
        todo &= ~hit
        last = np.where(todo, cur, last)
        cur = np.where(todo, gen.parent[np.where(cur >= 0, cur, 0)], cur)
        todo &= cur >= 0
    missing = (out < 0) & (sponsor >= 0)
    out[missing] = last[missing]
    return out
