"""Influencer ranking: who to seed so that an adoption spreads furthest.

Reverse influence sampling (:func:`imm`, :func:`opim_c`, :func:`hist`) for the
(1 - 1/e - eps) guarantee; a CELF greedy with Monte Carlo and cheap heuristics (degree,
degree discount, PageRank, k-core) as baselines; every node's individual :func:`reach`; and the
side-by-side :func:`influencer_report`. Cascade simulation itself lives in
:mod:`downline.cascade`.
"""

from downline.influence.baselines import (
    celf,
    degree_discount,
    degree_ranking,
    kcore_ranking,
    pagerank_ranking,
)
from downline.influence.ego import EgoNetwork, ego_network
from downline.influence.hist import hist
from downline.influence.imm import imm, imm_plan, opim_c
from downline.influence.reach import Reach, reach
from downline.influence.report import (
    DEFAULT_METHODS,
    METHODS,
    InfluencerReport,
    check_report_options,
    influencer_report,
)
from downline.influence.rrsets import RRSets, sample_chunk
from downline.influence.seedset import SeedSet
from downline.influence.warmup import warmup

__all__ = [
    "DEFAULT_METHODS",
    "METHODS",
    "EgoNetwork",
    "InfluencerReport",
    "RRSets",
    "Reach",
    "SeedSet",
    "celf",
    "check_report_options",
    "degree_discount",
    "degree_ranking",
    "ego_network",
    "hist",
    "imm",
    "imm_plan",
    "influencer_report",
    "kcore_ranking",
    "opim_c",
    "pagerank_ranking",
    "reach",
    "sample_chunk",
    "warmup",
]
