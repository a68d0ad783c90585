"""CLI commands of the graph core and the workspace: ``load`` and ``info``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from downline.cli._common import console, open_graph, print_json, progress_bar
from downline.cli._format import Col, print_table
from downline.errors import InputError

WorkspaceOpt = Annotated[
    str | None,
    typer.Option("--workspace", "-w", help="Workspace file (default $DOWNLINE_WORKSPACE or "
                 "./downline.duckdb).", show_default=False),
]


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
    header: Annotated[str, typer.Option(help="First line of an edge list: auto (an 'n m' "
                                        "line is a header only when it fits the data), "
                                        "none, nm or names.")] = "auto",
    delimiter: Annotated[str | None, typer.Option(help="Field separator: ',', ';', '|', "
                                                  "tab or whitespace (default: guessed)."
                                                  )] = None,
    columns: Annotated[str | None, typer.Option(help="Column roles in file order, e.g. "
                                                "source,target,-,time ('-' ignores a "
                                                "column; later columns are ignored). "
                                                "Roles: source, target, weight, time."
                                                )] = None,
    date_format: Annotated[str | None, typer.Option(help="strptime format of non-ISO dates "
                                                    "in a time column (never guessed)."
                                                    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Load a network or a genealogy into the workspace (all or nothing).

    A time column (named time/timestamp/date, a third column of epoch seconds, or given
    with --columns) is kept: every event is stored with its time.
    """
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import detect_kind
    from downline.store import Workspace

    if kind not in ("auto", "network", "genealogy"):
        raise typer.BadParameter("kind must be auto, network or genealogy")
    if header not in ("auto", "none", "nm", "names"):
        raise typer.BadParameter("--header must be auto, none, nm or names")
    entry = name or path.name.split(".")[0]
    if kind == "auto" and path.exists() and not path.is_dir():
        kind = detect_kind(path, delimiter=delimiter)
    if kind == "genealogy":
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.genealogy import read_genealogy

        with progress_bar("reading genealogy", enabled=not as_json):
            gen = read_genealogy(path)
        with Workspace(workspace) as ws:
            info: dict[str, Any] = ws.add_genealogy(
                entry, gen.to_frame(), replace=replace, source=str(path)
            )
        info["kind"] = "genealogy"
    else:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.graph import read_graph

        with progress_bar("reading graph", enabled=not as_json):
            graph = read_graph(path, weights=weights, seed=seed, reverse=reverse,
                               undirected=undirected, header=header,  # type: ignore[arg-type]
                               delimiter=delimiter, columns=columns)
            events = None
            if graph.meta.get("time_column") and not undirected:
                # lazy: areas load numba and pandas; --help imports every CLI module
                from downline.graph import read_temporal_graph

                events = read_temporal_graph(path, columns=columns, header=header,
                                             delimiter=delimiter, reverse=reverse,
                                             date_format=date_format)
        with Workspace(workspace) as ws:
            info = ws.add_network(entry, graph, replace=replace, source=str(path),
                                  events=events)
        info["kind"] = "network"
        notes = list(graph.meta.get("notes", []))
        if events is not None:
            info["events"] = events.number_of_events()
            notes = [n for n in notes if "was not kept" not in n]
        if notes and not as_json:
            for note in notes:
                console.print(f"note: {note}")
    if as_json:
        print_json(info)
        return
    size = f"{info['members']:,} members" if info["kind"] == "genealogy" else (
        f"{info['nodes']:,} nodes, {info['edges']:,} edges")
    if info.get("events"):
        size += f", {info['events']:,} time-stamped events"
    console.print(f"loaded {info['kind']} [bold]{entry}[/] ({size}) into "
                  f"{workspace or 'the workspace'}")


def info(
    target: Annotated[str | None, typer.Argument(help="Graph file or workspace network; "
                                                 "omit to list the workspace.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Describe a graph (sizes, degrees, components) or list the workspace."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.graph import describe

    if target is None:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.store import Workspace, default_workspace_path

        path = workspace or str(default_workspace_path())
        if not Path(path).exists():
            raise InputError(f"no workspace at {path}; run `downline load FILE` first")
        with Workspace(path, read_only=True) as ws:
            summary = ws.summary()
        if as_json:
            print_json(summary)
            return

        for section, cols in (("networks", ("name", "nodes", "edges", "source")),
                              ("genealogies", ("name", "members", "source"))):
            print_table(
                [Col(c, justify="left" if c in ("name", "source") else "right",
                     key=c != "source") for c in cols],
                ([row[c] if c != "source" else str(row[c]) for c in cols]
                 for row in summary[section]),
                title=f"{section} in {path}",
            )
        return
    graph = open_graph(target, workspace)
    stats = describe(graph)
    if as_json:
        print_json(stats)
        return

    print_table(
        [Col("what", justify="left"), Col("value", key=False)],
        ([key.replace("_", " "), value] for key, value in stats.items() if key != "meta"),
        title=f"graph {stats['name']}", show_header=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``load`` and ``info`` to the app."""
    app.command("load")(load)
    app.command("info")(info)
