"""Cascade endpoints: simulate a seed set, or play a what-if migration, as jobs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_jobs
from downline.api.jobs import JobManager, Progress, WorkResult
from downline.api.routers._common import NAME_PATTERN, JobOut
from downline.cascade import Migration, simulate_with_band

router = APIRouter(prefix="/api/cascade", tags=["cascade"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Jobs = Annotated[JobManager, Depends(get_jobs)]
NodeId = Annotated[str, Field(min_length=1, max_length=200)]


class SimulateRequest(BaseModel):
    """Monte Carlo spread of a seed set under independent cascade or linear threshold."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"network": "email-Eu-core", "seeds": ["160", "121"], "model": "ic", "weights": "wc",
         "runs": 2000, "seed": 1}]})

    network: str = Field(pattern=NAME_PATTERN)
    seeds: list[NodeId] = Field(min_length=1, max_length=1000)
    model: Literal["ic", "lt"] = "ic"
    weights: str | None = Field("wc", max_length=40)
    runs: int = Field(1000, ge=1, le=100_000)
    steps: int | None = Field(None, ge=1, le=10_000)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)


@router.post("/simulate", status_code=202, response_model=JobOut, summary="Simulate a cascade")
def start_simulate(body: SimulateRequest, guard: Guard, jobs: Jobs) -> dict:
    """Queue a simulation; the result holds the mean curve with its 95% band."""
    graph = guard.graph(body.network)
    if body.weights:
        graph = graph.with_weights(body.weights, seed=body.seed)
    graph.index_of(body.seeds)
    params = body.model_dump()

    def work(progress: Progress) -> WorkResult:
        out = simulate_with_band(graph, body.model, body.seeds, runs=body.runs, seed=body.seed,
                                 steps=body.steps, progress=progress).to_dict()
        return {"network": body.network, "seeds": body.seeds, **out}, body.network, params

    return jobs.submit("simulate", work, subject=body.network, params=params).to_dict()


class MigrationRequest(BaseModel):
    """What if these leaders leave for another company (or platform)?

    Runs the downline-migration model on a follower network or on a genealogy's sponsor
    tree: first movers jump, their downline follows by cascade or threshold, members
    drop out, newcomers backfill.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"genealogy": "sample-company", "first_movers": ["3", "17"], "follow": "cascade",
         "p": 0.6, "attrition_old": 0.02, "attrition_new": 0.03, "backfill": 0.05,
         "steps": 12, "level_decay": 0.8, "runs": 1000, "seed": 5}]})

    network: str | None = Field(None, pattern=NAME_PATTERN)
    genealogy: str | None = Field(None, pattern=NAME_PATTERN)
    first_movers: list[NodeId] = Field(min_length=1, max_length=500)
    follow: Literal["cascade", "threshold"] = "cascade"
    p: float | None = Field(None, ge=0, le=1, description="One follow probability; null: "
                            "the network's probabilities (weights scheme)")
    threshold: float | None = Field(None, ge=0, le=1, description="Fixed threshold; null: "
                                    "uniform random thresholds")
    attrition_old: float = Field(0.0, ge=0, le=1)
    attrition_new: float = Field(0.0, ge=0, le=1)
    backfill: float = Field(0.0, ge=0, le=1)
    steps: int = Field(10, ge=1, le=200)
    level_decay: float = Field(1.0, ge=0, le=1)
    weights: str | None = Field("wc", max_length=40, description="Scheme for a network")
    runs: int = Field(1000, ge=1, le=50_000)
    seed: int | None = Field(None, ge=0, le=2**32 - 1)

    @model_validator(mode="after")
    def _one_source(self) -> MigrationRequest:
        if (self.network is None) == (self.genealogy is None):
            raise ValueError("give exactly one of network or genealogy")
        return self


@router.post("/migration", status_code=202, response_model=JobOut,
             summary="What-if: leaders leave")
def start_migration(body: MigrationRequest, guard: Guard, jobs: Jobs) -> dict:
    """Queue a migration; the result holds the moved curve with its band, the per-step
    table and the retention of each first mover's downline."""
    if body.network is not None:
        graph = guard.graph(body.network)
        if body.weights:
            graph = graph.with_weights(body.weights, seed=body.seed)
    else:
        assert body.genealogy is not None
        graph = guard.genealogy(body.genealogy).to_graph(p=1.0 if body.p is None else body.p)
    graph.index_of(body.first_movers)
    model = Migration(follow=body.follow, p=body.p,
                      threshold="uniform" if body.threshold is None else body.threshold,
                      attrition_old=body.attrition_old, attrition_new=body.attrition_new,
                      backfill=body.backfill, steps=body.steps, level_decay=body.level_decay)
    subject = body.network or body.genealogy
    params = body.model_dump()

    def work(progress: Progress) -> WorkResult:
        out = simulate_with_band(graph, model, body.first_movers, runs=body.runs,
                                 seed=body.seed, progress=progress).to_dict()
        source = {"network": body.network, "genealogy": body.genealogy}
        return {**source, "first_mover_ids": body.first_movers, "nodes": graph.n,
                "migration": model.to_dict(), **out}, subject, params

    return jobs.submit("migration", work, subject=subject, params=params).to_dict()
