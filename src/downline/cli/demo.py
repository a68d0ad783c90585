"""``downline demo``: the main job on the bundled sample data, then the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from downline.cli._common import console

DEMO_WORKSPACE = Path("demo-workspace") / "downline.duckdb"
DEMO_POSTS = (
    "Our lavender oil cures anxiety and boosts your immunity against corona! #ad",
    "I quit my job after 3 months and made $10k last month. DM me to join!",
    "#ad Loving this protein shake after my run. These statements have not been evaluated "
    "by the Food and Drug Administration.",
)


def demo(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="Workspace for the "
                                            "demo.")] = DEMO_WORKSPACE,
    serve: Annotated[bool, typer.Option(help="Start the dashboard afterwards.")] = True,
    host: Annotated[str, typer.Option(help="Bind address of the dashboard.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8000,
    seed: Annotated[int, typer.Option(help="Random seed of the analyses.")] = 1,
) -> None:
    """Load the bundled sample network and genealogy, run every analysis once, serve."""
    from downline.adoption import fit_cascade_curve
    from downline.api.sample import prepare_sample_workspace
    from downline.cascade import Migration, simulate
    from downline.genealogy import downline_report, read_genealogy
    from downline.graph import describe
    from downline.influence import imm
    from downline.pitch import screen
    from downline.store import Workspace

    workspace.parent.mkdir(parents=True, exist_ok=True)
    names = prepare_sample_workspace(workspace)
    with Workspace(workspace) as ws:
        graph = ws.network(names["network"])
        gen = read_genealogy(ws.genealogy_frame(names["genealogy"]))

        stats = describe(graph)
        console.rule(f"[bold]network {names['network']}[/] (SNAP email-Eu-core, bundled)")
        console.print(f"{stats['nodes']:,} people, {stats['edges']:,} follow arcs, "
                      f"{stats['weak_components']} components, reciprocity "
                      f"{stats['reciprocity']:.2f}")

        top = gen.roots[0]
        report = downline_report(gen, member=top)
        console.rule(f"[bold]genealogy {names['genealogy']}[/] (generated sample)")
        console.print(f"founder {top}: downline of {report.size:,} members in "
                      f"{len(report.legs)} legs, depth {report.depth}; active "
                      f"{report.active:,}, left {report.left:,}; largest leg "
                      f"{report.largest_leg_share:.0%} of the downline")

        wc = graph.with_weights("wc")
        seeds = imm(wc, 10, model="ic", eps=0.2, seed=seed)
        ws.save_result("influencers", seeds.to_dict(), subject=names["network"],
                       params={"k": 10, "eps": 0.2, "model": "ic", "weights": "wc"})
        console.rule("[bold]who carries the downline[/] (IMM, IC with weighted cascade)")
        table = Table("rank", "person", "marginal gain")
        for i, (who, gain) in enumerate(zip(seeds.seeds, seeds.gains, strict=True), 1):
            table.add_row(str(i), str(who), f"{gain:.1f}")
        console.print(table)
        console.print(f"expected reach of these 10: {seeds.spread_estimate:.1f} people "
                      f"(at least {seeds.lower_bound:.1f} with probability 1 - 1/n)")

        model = Migration(follow="cascade", attrition_old=0.02, attrition_new=0.02,
                          backfill=0.05, steps=12)
        est = simulate(wc, model, seeds.seeds[:3], runs=500, seed=seed)
        ws.save_result("simulate", est.to_dict(), subject=names["network"],
                       params={"model": "migration", "first_movers": seeds.seeds[:3]})
        console.rule("[bold]what if the top 3 jump to a new platform?[/]")
        console.print(f"{est.mean:,.1f} people follow them (95% CI {est.ci_low:,.1f} to "
                      f"{est.ci_high:,.1f}) within 12 steps, with 2% attrition per step")
        bass = fit_cascade_curve(est)
        console.print(f"the adoption curve fits Bass with p = {bass.p_:.3f}, q = {bass.q_:.3f}, "
                      f"m = {bass.m_:,.0f}")

        console.rule("[bold]screening the pitch[/]")
        for post in DEMO_POSTS:
            result = screen(post)
            flags = ", ".join(sorted({f.rule_id for f in result.flags})) or "no flag"
            console.print(f"risk {result.risk:.2f}  {flags:<20} {post[:70]}")

    if serve:
        from downline.api.server import serve as run_server

        console.rule("[bold]dashboard[/]")
        run_server(host=host, port=port, workspace=workspace)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the app."""
    app.command("demo")(demo)
