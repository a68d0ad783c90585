"""Influence endpoints: rank influencers by several methods, as a job."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_jobs
from downline.api.jobs import JobManager, Progress, WorkResult
from downline.api.routers._common import NAME_PATTERN, JobOut
from downline.errors import ParameterError
from downline.influence import influencer_report

router = APIRouter(prefix="/api/influence", tags=["influence"])

Method = Literal["opim-c", "hist", "imm", "celf", "degree", "degree-discount", "pagerank",
                 "kcore"]


class InfluencersRequest(BaseModel):
    """Who carries the downline: ``k`` seeds per method, each with its expected spread."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"network": "email-Eu-core", "k": 10, "methods": ["opim-c", "degree", "pagerank"],
         "model": "ic", "weights": "wc", "runs": 1000, "seed": 7}]})

    network: str | None = Field(None, pattern=NAME_PATTERN,
                                description="A network in the workspace")
    genealogy: str | None = Field(None, pattern=NAME_PATTERN, description="Or a genealogy: "
                                  "its sponsor tree, every edge with probability p")
    p: float = Field(0.5, ge=0, le=1, description="Edge probability on a sponsor tree")
    k: int = Field(10, ge=1, le=200, description="Seeds per method")
    methods: list[Method] = Field(default=["opim-c", "degree", "pagerank"], min_length=1,
                                  max_length=8, description="The first one's seeds are the "
                                  "answer; OPIM-C, HIST and IMM carry a guarantee; CELF is "
                                  "slow: small graphs")
    model: Literal["ic", "lt"] = "ic"
    weights: str | None = Field("wc", max_length=40, description="Edge-probability scheme: "
                                "wc, uniform:P, trivalency, or null for the stored ones")
    eps: float = Field(0.2, ge=0.05, le=0.9, description="Approximation slack of "
                     "OPIM-C, HIST and IMM")
    runs: int = Field(1000, ge=10, le=20000, description="Monte Carlo runs measuring spread")
    seed: int | None = Field(None, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _one_source(self) -> InfluencersRequest:
        if (self.network is None) == (self.genealogy is None):
            raise ValueError("give exactly one of network or genealogy")
        return self


@router.post("/jobs", status_code=202, response_model=JobOut, summary="Rank influencers")
def start_influencers(
    body: InfluencersRequest,
    guard: Annotated[WorkspaceGuard, Depends(get_guard)],
    jobs: Annotated[JobManager, Depends(get_jobs)],
) -> dict:
    """Queue a leaderboard job; the result is
    :meth:`downline.influence.InfluencerReport.to_dict` (every method's seeds and their
    Monte Carlo spread, measured the same way) with the network or genealogy named."""
    if body.network is not None:
        graph = guard.graph(body.network)
        if body.weights:
            graph = graph.with_weights(body.weights, seed=body.seed)
    else:
        assert body.genealogy is not None
        graph = guard.genealogy(body.genealogy).to_graph(p=body.p)
    subject = body.network or body.genealogy
    if body.k > graph.n:
        raise ParameterError(f"k={body.k} exceeds the {graph.n} nodes of the network",
                             field="k")
    params = body.model_dump()

    def work(progress: Progress) -> WorkResult:
        report = influencer_report(graph, body.k, model=body.model,
                                   methods=list(dict.fromkeys(body.methods)), eps=body.eps,
                                   mc_runs=body.runs, seed=body.seed, progress=progress)
        source = {"network": body.network, "genealogy": body.genealogy}
        return {**source, **report.to_dict()}, subject, params

    return jobs.submit("influencers", work, subject=subject, params=params).to_dict()
