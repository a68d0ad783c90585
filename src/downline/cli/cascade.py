"""CLI command of the cascade engine: ``simulate`` (IC, LT or the migration model)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

import typer

from downline.cli._common import (
    console,
    execution_backend,
    open_graph,
    print_json,
    progress_bar,
)
from downline.cli._format import Col, number, percent, print_table
from downline.errors import FormatError, ParameterError


def read_seeds_file(path: Path) -> list[str]:
    """Node ids from a file, one a line; blank lines and ``#`` comments are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FormatError("seeds file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read seeds file: {exc}", path=path) from None
    ids = []
    for line in text.splitlines():
        item = line.split("#", 1)[0].strip()
        if item:
            ids.append(item)
    if not ids:
        raise FormatError("seeds file names no node", path=path)
    return ids


def simulate(
    graph: Annotated[str, typer.Argument(help="Graph file, or a network in the workspace.")],
    seeds_file: Annotated[Path, typer.Option("--seeds-file", help="Seed node ids (first "
                                             "movers for migration), one a line.")],
    model: Annotated[str, typer.Option(help="ic, lt or migration.")] = "ic",
    weights: Annotated[str, typer.Option(help="wc, uniform:P, trivalency or given.")] = "wc",
    runs: Annotated[int, typer.Option(help="Monte Carlo runs.")] = 1000,
    seed: Annotated[int | None, typer.Option(help="Random seed (same seed, same "
                                             "result).")] = None,
    steps: Annotated[int | None, typer.Option(help="Stop after this many steps (migration "
                                              "default 10).")] = None,
    follow: Annotated[str, typer.Option(help="Migration: cascade or threshold.")] = "cascade",
    p: Annotated[float | None, typer.Option("--p", help="Migration: one follow probability "
                                            "for every edge (default: the weights).")] = None,
    threshold: Annotated[str, typer.Option(help="Migration: threshold on the moved share, "
                                           "a number or 'uniform'.")] = "uniform",
    attrition: Annotated[float | None, typer.Option(help="Migration: drop-out rate per step "
                                                    "on both platforms.")] = None,
    attrition_old: Annotated[float, typer.Option(help="Migration: drop-out rate on the old "
                                                 "platform.")] = 0.0,
    attrition_new: Annotated[float, typer.Option(help="Migration: drop-out rate on the new "
                                                 "platform.")] = 0.0,
    backfill: Annotated[float, typer.Option(help="Migration: newcomers per new-platform "
                                            "member per step.")] = 0.0,
    level_decay: Annotated[float, typer.Option(help="Migration: follow probability factor "
                                               "per level below a first mover.")] = 1.0,
    reverse: Annotated[bool, typer.Option(help="Edges are 'follower followee'.")] = False,
    undirected: Annotated[bool, typer.Option(help="Store both directions.")] = False,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w",
                                                  help="Workspace file.")] = None,
    workers: Annotated[int | None, typer.Option(help="Run the chunks on a local Dask "
                                                "cluster of this many workers.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Run the chunks on this Dask "
                                                  "scheduler (tcp://host:8786; default "
                                                  "$DOWNLINE_SCHEDULER).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Estimate the spread of a seed set by Monte Carlo (mean with a 95% interval)."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.cascade import Migration
    from downline.cascade import simulate as run

    ids = read_seeds_file(seeds_file)
    name = model.strip().lower()
    chosen: Any
    if name == "migration":
        if attrition is not None:
            attrition_old = attrition_new = attrition
        thr: Any = threshold
        if threshold.strip().lower() != "uniform":
            try:
                thr = float(threshold)
            except ValueError:
                raise ParameterError(f"threshold must be a number or 'uniform', not "
                                     f"{threshold!r}", field="threshold") from None
        chosen = Migration(
            follow=follow, p=p, threshold=thr, attrition_old=attrition_old,  # type: ignore[arg-type]
            attrition_new=attrition_new, backfill=backfill, level_decay=level_decay,
            steps=10 if steps is None else steps,
        )
    elif name in ("ic", "lt"):
        chosen = name
    else:
        raise ParameterError(f"unknown model {model!r}; use ic, lt or migration",
                             field="model")
    drawn = seed is None
    if drawn:
        # A short seed the user can type back (numpy's own would be 39 digits).
        seed = secrets.randbelow(2**31)
    g = open_graph(graph, workspace, weights=weights, seed=seed, reverse=reverse,
                   undirected=undirected)
    with (
        execution_backend(workers, scheduler) as backend,
        progress_bar(f"simulating {name}", total=runs, enabled=not as_json) as progress,
    ):
        est = run(g, chosen, ids, runs=runs, seed=seed, steps=steps, progress=progress,
                  backend=backend)
    if as_json:
        print_json(est.to_dict())
        return
    what = "members moved" if name == "migration" else "mean spread"
    again = " (drawn)" if drawn else ""
    console.print(
        f"{g.name}: {name.upper()} from {number(len(ids))} seeds, {number(est.runs)} runs, "
        f"seed {est.seed}{again}\n"
        f"{what}: [bold]{number(est.mean)}[/bold]  95% CI [{number(est.ci_low)}, "
        f"{number(est.ci_high)}]  std {number(est.std)}",
        highlight=False,
    )
    if name == "migration":
        steps = est.steps_table  # type: ignore[attr-defined]
        print_table(
            [Col("step"), Col("old platform"), Col("new platform"), Col("moved"),
             Col("dropped out"), Col("recruited"), Col("moved total", optional=True),
             Col("dropped old", optional=True), Col("dropped new", optional=True)],
            steps[["step", "old_platform", "new_platform", "moved", "dropped_out",
                   "recruited", "moved_total", "dropped_old", "dropped_new"]].itertuples(
                       index=False),
            title="per step (means over runs)",
        )
        movers = est.first_movers  # type: ignore[attr-defined]
        print_table(
            [Col("first mover", justify="left"), Col("downline"), Col("followed"),
             Col("share followed"), Col("downline after refill")],
            ((str(r.first_mover), r.downline, r.followed, percent(r.share_followed),
              r.downline_after_refill) for r in movers.itertuples(index=False)),
            title="first movers",
        )


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command to the CLI."""
    app.command("simulate")(simulate)
