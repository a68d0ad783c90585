"""FastAPI dependencies shared by the routers: state access and the auth check."""

from __future__ import annotations

from fastapi import HTTPException, Request

from downline.api._settings import Settings
from downline.api._state import WorkspaceGuard
from downline.api.jobs import JobManager
from downline.api.security import request_authenticated

__all__ = ["get_guard", "get_jobs", "get_settings", "require_auth"]


def get_settings(request: Request) -> Settings:
    """The server's :class:`Settings`."""
    return request.app.state.settings


def get_guard(request: Request) -> WorkspaceGuard:
    """The locked workspace of this process."""
    return request.app.state.guard


def get_jobs(request: Request) -> JobManager:
    """The job manager of this process."""
    return request.app.state.jobs


def require_auth(request: Request) -> None:
    """Refuse (401) a request without valid credentials when the server has a token."""
    if not request_authenticated(request):
        raise HTTPException(
            status_code=401,
            detail="authentication required: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
