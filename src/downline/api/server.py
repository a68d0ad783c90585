"""Start the server: check the bind address, print the URL, run uvicorn."""

from __future__ import annotations

import logging
import sys
from os import PathLike
from pathlib import Path

from downline.api._settings import DEFAULT_MAX_UPLOAD_BYTES, check_bind, is_loopback

__all__ = ["serve", "server_url"]


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


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workspace: str | PathLike[str] | None = None,
    *,
    token: str | None = None,
    users: dict[str, str] | None = None,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
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
    log_level : str
        uvicorn's log level.
    """
    import uvicorn

    from downline.api.app import create_app

    check_bind(host, token, users)
    app = create_app(workspace, token=token, users=users, max_upload_bytes=max_upload_bytes)
    where = Path(app.state.settings.workspace)
    print(f"downline: serving workspace {where} at {server_url(host, port)}"
          f"{'' if is_loopback(host) else ' (token required)'}", flush=True)
    logging.getLogger("uvicorn.error").setLevel(log_level.upper())
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                proxy_headers=False)
    sys.stdout.flush()
