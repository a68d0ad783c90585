"""``downline genealogy``: sponsor-tree reports and synthetic genealogies.

Thin wrappers over :mod:`downline.genealogy`; every figure comes from its report
functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from downline.cli._common import console, open_genealogy, print_json
from downline.cli._format import Col, number, percent, print_table

__all__ = ["register"]

_MAX_LEGS = 20


def register(app: typer.Typer) -> None:
    """Add the ``genealogy`` command group to ``app``."""
    sub = typer.Typer(
        help="Sponsor trees: downline size, depth, legs, recruits and attrition.",
        no_args_is_help=True,
    )
    sub.command("report")(report)
    sub.command("generate")(generate)
    app.add_typer(sub, name="genealogy")


def report(
    file: Annotated[str, typer.Argument(help="Member table (CSV or Parquet), or a "
                                        "genealogy in the workspace.")],
    member: Annotated[
        str | None, typer.Option("--member", "-m", help="Report on this member's downline.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Date for active/left counts (default: last date in data)."),
    ] = None,
    freq: Annotated[str, typer.Option("--freq", help="Period: D, W, M, Q or Y.")] = "M",
    workspace: Annotated[str | None, typer.Option("--workspace", "-w",
                                                  help="Workspace file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Downline size, depth, levels, legs, recruits and attrition of a genealogy."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.genealogy import attrition, downline_report, focus_member, recruits_per_period

    gen = open_genealogy(file, workspace)
    member = focus_member(gen, member)  # the founder of a one-founder company, as the API
    summary = downline_report(gen, member, at=at)
    recruits = recruits_per_period(gen, freq, member=member)
    by_period = attrition(gen, freq, by="period", member=member)
    by_level = attrition(gen, by="level", member=member, at=summary.at)
    if as_json:
        print_json(
            {
                "file": str(file),
                "members": len(gen),
                "roots": [_plain(r) for r in gen.roots[:_MAX_LEGS]],
                "n_roots": int(gen.root_index.shape[0]),
                "downline": summary.to_dict(),
                "recruits": recruits.to_dict(),
                "attrition_by_period": by_period.to_dict(),
                "attrition_by_level": by_level.to_dict(),
            }
        )
        return
    who = "the whole company" if member is None else f"member {summary.member}"
    roots = f"{gen.root_index.shape[0]} root(s)"
    console.print(f"[bold]{file}[/bold]: {number(len(gen))} members, {roots}; downline of {who}")

    print_table(
        [Col("what", justify="left"), Col("value")],
        [
            ("size", summary.size),
            ("depth (levels)", summary.depth),
            ("active", summary.active),
            ("left", summary.left),
            ("not yet joined", summary.not_joined),
            ("frontline", len(summary.frontline)),
            ("largest leg share", percent(summary.largest_leg_share)),
            ("largest leg / rest", summary.largest_to_rest),
            ("own volume", summary.volume),
            ("group volume", summary.group_volume),
        ],
        title=f"Downline at {summary.at}", show_header=False,
    )
    print_table(
        [Col("level"), Col("members"), Col("active"), Col("left"), Col("attrition")],
        ((lv.level, lv.members, lv.active, lv.left, percent(rate))
         for lv, rate in zip(summary.levels, by_level.rate, strict=True)),
        title="Levels",
    )
    print_table(
        [Col("leg root", justify="left"), Col("size"), Col("active")],
        ((str(leg.root), leg.size, leg.active) for leg in summary.legs[:_MAX_LEGS]),
        title=f"Legs (largest {min(_MAX_LEGS, len(summary.legs))} of {len(summary.legs)})",
    )
    print_table(
        [Col("period", justify="left"), Col("recruits"), Col("active at start"),
         Col("left"), Col("attrition")],
        ((str(period), by_period.joined[k], by_period.active_start[k], by_period.left[k],
          percent(by_period.rate[k])) for k, period in enumerate(by_period.periods)),
        title=f"Recruits and attrition per period ({recruits.freq})",
    )


def generate(
    out: Annotated[Path, typer.Argument(help="Output file (.csv, or .parquet).")],
    n: Annotated[int, typer.Option("-n", "--members", help="Number of members.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD).")] = "2024-01-01",
    periods: Annotated[int, typer.Option("--periods", help="Months of history.")] = 24,
    attrition_rate: Annotated[
        float, typer.Option("--attrition-rate", help="Monthly probability of leaving.")
    ] = 0.04,
    roots: Annotated[int, typer.Option("--roots", help="Number of founders.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Write a synthetic genealogy (preferential-attachment recruiting, attrition)."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.genealogy import generate_genealogy, write_genealogy
    from downline.genealogy.io import check_output_path

    check_output_path(out)  # before the work: a missing folder or .xlsx fails at once
    gen = generate_genealogy(
        n, seed=seed, start=start, periods=periods, attrition_rate=attrition_rate, roots=roots
    )
    path = write_genealogy(gen, out)
    if as_json:
        print_json({"path": str(path), "members": len(gen), "seed": seed,
                    "start": start, "periods": periods, "attrition_rate": attrition_rate,
                    "roots": roots})
        return
    console.print(f"wrote {number(len(gen))} members to {path}", highlight=False)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


