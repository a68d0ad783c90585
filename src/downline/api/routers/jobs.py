"""Job endpoints: list, poll and cancel analysis jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam

from downline.api.deps import get_jobs
from downline.api.jobs import JobManager
from downline.api.routers._common import JobOut

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

Jobs = Annotated[JobManager, Depends(get_jobs)]
JobId = Annotated[str, PathParam(max_length=64, examples=["3f2a9c1b7d4e"])]


@router.get("", response_model=list[JobOut], summary="List jobs")
def list_jobs(jobs: Jobs) -> list[dict]:
    """Jobs of this server process, newest first."""
    return [job.to_dict() for job in jobs.list()]


@router.get("/{job_id}", response_model=JobOut, summary="Poll a job",
            responses={404: {"description": "Unknown job"}})
def get_job(job_id: JobId, jobs: Jobs) -> dict:
    """State, progress (0..1) and, once done, the stored result id."""
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id!r}")
    return job.to_dict()


@router.post("/{job_id}/cancel", response_model=JobOut, summary="Cancel a job",
             responses={404: {"description": "Unknown job"}})
def cancel_job(job_id: JobId, jobs: Jobs) -> dict:
    """Stop a queued or running job; it ends in state ``cancelled`` at its next progress
    report. Cancelling a finished job changes nothing."""
    job = jobs.cancel(job_id)
    if job is None:
        raise HTTPException(404, f"no job with id {job_id!r}")
    return job.to_dict()
