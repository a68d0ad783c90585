"""Sponsor trees (genealogies) of direct-selling companies.

A :class:`Genealogy` is an immutable forest built from a member table
(``member_id, sponsor_id, joined_at`` and optionally ``left_at, rank, volume``) by
:func:`read_genealogy`. The reports (downline size and depth, levels, legs and leg
balance, activity at a date, recruits and attrition per period or level, volume roll-up)
are plain functions in :mod:`downline.genealogy.reports`; :func:`generate_genealogy`
grows realistic synthetic trees. Follower graphs and cascades live elsewhere
(:mod:`downline.graph`, :mod:`downline.cascade`).

Examples
--------
>>> from downline.genealogy import generate_genealogy, downline_report
>>> gen = generate_genealogy(500, seed=1)
>>> downline_report(gen).size
500
"""

from downline.genealogy.generate import RANKS, generate_genealogy
from downline.genealogy.io import read_genealogy, write_genealogy
from downline.genealogy.reports import (
    AttritionByLevel,
    AttritionByPeriod,
    DownlineReport,
    Leg,
    LevelCount,
    RecruitCounts,
    VolumeRollup,
    attrition,
    data_end,
    depth,
    downline_depth,
    downline_report,
    downline_size,
    recruits_per_period,
    rollup_volume,
)
from downline.genealogy.tree import COLUMNS, REQUIRED_COLUMNS, Genealogy
from downline.genealogy.views import (
    Leader,
    Leaders,
    TreeView,
    focus_member,
    leaders,
    tree_view,
)

__all__ = [
    "COLUMNS",
    "RANKS",
    "REQUIRED_COLUMNS",
    "AttritionByLevel",
    "AttritionByPeriod",
    "DownlineReport",
    "Genealogy",
    "Leader",
    "Leaders",
    "Leg",
    "LevelCount",
    "RecruitCounts",
    "TreeView",
    "VolumeRollup",
    "attrition",
    "data_end",
    "depth",
    "downline_depth",
    "downline_report",
    "downline_size",
    "focus_member",
    "generate_genealogy",
    "leaders",
    "read_genealogy",
    "recruits_per_period",
    "rollup_volume",
    "tree_view",
    "write_genealogy",
]
