"""Start the server: check the bind address, print the URL, run uvicorn with timeouts.

uvicorn times out idle keep-alive connections but not a client that sends its request
line and headers a byte at a time. :func:`uvicorn_config` therefore runs uvicorn's own
HTTP protocol with one addition: a connection must complete each request's headers
within ``header_timeout`` seconds of opening (or of its previous response), else it is
closed. Slow bodies are handled by :class:`downline.api.security.GuardMiddleware`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from os import PathLike
from pathlib import Path
from typing import Any

from downline.api._settings import (
    DEFAULT_MAX_UPLOAD_BYTES,
    allowed_hosts_for,
    check_bind,
    is_loopback,
)
from downline.api.app import create_app

__all__ = ["DEFAULT_HEADER_TIMEOUT", "serve", "server_url", "uvicorn_config"]

DEFAULT_HEADER_TIMEOUT = 5.0


def server_url(host: str, port: int) -> str:
    """The URL to open for a bind address (loopback for the wildcard addresses).

    Examples
    --------
    >>> server_url("127.0.0.1", 8000), server_url("::1", 8080)
    ('http://127.0.0.1:8000/', 'http://[::1]:8080/')
    """
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _with_header_deadline(base: type[asyncio.Protocol], seconds: float) -> type:
    """uvicorn's protocol class ``base`` with a deadline for each request's headers."""

    class HeaderDeadlineProtocol(base):  # type: ignore[misc, valid-type]
        _deadline: asyncio.TimerHandle | None = None
        _seen_cycle: Any = None

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            # uvicorn starts a new request-response cycle once the headers are complete.
            if self.cycle is not None and self.cycle is not self._seen_cycle:
                self._seen_cycle = self.cycle
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

    HeaderDeadlineProtocol.__name__ = f"HeaderDeadline{base.__name__}"
    return HeaderDeadlineProtocol


def uvicorn_config(app: Any, host: str = "127.0.0.1", port: int = 8000, *,
                   header_timeout: float = DEFAULT_HEADER_TIMEOUT,
                   log_level: str = "info") -> Any:
    """The uvicorn configuration every ``downline`` server runs with.

    Parameters
    ----------
    app : ASGI application
    host, port : str, int
    header_timeout : float
        Seconds a connection has to send a request's line and headers.
    log_level : str

    Returns
    -------
    uvicorn.Config
        Keep-alive timeout 5 s, no server header, no proxy headers, at most 200 open
        connections (503 beyond), and the header deadline.
    """
    # lazy: uvicorn costs 0.25 s; only serving needs it
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    try:
        # lazy: uvicorn and its optional httptools only for serving
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base: type[asyncio.Protocol] = HttpToolsProtocol
    except ImportError:  # httptools is optional in uvicorn
        base = H11Protocol
    return uvicorn.Config(app, host=host, port=port, log_level=log_level,
                          server_header=False, proxy_headers=False, timeout_keep_alive=5,
                          limit_concurrency=200,
                          http=_with_header_deadline(base, header_timeout))


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workspace: str | PathLike[str] | None = None,
    *,
    token: str | None = None,
    users: dict[str, str] | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    allow_hosts: tuple[str, ...] | list[str] = (),
    job_time_limit: float = 50.0,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    log_level: str = "info",
) -> None:
    """Run the REST API and the dashboard until interrupted.

    Parameters
    ----------
    host, port : str, int
        The bind address; 127.0.0.1 by default. Any non-loopback address needs a token
        (or a user list) and raises :class:`~downline.errors.ParameterError` without one.
    workspace : path, optional
        The workspace file (default ``$DOWNLINE_WORKSPACE`` or ``./downline.duckdb``).
    token : str, optional
        Shared secret for the API (Bearer) and the dashboard login.
    users : dict, optional
        ``{user: password}`` accepted by the login form.
    max_upload_bytes : int
        Largest accepted upload.
    allow_hosts : sequence of str
        Host names the server answers to besides the loopback names and the bind
        address (the names clients use to reach it); ``"*"`` allows any.
    job_time_limit : float
        Seconds an analysis job may run before it is cancelled.
    header_timeout : float
        Seconds a connection has to send its request headers.
    log_level : str
        uvicorn's log level.
    """
    # lazy: uvicorn costs 0.25 s; only serving needs it
    import uvicorn

    check_bind(host, token, users)
    app = create_app(workspace, token=token, users=users, max_upload_bytes=max_upload_bytes,
                     allowed_hosts=allowed_hosts_for(host, list(allow_hosts)),
                     job_time_limit=job_time_limit)
    where = Path(app.state.settings.workspace)
    print(f"downline: serving workspace {where} at {server_url(host, port)}"
          f"{'' if is_loopback(host) else ' (token required)'}", flush=True)
    logging.getLogger("uvicorn.error").setLevel(log_level.upper())
    uvicorn.Server(uvicorn_config(app, host, port, header_timeout=header_timeout,
                                  log_level=log_level)).run()
    sys.stdout.flush()
