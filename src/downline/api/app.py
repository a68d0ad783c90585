"""The application factory: settings, workspace, jobs, routers, error answers, dashboard.

Errors from :mod:`downline.errors` become JSON answers ``{"detail": ..., "field": ...,
"line": ...}``: a malformed file 400, a request past a stated resource bound 413, any
other bad input 422, an unknown name or id
404, a name already taken 409. Server paths never appear in an answer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from downline import __version__
from downline.api._settings import (
    DEFAULT_MAX_UPLOAD_BYTES,
    LOOPBACK_NAMES,
    Settings,
)
from downline.api._state import WorkspaceGuard
from downline.api.batching import ScreenBatcher
from downline.api.deps import require_auth
from downline.api.jobs import JobManager, default_memory_limit
from downline.api.security import GuardMiddleware, SessionStore, request_authenticated
from downline.errors import (
    DownlineError,
    FormatError,
    InputError,
    LimitError,
    StoreError,
    WorkspaceBusyError,
)
from downline.store import default_workspace_path
from downline.web import DashboardHooks, mount_api_docs, mount_dashboard

__all__ = ["create_app"]

log = logging.getLogger("downline.api")

_DESCRIPTION = """
The `downline` REST API: the same functions as the Python library and the CLI.

* **workspace**: upload networks (edge lists, GraphML, GEXF, Parquet) and genealogies
  (sponsor trees) into the workspace; list, describe and remove them; read stored results.
* **genealogy**: downline reports, tree explorer, recruits and attrition.
* **influence**, **cascade**, **adoption**: analyses run as jobs (`202` + a job to poll at
  `/api/jobs/{id}`, cancellable); results are stored in the workspace.
* **pitch**: screen one post, or a batch file with a downloadable report.

