"""CLI command of the influence area: ``influencers`` (the lead method's top k, others
beside it on request)."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
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
from downline.errors import FormatError, ParameterError


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def _method_list(method: str, compare: str | None, methods: str | None) -> list[str]:
    """The methods to run, the lead first: ``--methods`` as given, else ``--method`` and
    the ``--compare`` list (the lead dropped from it)."""
    if methods is not None:
        if compare is not None:
            raise ParameterError("give --methods or --compare, not both", field="compare")
        return [m for m in methods.split(",") if m.strip()] or [""]
    names = [method]
    if compare is not None:
        extra = [m for m in compare.split(",") if m.strip()]
        if not extra:
            raise ParameterError("--compare names no method", field="compare")
        lead = method.strip().lower().replace("_", "-")
        names += [m for m in extra if m.strip().lower().replace("_", "-") != lead]
    return names


def _check_seeds_out(path: Path | None) -> None:
    """Refuse a ``--seeds-out`` that cannot be written before any work is done."""
    if path is None:
        return
    if path.is_dir():
        raise FormatError("--seeds-out is a directory, not a file", path=path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FormatError("--seeds-out: no such directory", path=parent)
    if not os.access(parent, os.W_OK):
        raise FormatError("--seeds-out: directory is not writable", path=parent)


def write_seeds(path: Path, seeds: list[Any], header: str) -> None:
    """Write one seed id a line (what ``simulate --seeds-file`` reads), atomically."""
    ids = [str(s) for s in seeds]
    bad = [s for s in ids if "#" in s or "\n" in s or s != s.strip() or not s]
    if bad:
        raise FormatError(f"seed id {bad[0]!r} cannot be written one a line", path=path)
    fd, tmp = tempfile.mkstemp(prefix=".seeds-", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(f"# {header}\n")
            out.write("\n".join(ids) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def influencers(
    graph: Annotated[str, typer.Argument(help="Graph file, sponsor-tree table with "
                                         "--sponsor-tree, or a network in the workspace.")],
    k: Annotated[int, typer.Option("-k", "--k", help="Number of seeds.")] = 50,
    model: Annotated[str, typer.Option(help="ic or lt.")] = "ic",
    weights: Annotated[str, typer.Option(help="wc, uniform:P, trivalency or given.")] = "wc",
    eps: Annotated[float, typer.Option(help="OPIM-C / IMM accuracy, in (0, 1).")] = 0.1,
    method: Annotated[str, typer.Option(help="Method choosing the seeds: opim-c (default, "
                                        "with a guarantee), imm, hist, celf, "
                                        "degree, "
                                        "degree-discount, pagerank or kcore.")] = "opim-c",
    compare: Annotated[str | None, typer.Option(help="Comma-separated methods to run "
                                                "beside it, every seed set measured by "
                                                "the same Monte Carlo.")] = None,
    methods: Annotated[str | None, typer.Option(help="All methods at once, the lead "
                                                "first (instead of --method/--compare).")]
        = None,
    mc_runs: Annotated[int | None, typer.Option("--mc-runs", help="Monte Carlo runs "
                                                "measuring each seed set; 0 skips it "
                                                "(default 10,000 with --compare, else "
                                                "0).")] = None,
    mc_se: Annotated[float | None, typer.Option("--mc-se", help="Measure each seed set "
                                                "until its standard error is at most "
                                                "this (at most --mc-runs runs, default "
                                                "1,000,000).")] = None,
    seeds_out: Annotated[Path | None, typer.Option("--seeds-out", help="Write the lead "
                                                   "seeds here, one a line (for simulate "
                                                   "--seeds-file).")] = None,
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON; 'seeds' is the lead "
                                          "method's seed list in the file's own ids.")]
        = False,
) -> None:
    """Top-k influencers: the lead method's seeds with its own estimate and bound; other
    methods and a Monte Carlo re-estimate only when asked for."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.influence import check_report_options, influencer_report

    names, _, _ = check_report_options(_method_list(method, compare, methods), mc_runs,
                                       mc_se)
    _check_seeds_out(seeds_out)
    network: Any
    if sponsor_tree:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.genealogy import read_genealogy

        network = read_genealogy(graph)
    else:
        network = open_graph(graph, workspace, weights=weights, seed=seed, reverse=reverse,
                             undirected=undirected)
    with (
        execution_backend(workers, scheduler) as backend,
        # The bar goes to stderr (when it is a terminal), so it is drawn with --json
        # and with stdout piped alike.
        progress_bar("ranking influencers", total=1.0) as progress,
    ):
        report = influencer_report(
            network, k, model=model, methods=names, eps=eps, mc_runs=mc_runs, mc_se=mc_se,
            p=p, seed=seed, progress=progress, backend=backend,
        )
    if seeds_out is not None:
        write_seeds(seeds_out, report.seeds,
                    f"downline influencers: {report.lead}, k={report.k}, "
                    f"{report.model.upper()}, graph {report.graph}")
    if as_json:
        print_json(report.to_dict())
        return
    _print_tables(report)


def _print_tables(report: Any) -> None:
    lead = report.seed_sets[report.lead]
    measured = bool(report.spreads)
    runs = report.params["mc_runs"]
    how = ""
    if measured:
        how = (f", Monte Carlo to s.e. {report.params['mc_se']:g}" if report.params["mc_se"]
               else f", {runs:,} Monte Carlo runs each")
    table = Table(title=f"{report.graph}: top {report.k} influencers, "
                        f"{report.model.upper()}{how}; own estimate, lower bound, "
                        f"overlap with the first row")
    table.add_column("method", no_wrap=True)
    adaptive = measured and report.params["mc_se"] is not None
    cols = ["own est.", "bound", "sec", "overlap"]
    if measured:
        cols = ["spread ± 95%", *(["runs"] if adaptive else []), *cols]
    for col in cols:
        table.add_column(col, justify="right", no_wrap=True)
    for row in report.to_frame().itertuples(index=False):
        cells = [_fmt(row.own_estimate, 0), _fmt(row.lower_bound, 0),
                 _fmt(row.seconds, 2), f"{row.overlap}/{report.k}"]
        if measured:
            half = (row.ci_high - row.ci_low) / 2.0
            cells = [f"{_fmt(row.spread)} ± {_fmt(half)}",
                     *([f"{row.mc_runs:,}"] if adaptive else []), *cells]
        table.add_row(row.method, *cells)
    console.print(table)
    if not math.isnan(lead.lower_bound):
        console.print(
            f"{report.lead}: expected spread {_fmt(lead.spread_estimate)} "
            f"(s.e. {_fmt(lead.stderr)}), at least {_fmt(lead.lower_bound)} with "
            f"probability {1 - lead.params.get('delta', math.nan):.6g}; certified to reach "
            f"at least {_fmt(lead.params.get('approximation', math.nan), 3)} of the best "
            f"k-set's spread."
        )
    seeds = report.seeds_frame()
    seeds = seeds[seeds["method"] == report.lead].head(10)
    detail = Table(title=f"{report.lead}: first seeds with their downline")
    for col in ("rank", "seed", "gain", "frontline", "downline"):
        detail.add_column(col, justify="right")
    for row in seeds.itertuples(index=False):
        detail.add_row(str(row.rank), str(row.seed), _fmt(row.gain), f"{row.frontline:,}",
                       f"{row.downline:,}")
    console.print(detail)


def register(app: typer.Typer) -> None:
    """Add the ``influencers`` command to the CLI."""
    app.command("influencers")(influencers)
