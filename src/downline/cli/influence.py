"""CLI command of the influence area: ``influencers`` (top-k by several methods)."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.table import Table

from downline.cli._common import (
    console,
    execution_backend,
    open_graph,
    print_json,
    progress_bar,
)


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def influencers(
    graph: Annotated[str, typer.Argument(help="Graph file, sponsor-tree table with "
                                         "--sponsor-tree, or a network in the workspace.")],
    k: Annotated[int, typer.Option("-k", "--k", help="Number of seeds.")] = 50,
    model: Annotated[str, typer.Option(help="ic or lt.")] = "ic",
    weights: Annotated[str, typer.Option(help="wc, uniform:P, trivalency or given.")] = "wc",
    eps: Annotated[float, typer.Option(help="IMM accuracy, in (0, 1).")] = 0.1,
    methods: Annotated[str, typer.Option(help="Comma-separated: imm, opim-c, celf, degree, "
                                         "degree-discount, pagerank, kcore.")]
        = "imm,degree,degree-discount,pagerank,kcore",
    mc_runs: Annotated[int, typer.Option("--mc-runs", help="Monte Carlo runs measuring "
                                         "each seed set.")] = 10_000,
    seed: Annotated[int | None, typer.Option(help="Random seed (same seed, same "
                                             "result).")] = None,
    sponsor_tree: Annotated[bool, typer.Option("--sponsor-tree", help="GRAPH is a member "
                                               "table (member_id, sponsor_id, joined_at).")]
        = False,
    p: Annotated[float, typer.Option("--p", help="Sponsor tree: probability that a recruit "
                                     "follows the sponsor.")] = 0.5,
    reverse: Annotated[bool, typer.Option(help="Edges are 'follower followee'.")] = False,
    undirected: Annotated[bool, typer.Option(help="Store both directions.")] = False,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w",
                                                  help="Workspace file.")] = None,
    workers: Annotated[int | None, typer.Option(help="Sample on a local Dask cluster of "
                                                "this many workers.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Sample on this Dask scheduler "
                                                  "(default $DOWNLINE_SCHEDULER).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON; 'seeds' is IMM's "
                                          "seed list in the file's own ids.")] = False,
) -> None:
    """Rank influencers by each method; measure each top-k by Monte Carlo, side by side."""
    from downline.influence import influencer_report

    network: Any
    if sponsor_tree:
        from downline.genealogy import read_genealogy

        network = read_genealogy(graph)
    else:
        network = open_graph(graph, workspace, weights=weights, seed=seed, reverse=reverse,
                           undirected=undirected)
    with (
        execution_backend(workers, scheduler) as backend,
        progress_bar("ranking influencers", total=1.0, enabled=not as_json) as progress,
    ):
        report = influencer_report(
            network, k, model=model, methods=methods, eps=eps, mc_runs=mc_runs, p=p,
            seed=seed, progress=progress, backend=backend,
        )
    if as_json:
        print_json(report.to_dict())
        return
    table = Table(title=f"{report.graph}: top {report.k} influencers, {report.model.upper()}, "
                        f"{mc_runs:,} Monte Carlo runs each; overlap with the first row")
    table.add_column("method", no_wrap=True)
    for col in ("spread (MC, 95% CI)", "own est.", "lower bd", "sec", "overlap"):
        table.add_column(col, justify="right", no_wrap=True)
    for row in report.to_frame().itertuples(index=False):
        half = (row.ci_high - row.ci_low) / 2.0
        table.add_row(
            row.method, f"{_fmt(row.spread)} ± {_fmt(half)}", _fmt(row.own_estimate, 0),
            _fmt(row.lower_bound, 0), _fmt(row.seconds, 2), f"{row.overlap}/{report.k}",
        )
    console.print(table)
    lead = "imm" if "imm" in report.seed_sets else report.methods[0]
    seeds = report.seeds_frame()
    seeds = seeds[seeds["method"] == lead].head(10)
    detail = Table(title=f"{lead}: first seeds with their downline")
    for col in ("rank", "seed", "gain", "frontline", "downline"):
        detail.add_column(col, justify="right")
    for row in seeds.itertuples(index=False):
        detail.add_row(str(row.rank), str(row.seed), _fmt(row.gain), f"{row.frontline:,}",
                       f"{row.downline:,}")
    console.print(detail)


def register(app: typer.Typer) -> None:
    """Add the ``influencers`` command to the CLI."""
    app.command("influencers")(influencers)
