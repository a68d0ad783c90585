"""Genealogy endpoints: downline reports, the tree explorer, recruits and attrition."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, Query

from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard
from downline.api.routers._common import Name
from downline.common.serialize import to_jsonable as jsonable
from downline.genealogy import Genealogy, attrition, downline_report, recruits_per_period

router = APIRouter(prefix="/api/genealogies", tags=["genealogy"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Member = Annotated[str | None, Query(max_length=200, description="A member id; whole company "
                                     "when omitted", examples=["1"])]
Freq = Annotated[Literal["D", "W", "M", "Q", "Y"], Query(description="Period length")]


@router.get("/{name}/report", summary="Downline report of a member")
def report(name: Name, guard: Guard, member: Member = None,
           at: Annotated[str | None, Query(max_length=40, examples=["2024-12-31"])] = None,
           ) -> dict[str, Any]:
    """Size, depth, levels, legs, leg balance, activity and volume of a downline."""
    gen = guard.genealogy(name)
    return jsonable(downline_report(gen, _member(member), at=at or None).to_dict())


def _member(member: str | None) -> str | None:
    return member.strip() if member and member.strip() else None


@router.get("/{name}/leaders", summary="Members with the largest downlines")
def leaders(name: Name, guard: Guard,
            top: Annotated[int, Query(ge=1, le=500)] = 20) -> list[dict[str, Any]]:
    """The ``top`` members by downline size, with depth below them and frontline size."""
    gen = guard.genealogy(name)
    size = gen.subtree_size.astype(np.int64) - 1
    order = np.argsort(-size, kind="stable")[:top]
    front = np.diff(gen.child_offsets)
    return [{"id": jsonable(gen.ids[i]), "downline": int(size[i]), "levels": int(gen.height[i]),
             "frontline": int(front[i]), "active": bool(np.isnat(gen.left_at[i]))}
            for i in order.tolist()]


def _node(gen: Genealogy, i: int, depth: int, max_children: int) -> dict[str, Any]:
    kids = gen.children[gen.child_offsets[i]:gen.child_offsets[i + 1]]
    node: dict[str, Any] = {
        "id": jsonable(gen.ids[i]),
        "downline": int(gen.subtree_size[i]) - 1,
        "frontline": int(kids.shape[0]),
        "active": bool(np.isnat(gen.left_at[i])),
        "joined_at": str(gen.joined_at[i]),
        "rank": None if gen.rank is None else jsonable(gen.rank[i]),
    }
    if depth > 0 and kids.shape[0]:
        order = kids[np.argsort(-gen.subtree_size[kids], kind="stable")]
        node["children"] = [_node(gen, int(c), depth - 1, max_children)
                            for c in order[:max_children]]
        node["hidden_children"] = max(0, int(kids.shape[0]) - max_children)
    return node


@router.get("/{name}/tree", summary="Tree explorer")
def tree(name: Name, guard: Guard, member: Member = None,
         depth: Annotated[int, Query(ge=0, le=6)] = 2,
         max_children: Annotated[int, Query(ge=1, le=200)] = 25) -> dict[str, Any]:
    """A member's downline as nested nodes, ``depth`` levels deep, largest legs first.

    Without a member the top of the tree holds the roots (the company).
    """
    gen = guard.genealogy(name)
    who = _member(member)
    if who is not None:
        root = _node(gen, gen.index_of(who), depth, max_children)
        root["upline"] = [jsonable(u) for u in gen.upline(who).tolist()]
        return root
    roots = gen.root_index[np.argsort(-gen.subtree_size[gen.root_index], kind="stable")]
    return {"id": None, "downline": gen.n, "frontline": int(roots.shape[0]), "active": True,
            "children": [_node(gen, int(r), max(depth - 1, 0), max_children)
                         for r in roots[:max_children]],
            "hidden_children": max(0, int(roots.shape[0]) - max_children), "upline": []}


@router.get("/{name}/recruits", summary="Recruits per period")
def recruits(name: Name, guard: Guard, member: Member = None, freq: Freq = "M"
             ) -> dict[str, Any]:
    """New members per period in a downline (or the company), zero-filled."""
    return jsonable(recruits_per_period(guard.genealogy(name), freq, _member(member)).to_dict())


@router.get("/{name}/attrition", summary="Attrition per period or per level")
def attrition_table(name: Name, guard: Guard, member: Member = None, freq: Freq = "M",
                    by: Annotated[Literal["period", "level"], Query()] = "period",
                    ) -> dict[str, Any]:
    """Who left a downline: per period (rate = left / active at start) or per level."""
    gen = guard.genealogy(name)
    return jsonable(attrition(gen, freq, by=by, member=_member(member)).to_dict())
