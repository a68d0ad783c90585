"""Views of a genealogy for people who browse it: the top of the tree, leaders, subtrees.

The dashboard, the API and the CLI open a genealogy in the same place:
:func:`focus_member` is the member a report is about when none is named (the founder of
a single-founder company, so that "legs" are the founder's frontline legs on every face,
not one synthetic leg holding everyone), :func:`leaders` ranks members by downline and
:func:`tree_view` gives a member's downline a few levels deep, largest legs first. Each
returns a frozen result with ``to_dict()``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from downline.errors import ParameterError
from downline.genealogy.tree import Genealogy, _plain

__all__ = ["Leader", "Leaders", "TreeView", "focus_member", "leaders", "tree_view"]


def focus_member(gen: Genealogy, member: Hashable | None = None) -> Hashable | None:
    """The member a report is about: ``member`` itself, else the founder when the
    genealogy has exactly one root, else None (the whole company, roots as frontline).

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
    ...     "sponsor_id": [None, 1, 1], "joined_at": ["2024-01-01"] * 3}))
    >>> focus_member(gen), focus_member(gen, 2)
    (1, 2)
    """
    if member is not None and not (isinstance(member, str) and not member.strip()):
        return member.strip() if isinstance(member, str) else member
    if gen.n and gen.root_index.shape[0] == 1:
        return _plain(gen.ids[int(gen.root_index[0])])
    return None


@dataclass(frozen=True)
class Leader:
    """One member by the size of their downline."""

    id: Any
    downline: int
    levels: int
    frontline: int
    active: bool

    def to_dict(self) -> dict[str, Any]:
        """The row as plain values."""
        return {"id": self.id, "downline": self.downline, "levels": self.levels,
                "frontline": self.frontline, "active": self.active}


@dataclass(frozen=True)
class Leaders:
    """The members with the largest downlines, largest first."""

    rows: tuple[Leader, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"leaders": [row, ...]}``."""
        return {"leaders": [r.to_dict() for r in self.rows]}


def leaders(gen: Genealogy, top: int = 20) -> Leaders:
    """The ``top`` members by downline size (ties in tree order), with the levels below
    them, their frontline and whether they are still active.

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3, 4],
    ...     "sponsor_id": [None, 1, 1, 2], "joined_at": ["2024-01-01"] * 4}))
    >>> [(r.id, r.downline, r.levels) for r in leaders(gen, 2).rows]
    [(1, 3, 2), (2, 1, 1)]
    """
    if int(top) < 1:
        raise ParameterError("top must be at least 1", field="top")
    size = gen.subtree_size.astype(np.int64) - 1
    order = np.argsort(-size, kind="stable")[: int(top)]
    front = np.diff(gen.child_offsets)
    return Leaders(tuple(
        Leader(_plain(gen.ids[i]), int(size[i]), int(gen.height[i]), int(front[i]),
               bool(np.isnat(gen.left_at[i])))
        for i in order.tolist()))


@dataclass(frozen=True)
class TreeView:
    """A member's downline as nested nodes (see :func:`tree_view`)."""

    root: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The nested nodes: ``id``, ``downline``, ``frontline``, ``active``,
        ``joined_at``, ``rank``, ``children``, ``hidden_children`` and ``upline``."""
        return self.root


def _node(gen: Genealogy, i: int, depth: int, max_children: int) -> dict[str, Any]:
    kids = gen.children[gen.child_offsets[i]:gen.child_offsets[i + 1]]
    node: dict[str, Any] = {
        "id": _plain(gen.ids[i]),
        "downline": int(gen.subtree_size[i]) - 1,
        "frontline": int(kids.shape[0]),
        "active": bool(np.isnat(gen.left_at[i])),
        "joined_at": str(gen.joined_at[i]),
        "rank": None if gen.rank is None else _plain(gen.rank[i]),
    }
    if depth > 0 and kids.shape[0]:
        order = kids[np.argsort(-gen.subtree_size[kids], kind="stable")]
        node["children"] = [_node(gen, int(c), depth - 1, max_children)
                            for c in order[:max_children]]
        node["hidden_children"] = max(0, int(kids.shape[0]) - max_children)
    return node


def tree_view(gen: Genealogy, member: Hashable | None = None, *, depth: int = 2,
              max_children: int = 25) -> TreeView:
    """``member``'s downline ``depth`` levels deep, at most ``max_children`` legs per
    member, largest legs first, with the member's upline.

    Without a member the view opens on :func:`focus_member` (the founder), or on the
    company with its roots as frontline when there are several.

    Examples
    --------
    >>> import pandas as pd
    >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3, 4],
    ...     "sponsor_id": [None, 1, 1, 2], "joined_at": ["2024-01-01"] * 4}))
    >>> view = tree_view(gen, depth=1).to_dict()
    >>> view["id"], [c["id"] for c in view["children"]], view["upline"]
    (1, [2, 3], [])
    """
    if not 0 <= int(depth) <= 6 or int(max_children) < 1:
        raise ParameterError("depth must be 0 to 6 and max_children at least 1",
                             field="depth")
    who = focus_member(gen, member)
    if who is not None:
        root = _node(gen, gen.index_of(who), int(depth), int(max_children))
        root["upline"] = [_plain(u) for u in gen.upline(who).tolist()]
        return TreeView(root)
    roots = gen.root_index[np.argsort(-gen.subtree_size[gen.root_index], kind="stable")]
    return TreeView({
        "id": None, "downline": gen.n, "frontline": int(roots.shape[0]), "active": True,
        "children": [_node(gen, int(r), max(int(depth) - 1, 0), int(max_children))
                     for r in roots[: int(max_children)]],
        "hidden_children": max(0, int(roots.shape[0]) - int(max_children)), "upline": []})
