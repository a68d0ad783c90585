"""Where a post sits in the sponsor tree: member index, leg, qualified upline, downline counts.

Every function works on whole arrays of member indices at once; none walks the tree per
post in Python. Uplines come from the genealogy's own vectorised lookups
(:meth:`Genealogy.upline_on_level`, :meth:`Genealogy.upline_pairs`,
:meth:`Genealogy.nearest_upline`) and its downline sums (:meth:`Genealogy.downline_total`);
what is compliance's own is which upline a case goes to. Rates and their intervals are here too.
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
    """The leg of each member: their upline on level 1 below a founder (the founders'
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
    head = gen.upline_on_level(idx, 1)
    return np.where(head >= 0, head, idx)


def downline_counts(gen: Genealogy, idx: np.ndarray, weights: np.ndarray | None = None
                    ) -> np.ndarray:
    """For every member, the number (or summed weight) of items posted in their downline,
    their own excluded (:meth:`Genealogy.downline_total` of the items per member).

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
    return gen.downline_total(np.bincount(idx, weights=w, minlength=gen.n))


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
    out = gen.nearest_upline(idx, qualified)
    founder = gen.upline_on_level(idx, 0)
    return np.where((out < 0) & (sponsor >= 0), founder, out)
