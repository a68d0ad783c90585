"""Adoption endpoints: Bass fit and forecast, Rogers categories and the chasm, as a job."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, model_validator

from downline.adoption import AdoptionRecord, adoption_record, analyze_adoption, load_example
from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_jobs
from downline.api.jobs import JobManager, Progress, WorkResult
from downline.api.routers._common import NAME_PATTERN, JobOut
from downline.errors import InputError

router = APIRouter(prefix="/api/adoption", tags=["adoption"])

Example = Literal["textbook", "room_air_conditioners", "clothes_dryers", "color_televisions"]


class AdoptionRequest(BaseModel):
    """Fit the Bass model and split adopters into Rogers' categories.

    The adoption record comes from exactly one source: a genealogy (its join dates), a
    stored simulation or migration result (its mean curve), a shipped example series, or
    adopters per period given inline.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"genealogy": "sample-company", "freq": "M", "horizon": 12},
        {"example": "room_air_conditioners", "horizon": 5},
        {"adopters": [96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586], "horizon": 6}]})

    genealogy: str | None = Field(None, pattern=NAME_PATTERN)
    result_id: int | None = Field(None, ge=1, le=2**62)
    example: Example | None = None
    adopters: list[Annotated[float, Field(ge=0, le=1e12)]] | None = Field(
        None, min_length=3, max_length=10_000)
    freq: Literal["D", "W", "M", "Q", "Y"] | None = Field(None, description="Period for "
                                                         "join dates; default automatic")
    horizon: int = Field(12, ge=0, le=500)
    rogers_method: Literal["sd", "quantile"] = "sd"

    @model_validator(mode="after")
    def _one_source(self) -> AdoptionRequest:
        given = [self.genealogy, self.result_id, self.example, self.adopters]
        if sum(x is not None for x in given) != 1:
            raise ValueError("give exactly one of genealogy, result_id, example or adopters")
        return self


def _source(body: AdoptionRequest, guard: WorkspaceGuard) -> tuple[AdoptionRecord, str]:
    """The record to fit, built (and checked against the bounds) before the job queues."""
    source, subject = _source_args(body, guard)
    return adoption_record(**source), subject


def _source_args(body: AdoptionRequest, guard: WorkspaceGuard) -> tuple[dict[str, Any], str]:
    if body.genealogy is not None:
        gen = guard.genealogy(body.genealogy)
        times = pd.Series(pd.to_datetime(gen.joined_at), index=[str(i) for i in gen.ids])
        return {"times": times, "freq": body.freq}, body.genealogy
    if body.result_id is not None:
        result = guard.result(body.result_id)
        curve = result["payload"].get("curve")
        if not isinstance(curve, list):
            raise InputError(f"result {body.result_id} has no adoption curve (a {result['kind']}"
                             " result)", field="result_id")
        return {"cumulative": np.asarray(curve, dtype=np.float64)}, f"result-{body.result_id}"
    if body.example is not None:
        frame = load_example(body.example)
        return {"adopters": frame["adopters"].to_numpy(dtype=np.float64),
                "periods": frame["period"].to_numpy()}, body.example
    return {"adopters": np.asarray(body.adopters, dtype=np.float64)}, "inline"


@router.post("/fit", status_code=202, response_model=JobOut, summary="Fit Bass and Rogers")
def start_fit(
    body: AdoptionRequest,
    guard: Annotated[WorkspaceGuard, Depends(get_guard)],
    jobs: Annotated[JobManager, Depends(get_jobs)],
) -> dict:
    """Queue a fit; the result is :meth:`downline.adoption.AdoptionAnalysis.to_dict`: the
    data, Bass parameters with intervals, the forecast with confidence and prediction
    bands, the Rogers categories, the chasm test and a plain verdict on the fit.

    A record past a stated bound (periods, adopters) is refused at once with 413."""
    record, subject = _source(body, guard)
    params = body.model_dump()

    def work(progress: Progress) -> WorkResult:
        out = analyze_adoption(record, horizon=body.horizon, rogers_method=body.rogers_method,
                               progress=progress).to_dict()
        return {"source": subject, **out}, subject, params

    return jobs.submit("adoption", work, subject=subject, params=params).to_dict()
