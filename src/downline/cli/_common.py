"""Shared pieces of the CLI: error reporting, JSON output, progress bars."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from typer.exceptions import Abort, Exit, TyperException

from downline.errors import DownlineError, InputError

# Modules of this package that register commands, in help order.
AREA_MODULES = (
    "graph",
    "genealogy",
    "cascade",
    "influence",
    "adoption",
    "migration",
    "pitch",
    "compliance",
    "serve",
    "demo",
    "warmup",
)

EXIT_EXCEPTIONS = (DownlineError, TyperException, Exit, Abort)

console = Console()
err_console = Console(stderr=True)


def report_exit(exc: BaseException, flags: dict[str, str] | None = None) -> int:
    """Print ``exc`` as one line on stderr and return the exit code to use.

    ``flags`` maps the invoked command's parameter names to its flags, so that the
    message names ``--replace`` rather than ``replace``.
    """
    if isinstance(exc, Exit):
        return exc.exit_code
    if isinstance(exc, Abort):
        err_console.print("Aborted.")
        return 1
    if isinstance(exc, TyperException) and hasattr(exc, "show"):
        exc.show()
        return int(getattr(exc, "exit_code", 2))
    # lazy: cli._format imports this module (its console)
    from downline.cli._format import cli_message

    message = cli_message(exc, flags or {})
    # Plain write: rich would wrap a long message over several lines.
    sys.stderr.write(f"error: {message}\n")
    return 2


def print_json(obj: Any) -> None:
    """Write ``obj`` to stdout as JSON (NumPy values converted, NaN as null)."""
    # lazy: serialize brings NumPy and pandas; only --json needs them
    from downline.common.serialize import dumps

    sys.stdout.write(dumps(obj, indent=2) + "\n")


@contextmanager
def progress_bar(
    description: str, total: float | None = None, enabled: bool = True
) -> Iterator[Callable[[float, float | None], None]]:
    """Yield a ``progress(done, total)`` callback drawn as a rich bar on stderr.

    The bar is drawn only when stderr is a terminal and ``enabled`` is true, so JSON
    output and CI logs stay clean.
    """
    if not enabled or not err_console.is_terminal:
        yield lambda done, total=None: None
        return
    # lazy: rich.progress costs 30 ms of --help; only running commands draw bars
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def update(done: float, new_total: float | None = None) -> None:
            if new_total is not None:
                bar.update(task, total=new_total)
            bar.update(task, completed=done)

        yield update


def open_graph(
    target: str,
    workspace: str | None = None,
    *,
    weights: str | None = None,
    seed: int | None = None,
    **read_options: Any,
) -> Any:
    """A graph from a file path, or else from a network of that name in the workspace.

    ``weights`` (a scheme such as ``"wc"``) is applied after loading either way.
    """
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import read_graph

    if Path(target).exists():
        return read_graph(target, weights=weights, seed=seed, **read_options)
    # lazy: the store brings DuckDB and pandas
    from downline.store import Workspace, default_workspace_path

    ws_path = Path(workspace) if workspace else default_workspace_path()
    if ws_path.exists():
        with Workspace(ws_path, read_only=True) as ws:
            names = set(ws.networks()["name"])
            if target in names:
                graph = ws.network(target)
                return graph if weights in (None, "given") else graph.with_weights(
                    weights, seed=seed
                )
    if _looks_like_path(target):
        return read_graph(target, weights=weights, seed=seed, **read_options)  # "no such file"
    raise InputError(f"{target!r} is neither a file nor a network in workspace {ws_path}")


@contextmanager
def execution_backend(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """The backend chosen by ``--workers`` / ``--scheduler`` (or ``$DOWNLINE_SCHEDULER``).

    Yields ``None`` (run in this process) when neither is given, else a Dask backend that
    is closed on exit.
    """
    # lazy: the engine brings NumPy; --help imports this module
    from downline.engine import SCHEDULER_ENV, get_backend

    if workers is None and not scheduler and not os.environ.get(SCHEDULER_ENV):
        yield None
        return
    backend = get_backend("dask", workers=workers, scheduler=scheduler)
    try:
        yield backend
    finally:
        backend.close()


def open_genealogy(target: str, workspace: str | None = None) -> Any:
    """A genealogy from a member-table file, or else from one of that name in the workspace."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.genealogy import read_genealogy

    if Path(target).exists():
        return read_genealogy(Path(target))
    # lazy: the store brings DuckDB and pandas
    from downline.store import Workspace, default_workspace_path

    ws_path = Path(workspace) if workspace else default_workspace_path()
    if ws_path.exists():
        with Workspace(ws_path, read_only=True) as ws:
            if target in set(ws.genealogies()["name"]):
                return read_genealogy(ws.genealogy_frame(target))
    if _looks_like_path(target):
        return read_genealogy(Path(target))  # raises the reader's "file not found"
    raise InputError(f"{target!r} is neither a file nor a genealogy in workspace {ws_path}")


def _looks_like_path(target: str) -> bool:
    return bool(Path(target).suffix) or "/" in target or "\\" in target