Authentication: when the server has a token, send `Authorization: Bearer <token>`.
"""

_TAGS = [
    {"name": "workspace", "description": "Networks, genealogies and stored results."},
    {"name": "genealogy", "description": "Sponsor-tree reports."},
    {"name": "influence", "description": "Influencer ranking jobs."},
    {"name": "cascade", "description": "Cascade and migration (what-if) jobs."},
    {"name": "adoption", "description": "Bass fit, Rogers categories and the chasm."},
    {"name": "pitch", "description": "Compliance screening of posts."},
    {"name": "compliance", "description": "Posts tied to the tree, cases, reports, library."},
    {"name": "jobs", "description": "Progress and cancellation of analysis jobs."},
    {"name": "service", "description": "Health and login."},
]


def _error_body(exc: InputError) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field is not None:
        body["field"] = str(exc.field)
    if exc.line is not None:
        body["line"] = int(exc.line)
    if exc.path is not None and not Path(exc.path).is_absolute() and "/" not in exc.path:
        body["file"] = exc.path
    return body


def _store_status(message: str) -> int:
    if message.startswith("no ") or " no " in message[:40]:
        return 404
    if "exists" in message:
        return 409
    return 400


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        status = (413 if isinstance(exc, LimitError)
                  else 400 if isinstance(exc, FormatError) else 422)
        return JSONResponse(_error_body(exc), status_code=status)

    @app.exception_handler(WorkspaceBusyError)
    async def busy_error(request: Request, exc: WorkspaceBusyError) -> JSONResponse:
        return JSONResponse(
            {"detail": "the workspace is in use by another process; retry shortly"},
            status_code=503, headers={"Retry-After": "5"},
        )

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> JSONResponse:
        message = str(exc).split(" in /")[0].split(" in ./")[0]
        return JSONResponse({"detail": message}, status_code=_store_status(str(exc)))

    @app.exception_handler(DownlineError)
    async def other_error(request: Request, exc: DownlineError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        message = first.get("msg", "invalid request")
        body = {"detail": f"{where}: {message}" if where else message,
                "field": where or None,
                "errors": [{"loc": list(e.get("loc", ())), "msg": e.get("msg"),
                            "type": e.get("type")} for e in errors[:20]]}
        return JSONResponse(body, status_code=422)


def create_app(
    workspace: str | Path | None = None,
    *,
    token: str | None = None,
    users: dict[str, str] | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    job_workers: int = 2,
    dashboard: bool = True,
    idle_close: float | None = 1.0,
    lock_wait: float | None = None,
    allowed_hosts: tuple[str, ...] | list[str] = LOOPBACK_NAMES,
    session_ttl: float = 8 * 3600.0,
    job_time_limit: float = 50.0,
    job_memory_limit: int | None = None,
    max_json_bytes: int = 2 * 1024 * 1024,
) -> FastAPI:
    """Build the `downline` web application (REST API and dashboard) over a workspace.

    Parameters
    ----------
    workspace : str or Path, optional
        The workspace file; default ``$DOWNLINE_WORKSPACE`` or ``./downline.duckdb``.
    token : str, optional
        Shared secret required on every API call (``Authorization: Bearer``) and at the
        dashboard's login. None turns authentication off: bind to loopback only then
        (:func:`downline.api.serve` enforces it).
    users : dict, optional
        ``{user: password}`` accepted by the dashboard login besides the token.
    max_upload_bytes : int
        Largest request body; larger uploads get a 413 and leave the workspace as it was.
    job_workers : int
        Analysis jobs run at once.
    dashboard : bool
        Serve the dashboard pages at ``/`` as well.
    idle_close : float or None
        Let go of the workspace file after this many idle seconds, so that the CLI can
        load into it while the server runs; None holds it for the server's lifetime.
    lock_wait : float, optional
        Seconds a request waits while another process holds the file before it gets a
        503; default :func:`downline.store.default_lock_wait`.
    allowed_hosts : sequence of str
        Host names the server answers to (``Host`` header); loopback names by default,
        ``"*"`` for any (see :func:`downline.api.allowed_hosts_for`).
    session_ttl : float
        Seconds a dashboard login lasts.
    job_time_limit : float
        Seconds an analysis job may run; it is cancelled past that.
    job_memory_limit : int, optional
        Resident bytes of the server above which running jobs are cancelled (default
        1.5 GiB, or half the machine's memory when that is less).
    max_json_bytes : int
        Largest JSON request body (413 beyond).

    Returns
    -------
    fastapi.FastAPI

    Examples
    --------
    >>> from fastapi.testclient import TestClient
    >>> app = create_app(":memory:")
    >>> with TestClient(app, base_url="http://127.0.0.1") as client:
    ...     client.get("/api/health").json()["status"]
    'ok'
    """
    path = Path(workspace) if workspace is not None else default_workspace_path()
    if job_memory_limit is None:
        job_memory_limit = default_memory_limit()
    settings = Settings(workspace=path, token=token or None, users=users or None,
                        max_upload_bytes=int(max_upload_bytes), job_workers=job_workers,
                        allowed_hosts=tuple(allowed_hosts), session_ttl=float(session_ttl),
                        job_time_limit=float(job_time_limit),
                        job_memory_limit=int(job_memory_limit),
                        max_json_bytes=min(int(max_json_bytes), int(max_upload_bytes)))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.screen_batcher.close()
        app.state.jobs.shutdown()
        app.state.guard.close()

    app = FastAPI(
        title="downline",
        version=__version__,
        description=_DESCRIPTION,
        openapi_tags=_TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    guard = WorkspaceGuard(path, idle_close=idle_close, wait=lock_wait)
    sessions = SessionStore(ttl=settings.session_ttl)
    app.state.settings = settings
    app.state.guard = guard
    app.state.sessions = sessions
    app.state.jobs = JobManager(
        lambda kind, payload, subject, params: guard.save_result(
            kind, payload, subject=subject, params=params),
        workers=job_workers, time_limit=settings.job_time_limit,
        memory_limit=settings.job_memory_limit,
    )
    app.state.screen_batcher = ScreenBatcher()
    _install_error_handlers(app)

    # lazy: the routers load every area (sklearn, DuckDB: 2 s); `downline.api` alone does not
    from downline.api.routers import (
        adoption,
        cascade,
        compliance,
        diffusion,
        genealogy,
        influence,
        jobs,
        pitch,
        service,
    )
    from downline.api.routers import (
        workspace as workspace_router,
    )

    app.include_router(service.router)
    protected = [Depends(require_auth)]
    for module in (workspace_router, genealogy, influence, cascade, adoption, diffusion,
                   pitch, compliance, jobs):
        app.include_router(module.router, dependencies=protected)

    mount_api_docs(app, openapi_url="/api/openapi.json", docs_url="/api/docs")
    if dashboard:
        mount_dashboard(app, DashboardHooks(
            signed_in=request_authenticated, summary=guard.summary,
            auth=settings.auth_required, max_upload_bytes=settings.max_upload_bytes))
    app.add_middleware(GuardMiddleware, settings=settings, sessions=sessions)
    log.info("downline API over workspace %s (auth %s)", path.name,
             "on" if settings.auth_required else "off")
    return app
