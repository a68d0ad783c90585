"""``downline demo``: the main job on the bundled sample data, then the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from downline.cli._common import console, print_json
from downline.cli._format import number, percent

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
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON "
                                          "(before serving, if --serve).")] = False,
) -> None:
    """Load the bundled sample network and genealogy, run every analysis once, serve."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.adoption import adoption_record, analyze_adoption
    from downline.api.sample import prepare_sample_workspace
    from downline.cascade import Migration, simulate_with_band
    from downline.common.serialize import to_jsonable
    from downline.genealogy import downline_report, read_genealogy
    from downline.graph import describe
    from downline.influence import influencer_report
    from downline.pitch import screen
    from downline.store import Workspace

    out = Console(quiet=True) if as_json else console
    summary: dict[str, Any] = {"workspace": str(workspace), "seed": seed}
    workspace.parent.mkdir(parents=True, exist_ok=True)
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import load_sample

    # The compliance sample goes in first so that the bundled genealogy stays the newest
    # (the pages open on the newest); its section is printed last.
    with Workspace(workspace) as ws:
        load_sample(ws, "compliance-sample", seed=seed)
    names = prepare_sample_workspace(workspace)
    with Workspace(workspace) as ws:
        graph = ws.network(names["network"])
        gen = read_genealogy(ws.genealogy_frame(names["genealogy"]))

        stats = describe(graph)
        summary["network"] = stats
        out.rule(f"[bold]network {names['network']}[/] (SNAP email-Eu-core, bundled)")
        out.print(f"{number(stats['nodes'])} people, {number(stats['edges'])} follow arcs, "
                  f"{number(stats['weak_components'])} components, reciprocity "
                  f"{number(stats['reciprocity'])}", highlight=False)

        top = gen.roots[0]
        report = downline_report(gen, member=top)
        summary["genealogy"] = report.to_dict()
        out.rule(f"[bold]genealogy {names['genealogy']}[/] (generated sample)")
        out.print(f"founder {top}: downline of {number(report.size)} members in "
                  f"{number(len(report.legs))} legs, depth {number(report.depth)}; active "
                  f"{number(report.active)}, left {number(report.left)}; largest leg "
                  f"{percent(report.largest_leg_share, 0)} of the downline", highlight=False)

        # The same area functions and the same stored shapes as the API's jobs, so each
        # dashboard page opens on its latest result.
        wc = graph.with_weights("wc")
        board = influencer_report(wc, 10, model="ic", methods=["imm", "degree", "pagerank"],
                                  eps=0.2, mc_runs=1000, seed=seed)
        ws.save_result("influencers", to_jsonable({"network": names["network"],
                                                   "genealogy": None, **board.to_dict()}),
                       subject=names["network"],
                       params={"k": 10, "eps": 0.2, "model": "ic", "weights": "wc",
                               "methods": board.methods, "runs": 1000, "seed": seed})
        chosen = board.seed_sets["imm"]
        summary["influencers"] = board.to_dict()
        out.rule("[bold]who carries the downline[/] (IMM, IC with weighted cascade)")
        table = Table("rank", "person", "marginal gain")
        for i, (who, gain) in enumerate(zip(chosen.seeds, chosen.gains, strict=True), 1):
            table.add_row(str(i), str(who), number(float(gain)))
        out.print(table)
        mc = board.spreads["imm"]
        out.print(f"expected reach of these 10: {number(mc.mean)} people (95% CI "
                  f"{number(mc.ci_low)} to {number(mc.ci_high)}, {number(mc.runs)} Monte "
                  f"Carlo runs)", highlight=False)

        movers = list(chosen.seeds[:3])
        model = Migration(follow="cascade", attrition_old=0.02, attrition_new=0.02,
                          backfill=0.05, steps=12)
        band = simulate_with_band(wc, model, movers, runs=500, seed=seed)
        est = band.pooled
        summary["migration"] = band.to_dict()
        moved = ws.save_result("migration", to_jsonable({
            "network": names["network"], "genealogy": None, "first_mover_ids": movers,
            "nodes": wc.n, "migration": model.to_dict(), **band.to_dict()}),
            subject=names["network"], params={"network": names["network"],
                                              "first_movers": movers, "runs": 500,
                                              "seed": seed})
        out.rule("[bold]what if the top 3 jump to a new platform?[/]")
        out.print(f"{number(est.mean)} people follow them (95% CI {number(est.ci_low)} to "
                  f"{number(est.ci_high)}) within 12 steps, with 2% attrition per step",
                  highlight=False)
        fit = analyze_adoption(adoption_record(cumulative=est.curve), horizon=6)
        ws.save_result("adoption", to_jsonable({"source": f"result-{moved}", **fit.to_dict()}),
                       subject=f"result-{moved}", params={"result_id": moved, "horizon": 6})
        summary["adoption"] = fit.to_dict()
        out.print(fit.verdict)

        out.rule("[bold]screening the pitch[/]")
        for post in DEMO_POSTS:
            result = screen(post)
            summary.setdefault("screening", []).append(result.to_dict())
            flags = ", ".join(sorted({f.rule_id for f in result.flags})) or "no flag"
            out.print(f"risk {number(result.risk)}  {flags:<20} {post[:70]}",
                      highlight=False)

        summary["compliance"] = _compliance(ws, seed, out)

    if as_json:
        print_json(summary)
    if serve:
        # lazy: the API brings FastAPI and every area
        from downline.api.server import serve as run_server

        out.rule("[bold]dashboard[/]")
        run_server(host=host, port=port, workspace=workspace)


