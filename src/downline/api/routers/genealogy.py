"""Genealogy endpoints: downline reports, the tree explorer, recruits and attrition."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard
from downline.api.routers._common import Name
from downline.common.serialize import to_jsonable as jsonable
from downline.genealogy import (
    attrition,
    downline_report,
    focus_member,
    leaders,
    recruits_per_period,
    tree_view,
)

router = APIRouter(prefix="/api/genealogies", tags=["genealogy"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Member = Annotated[str | None, Query(max_length=200, description="A member id; whole company "
                                     "when omitted", examples=["1"])]
Freq = Annotated[Literal["D", "W", "M", "Q", "Y"], Query(description="Period length")]


@router.get("/{name}/report", summary="Downline report of a member")
def report(name: Name, guard: Guard, member: Member = None,
           at: Annotated[str | None, Query(max_length=40, examples=["2024-12-31"])] = None,
           ) -> dict[str, Any]:
    """Size, depth, levels, legs, leg balance, activity and volume of a downline.

    Without a member: the founder's downline when the company has one founder
    (:func:`downline.genealogy.focus_member`), the same figures the CLI prints."""
    gen = guard.genealogy(name)
    return jsonable(downline_report(gen, focus_member(gen, member), at=at or None).to_dict())


@router.get("/{name}/leaders", summary="Members with the largest downlines")
def get_leaders(name: Name, guard: Guard,
                top: Annotated[int, Query(ge=1, le=500)] = 20) -> dict[str, Any]:
    """:func:`downline.genealogy.leaders`: the ``top`` members by downline size, with
    the levels below them and their frontline."""
    return jsonable(leaders(guard.genealogy(name), top).to_dict())


@router.get("/{name}/tree", summary="Tree explorer")
def tree(name: Name, guard: Guard, member: Member = None,
         depth: Annotated[int, Query(ge=0, le=6)] = 2,
         max_children: Annotated[int, Query(ge=1, le=200)] = 25) -> dict[str, Any]:
    """:func:`downline.genealogy.tree_view`: a member's downline as nested nodes,
    ``depth`` levels deep, largest legs first (the founder's without a member)."""
    gen = guard.genealogy(name)
    return jsonable(tree_view(gen, member, depth=depth, max_children=max_children).to_dict())


@router.get("/{name}/recruits", summary="Recruits per period")
def recruits(name: Name, guard: Guard, member: Member = None, freq: Freq = "M"
             ) -> dict[str, Any]:
    """New members per period in a downline (or the company), zero-filled."""
    gen = guard.genealogy(name)
    return jsonable(recruits_per_period(gen, freq, focus_member(gen, member)).to_dict())


@router.get("/{name}/attrition", summary="Attrition per period or per level")
def attrition_table(name: Name, guard: Guard, member: Member = None, freq: Freq = "M",
                    by: Annotated[Literal["period", "level"], Query()] = "period",
                    ) -> dict[str, Any]:
    """Who left a downline: per period (rate = left / active at start) or per level."""
    gen = guard.genealogy(name)
    return jsonable(attrition(gen, freq, by=by, member=focus_member(gen, member)).to_dict())
