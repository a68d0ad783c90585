"""CLI commands of the graph core and the workspace: ``load`` and ``info``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from downline.cli._common import console, open_graph, print_json, progress_bar

WorkspaceOpt = Annotated[
    str | None,
    typer.Option("--workspace", "-w", help="Workspace file (default $DOWNLINE_WORKSPACE or "
                 "./downline.duckdb).", show_default=False),
]


def _is_genealogy(path: Path) -> bool:
    import pyarrow.parquet as pq

    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            names = pq.read_schema(path).names
        except Exception:
            return False
    else:
        try:
            with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
                names = [c.strip().strip('"').lower() for c in fh.readline().split(",")]
        except OSError:
            return False
    return "member_id" in names and "sponsor_id" in names


def load(
    path: Annotated[Path, typer.Argument(help="Graph file or members table (CSV/Parquet).")],
    name: Annotated[str | None, typer.Option(help="Name in the workspace (default: file "
                                             "name).")] = None,
    kind: Annotated[str, typer.Option(help="auto, network or genealogy.")] = "auto",
    workspace: WorkspaceOpt = None,
    weights: Annotated[str | None, typer.Option(help="wc, uniform:P, trivalency or given "
                                                "(default: the file's own, else 1).")] = None,
    reverse: Annotated[bool, typer.Option(help="Edges are 'follower followee'.")] = False,
    undirected: Annotated[bool, typer.Option(help="Store both directions.")] = False,
    replace: Annotated[bool, typer.Option(help="Replace an entry of the same name.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed for trivalency weights.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Load a network or a genealogy into the workspace (all or nothing)."""
    from downline.store import Workspace

    if kind not in ("auto", "network", "genealogy"):
        raise typer.BadParameter("kind must be auto, network or genealogy")
    entry = name or path.name.split(".")[0]
    if kind == "genealogy" or (kind == "auto" and path.exists() and _is_genealogy(path)):
        from downline.genealogy import read_genealogy

        with progress_bar("reading genealogy", enabled=not as_json):
            gen = read_genealogy(path)
        with Workspace(workspace) as ws:
            info: dict[str, Any] = ws.add_genealogy(
                entry, gen.to_frame(), replace=replace, source=str(path)
            )
        info["kind"] = "genealogy"
    else:
        from downline.graph import read_graph

        with progress_bar("reading graph", enabled=not as_json):
            graph = read_graph(path, weights=weights, seed=seed, reverse=reverse,
                               undirected=undirected)
        with Workspace(workspace) as ws:
            info = ws.add_network(entry, graph, replace=replace, source=str(path))
        info["kind"] = "network"
    if as_json:
        print_json(info)
        return
    size = f"{info['members']:,} members" if info["kind"] == "genealogy" else (
        f"{info['nodes']:,} nodes, {info['edges']:,} edges")
    console.print(f"loaded {info['kind']} [bold]{entry}[/] ({size}) into "
                  f"{workspace or 'the workspace'}")


def info(
    target: Annotated[str | None, typer.Argument(help="Graph file or workspace network; "
                                                 "omit to list the workspace.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Describe a graph (sizes, degrees, components) or list the workspace."""
    from downline.graph import describe
    from downline.store import Workspace, default_workspace_path

    if target is None:
        path = workspace or str(default_workspace_path())
        if not Path(path).exists():
            from downline.errors import InputError

            raise InputError(f"no workspace at {path}; run `downline load FILE` first")
        with Workspace(path, read_only=True) as ws:
            summary = ws.summary()
        if as_json:
            print_json(summary)
            return
        for section, cols in (("networks", ("name", "nodes", "edges", "source")),
                              ("genealogies", ("name", "members", "source"))):
            table = Table(title=f"{section} in {path}")
            for c in cols:
                table.add_column(c)
            for row in summary[section]:
                table.add_row(*(f"{row[c]:,}" if isinstance(row[c], int) else str(row[c])
                                for c in cols))
            console.print(table)
        return
    graph = open_graph(target, workspace)
    stats = describe(graph)
    if as_json:
        print_json(stats)
        return
    table = Table(title=f"graph {stats['name']}", show_header=False)
    for key, value in stats.items():
        if key == "meta":
            continue
        shown = f"{value:,}" if isinstance(value, int) else (
            f"{value:.4g}" if isinstance(value, float) else str(value))
        table.add_row(key.replace("_", " "), shown)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``load`` and ``info`` to the app."""
    app.command("load")(load)
    app.command("info")(info)
