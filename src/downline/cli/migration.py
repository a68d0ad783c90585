"""``downline migration``: measure a real platform jump, or generate an example one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from downline.cli._common import console, print_json
from downline.cli._format import Col, number, percent, print_table
from downline.errors import ParameterError


def _report(members: Path, follows: Path, new_follows: Path | None, identities: Path | None,
            top: int, period: str, follow: str, do_forecast: bool, train_fraction: float,
            runs: int, draws: int, seed: int, observed_until: str | None, strict: bool,
            as_json: bool, date_format: str | None = None) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.migration import migration_report, read_migration

    data = read_migration(members, follows, identities=identities, new_follows=new_follows,
                          observed_until=observed_until, strict=strict,
                          date_format=date_format)
    rep = migration_report(data, top=top, period=period, follow=follow,  # type: ignore[arg-type]
                           with_forecast=do_forecast, train_fraction=train_fraction,
                           runs=runs, draws=draws, seed=seed)
    if as_json:
        print_json(rep.to_dict())
        return
    s = rep.summary
    console.print(f"[bold]Migration[/bold]: {number(s['people'])} people, "
                  f"{number(s['movers'])} movers, {number(s['stayers'])} stayers, "
                  f"{number(s['newcomers'])} newcomers; {number(s['follows'])} follows; "
                  f"moves {s['first_move'][:10]} .. {s['last_move'][:10]}, "
                  f"observed until {s['observed_until'][:10]}", highlight=False)
    counts = rep.validation.counts()
    if counts:
        console.print("issues (kept out of the analysis): " + ", ".join(
            f"{k} {v}" for k, v in counts.items()), style="yellow", highlight=False)
    print_table(
        [Col("person", justify="left"), Col("moved", justify="left"), Col("followers"),
         Col("at risk"), Col("moved after"), Col("share [95%]"), Col("lift"),
         Col("base", optional=True), Col("re-follow", optional=True),
         Col("median lag days", optional=True)],
        ((str(r.person_id), str(r.moved_at.date()), r.followers, r.at_risk, r.moved_after,
          f"{percent(r.share)} [{percent(r.share_low, 0)}, {percent(r.share_high, 0)}]",
          r.lift, percent(r.base_rate), percent(r.refollow_share, 0), r.lag_median_days)
         for r in rep.follow_through.itertuples(index=False)),
        title=f"Follow-through: top {len(rep.follow_through)} movers",
    )
    if not rep.exposure.empty:
        print_table(
            [Col("category", justify="left"), Col("movers"), Col("threshold mean"),
             Col("threshold median"), Col("followees moved before")],
            ((str(r.category), r.movers, r.threshold_mean, r.threshold_median,
              r.moved_before_mean) for r in rep.exposure.itertuples(index=False)),
            title="Exposure when moving, by Rogers category",
        )
    print_table(
        [Col("platform", justify="left"), Col("group", justify="left"), Col("n"),
         Col("left"), Col("median days"), Col("stay 7d"), Col("stay 30d"),
         Col("stay 90d")],
        ((ret.platform, str(r["group"]), r["n"], r["events"], r["median_days"],
          percent(r["survival_7d"]), percent(r["survival_30d"]), percent(r["survival_90d"]))
         for ret in (rep.retention_new, rep.retention_old)
         for r in ret.summary().to_dict(orient="records")),
        title="Retention (Kaplan-Meier)",
    )
    if rep.calibration is not None:
        print_table(
            [Col("parameter", justify="left"), Col("estimate"), Col("95% interval"),
             Col("events"), Col("at risk")],
            ((est.name, est.value, f"[{number(est.ci_low)}, {number(est.ci_high)}]",
              est.events, est.trials) for est in rep.calibration.estimates()),
            title=f"Migration model ({rep.calibration.follow}), "
                  f"{rep.calibration.steps} steps of {rep.calibration.period}",
        )
    if rep.forecast is not None:
        f = rep.forecast
        console.print(
            f"forecast of steps {f.train_steps + 1}..{f.train_steps + len(f.table)} from a "
            f"fit on steps 0..{f.train_steps}: {number(f.moved_forecast)} movers "
            f"[{number(f.moved_low)}, {number(f.moved_high)}] vs {number(f.moved_actual)} "
            f"actual; new platform MAPE {percent(f.error['new_platform_mape'])}",
            highlight=False)
    for note in rep.notes:
        console.print(note, style="dim", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``migration`` command group to ``app``."""
    sub = typer.Typer(help="Measure real platform jumps: follow-through, exposure, "
                           "retention, model calibration.", no_args_is_help=True)

    @sub.command("report")
    def report_cmd(
        members: Annotated[Path, typer.Option(help="Members CSV/Parquet: person_id, "
                                                   "old_handle, new_handle, old_joined, "
                                                   "old_last_seen, new_joined, "
                                                   "new_last_seen.")],
        follows: Annotated[Path, typer.Option(help="Old-platform follows: follower,"
                                                   "followee (handles).")],
        new_follows: Annotated[Path | None, typer.Option(help="New-platform follows.")] = None,
        identities: Annotated[Path | None, typer.Option(help="old_handle,new_handle "
                                                             "pairs.")] = None,
        top: Annotated[int, typer.Option(help="Rows of the follow-through ranking.")] = 20,
        period: Annotated[str, typer.Option(help="Step length: 1D, 7D, W ...")] = "1D",
        follow: Annotated[str, typer.Option(help="'cascade' or 'threshold'.")] = "cascade",
        do_forecast: Annotated[bool, typer.Option("--forecast/--no-forecast",
                                                  help="Forecast held-back steps.")] = True,
        train_fraction: Annotated[float, typer.Option(help="Share of steps to fit "
                                                           "on.")] = 0.6,
        runs: Annotated[int, typer.Option(help="Monte Carlo runs.")] = 200,
        draws: Annotated[int, typer.Option(help="Parameter sets drawn for the "
                                                "forecast.")] = 20,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
        observed_until: Annotated[str | None, typer.Option(help="End of observation "
                                                                "(date).")] = None,
        strict: Annotated[bool, typer.Option(help="Fail on the first data issue.")] = False,
        date_format: Annotated[str | None, typer.Option(
            help="strptime format of the dates when they are not ISO 8601 (e.g. %d/%m/%Y); "
                 "never guessed.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Follow-through, exposure, retention and the calibrated migration model."""
        if follow not in ("cascade", "threshold"):
            raise ParameterError("--follow must be 'cascade' or 'threshold'", field="follow")
        if top < 1:
            raise ParameterError("--top must be at least 1", field="top")
        _report(members, follows, new_follows, identities, top, period, follow, do_forecast,
                train_fraction, runs, draws, seed, observed_until, strict, as_json,
                date_format)

    @sub.command("generate")
    def generate_cmd(
        outdir: Annotated[Path, typer.Argument(help="Directory for members.csv, "
                                                    "follows.csv, new_follows.csv.")],
        n: Annotated[int, typer.Option("--n", help="People on the old platform.")] = 2000,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
        follow: Annotated[str, typer.Option(help="'cascade' or 'threshold'.")] = "cascade",
        p_follow: Annotated[float, typer.Option(help="Cascade follow probability.")] = 0.15,
        attrition_old: Annotated[float, typer.Option(help="Per-step drop-out, old.")] = 0.02,
        attrition_new: Annotated[float, typer.Option(help="Per-step drop-out, new.")] = 0.05,
        backfill: Annotated[float, typer.Option(help="Newcomers per member and "
                                                     "step.")] = 0.03,
        steps: Annotated[int, typer.Option(help="Steps after the first move.")] = 20,
        first_movers: Annotated[int, typer.Option(help="Most-followed people who move "
                                                       "first.")] = 3,
        skew: Annotated[float, typer.Option(help="Popularity skew of the graph.")] = 0.3,
        period_days: Annotated[int, typer.Option(help="Days per step.")] = 1,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Write an example migration with known parameters (in the report's schema)."""
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.migration import generate_migration, write_migration

        if follow not in ("cascade", "threshold"):
            raise ParameterError("--follow must be 'cascade' or 'threshold'", field="follow")
        data = generate_migration(n, follow=follow, p_follow=p_follow,  # type: ignore[arg-type]
                                  attrition_old=attrition_old, attrition_new=attrition_new,
                                  backfill=backfill, steps=steps, first_movers=first_movers,
                                  skew=skew, period_days=period_days, seed=seed)
        paths = write_migration(data, outdir)
        if as_json:
            print_json({"files": {k: str(v) for k, v in paths.items()},
                        "params": data.params})
            return
        for name, path in paths.items():
            console.print(f"{name}: {path}", highlight=False)
        console.print(f"true parameters: {data.params}", highlight=False)

    app.add_typer(sub, name="migration")
