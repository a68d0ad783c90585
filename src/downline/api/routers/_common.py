"""Pieces shared by the routers: name patterns, job answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path as PathParam
from pydantic import BaseModel, Field

__all__ = ["NAME_PATTERN", "JobOut", "Name", "ResultId"]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"

Name = Annotated[str, PathParam(pattern=NAME_PATTERN, description="A workspace name",
                                examples=["email-Eu-core"])]

ResultId = Annotated[int, PathParam(ge=1, le=2**62, description="A stored result's id",
                                    examples=[1])]


class JobOut(BaseModel):
    """An analysis job: poll ``/api/jobs/{id}`` until ``state`` is done, failed or cancelled."""

    id: str = Field(examples=["3f2a9c1b7d4e"])
    kind: str = Field(examples=["simulate"])
    subject: str | None = Field(default=None, examples=["email-Eu-core"])
    params: dict[str, Any] = Field(default_factory=dict)
    state: str = Field(examples=["running"],
                       description="queued, running, done, failed or cancelled")
    progress: float = Field(ge=0, le=1, examples=[0.4])
    message: str = ""
    result_id: int | None = Field(default=None, description="Stored result, once done")
    error: str | None = None
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