def _compliance(ws: Any, seed: int, out: Any) -> dict[str, Any]:
    """The compliance program on a generated company whose planted leg posts bad claims."""
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.compliance import (
        case_queue,
        compliance_report,
        load_genealogy,
        load_sample,
        share_report,
    )

    name = "compliance-sample"
    out.rule("[bold]the compliance program[/] (generated company; one leg's leader "
                 "encourages bad claims)")
    info = load_sample(ws, name, seed=seed)
    gen = load_genealogy(ws, name)
    report = compliance_report(ws, name, gen, top=5, min_posts=30)
    c = report.company
    out.print(f"{report.posts:,} posts screened, {report.violations:,} violations "
                  f"({c.rate_per_100:.1f} per 100 posts, 95% CI {c.low:.1f}-{c.high:.1f}), "
                  f"{report.dismissed:,} false alarms dismissed by reviewers")
    table = Table("leg", "posts", "per 100 posts", "95% CI", "")
    for g in report.by_leg[:4]:
        mark = "planted" if g.group == info["planted_leg"] else ""
        table.add_row(g.group, f"{g.posts:,}", f"{g.rate_per_100:.1f}",
                      f"{g.low:.1f}-{g.high:.1f}", mark)
    out.print(table)
    queue = case_queue(ws, name, gen, state="active", now=info["end"])
    r = report.resolution
    out.print(f"cases: {r['resolved']:,} resolved (median {r.get('median_hours', 0):.0f} h), "
                  f"{queue.total:,} still active; {len(report.repeat_offenders):,} repeat "
                  "offenders")
    shares = share_report(ws, name, gen)
    edited = sum(i["edited"] for i in shares.items)
    flagged = sum(i["edited_flagged"] for i in shares.items)
    out.print(f"approved library: {len(shares.items)} posts shared {shares.shares:,} times "
                  f"({edited:,} edited on the way, {flagged:,} of those flagged when re-screened)")
    out.print("open the Compliance page of the dashboard for the case queue")
    return {"posts": report.posts, "violations": report.violations,
            "dismissed": report.dismissed, "rate_per_100": c.rate_per_100,
            "ci_per_100": [c.low, c.high], "active_cases": queue.total,
            "library_posts": len(shares.items), "shares": shares.shares,
            "edited": edited, "edited_flagged": flagged}


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the app."""
    app.command("demo")(demo)
