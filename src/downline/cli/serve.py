"""CLI command ``serve``: the REST API and the dashboard over a workspace."""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import typer

from downline.cli._common import print_json


def serve(
    host: Annotated[str, typer.Option(help="Bind address; anything but loopback needs a "
                                      "token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workspace: Annotated[str | None, typer.Option(
        "--workspace", "-w", help="Workspace file (default $DOWNLINE_WORKSPACE or "
        "./downline.duckdb).", show_default=False)] = None,
    token: Annotated[str | None, typer.Option(
        envvar="DOWNLINE_TOKEN", help="Shared secret for the API and the dashboard login "
        "(or set DOWNLINE_TOKEN).", show_default=False, show_envvar=True)] = None,
    max_upload_mb: Annotated[float, typer.Option(help="Largest upload in MiB (413 above it).",
                                                 min=0.001)] = 200.0,
    sample: Annotated[bool, typer.Option(help="Load the bundled sample data into the "
                                         "workspace first (when absent).")] = False,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A host name clients use to reach the server (repeatable; "
        "loopback names and the bind address are always allowed; '*' allows any).",
        show_default=False)] = None,
    job_time_limit: Annotated[float, typer.Option(help="Seconds an analysis job may run "
                                                  "before it is cancelled.", min=1)] = 50.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print where it serves as one JSON "
                                          "object on stdout (the server's log goes to "
                                          "stderr).")] = False,
) -> None:
    """Serve the REST API and the web dashboard (http://HOST:PORT/, API docs at /api/docs)."""
    # lazy: the API brings FastAPI and every area
    from downline.api import check_bind, prepare_sample_workspace
    from downline.api import serve as run_server
    from downline.store import default_workspace_path

    check_bind(host, token)
    path = workspace or str(default_workspace_path())
    if sample:
        prepare_sample_workspace(path)
    options = dict(token=token, max_upload_bytes=int(max_upload_mb * 2**20),
                   allow_hosts=tuple(allow_host or ()), job_time_limit=job_time_limit)
    if not as_json:
        run_server(host, port, path, **options)
        return

    # lazy: the API brings FastAPI and every area
    from downline.api.server import server_url

    url = server_url(host, port)
    print_json({"url": url, "api_docs": f"{url}api/docs", "workspace": str(path),
                "token_required": token is not None})
    sys.stdout.flush()
    with contextlib.redirect_stdout(sys.stderr):
        run_server(host, port, path, **options)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``downline`` CLI."""
    app.command("serve")(serve)
