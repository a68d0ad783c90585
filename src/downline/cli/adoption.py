"""``downline adoption``: Bass fits and Rogers categories from an adoption file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from downline.cli._common import console, print_json
from downline.cli._format import Col, number, percent, print_table
from downline.errors import ParameterError


def _fit(
    file: Path,
    forecast: int,
    alpha: float,
    curve: str,
    column: str | None,
    freq: str | None,
    plot: Path | None,
    as_json: bool,
) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.adoption import fit_bass, read_adoptions

    data = read_adoptions(file, column=column, freq=freq)
    model = fit_bass(data.adopters, data.t, curve=curve, alpha=alpha)
    if plot is not None:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.adoption.plot import plot_bass

        plot_bass(model, plot, horizon=forecast, alpha=alpha, title=f"Bass fit: {file.name}")
    fc = model.forecast(forecast, alpha)
    first = data.periods[0]
    labels = [int(first + k - 1) for k in fc["t"]] if data.times is None else None
    if as_json:
        out: dict[str, Any] = model.to_dict()
        out["file"] = str(file)
        out["freq"] = data.freq
        rows = fc.to_dict(orient="records")
        if labels is not None:
            for row, label in zip(rows, labels, strict=True):
                row["period"] = label
        out["forecast"] = rows
        print_json(out)
        return
    ci = model.conf_int(alpha)
    print_table(
        [Col("parameter", justify="left"), Col("estimate"), Col("std. error"),
         Col(f"{1 - alpha:.0%} interval")],
        ((str(name), row["estimate"], row["stderr"],
          f"[{number(row['lower'])}, {number(row['upper'])}]") for name, row in ci.iterrows()),
        title=f"Bass model: {file.name} ({model.n_periods_} periods, {curve})",
    )
    status = "converged" if model.converged_ else f"NOT CONVERGED: {model.message_}"
    console.print(
        f"peak at t = {number(model.peak_time_)} (level {number(model.peak_level_)} per "
        f"period); R² = {number(model.r2_)}, RMSE = {number(model.rmse_)}; {status}",
        highlight=False,
    )
    ols = model.ols_
    if ols["valid"]:
        console.print(f"Bass OLS start: m = {number(ols['m'])}, p = {number(ols['p'])}, "
                      f"q = {number(ols['q'])}", highlight=False)
    if forecast:
        future = fc[fc["forecast"]]
        print_table(
            [Col("period", justify="left"), Col("adopters"), Col("band"), Col("cumulative")],
            ((str(labels[k]) if labels is not None else f"t={number(float(row['t']))}",
              row["adopters"], f"[{number(row['pred_lower'])}, {number(row['pred_upper'])}]",
              row["cumulative"]) for k, row in future.iterrows()),
            title=f"forecast, {forecast} period(s)",
        )
    if plot is not None:
        console.print(f"plot written to {plot}", highlight=False)


def _categories(
    file: Path,
    method: str,
    column: str | None,
    plot: Path | None,
    as_json: bool,
) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.adoption import read_adoptions, rogers_categories

    data = read_adoptions(file, column=column)
    times = data.adopter_times()
    result = rogers_categories(times, method=method)  # type: ignore[arg-type]
    if plot is not None:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.adoption.plot import plot_categories

        plot_categories(result, times, plot, title=f"Adopter categories: {file.name}")
    if as_json:
        out = result.to_dict()
        out["file"] = str(file)
        print_json(out)
        return
    print_table(
        [Col("category", justify="left"), Col("count"), Col("share"), Col("Rogers"),
         Col("starts at"), Col("first adopter")],
        ((row.category, row.count, percent(row.share), percent(row.expected_share),
          row.start, row.first) for row in result.table.itertuples(index=False)),
        title=f"Rogers categories ({method} rule): {file.name}, "
              f"{number(result.category.shape[0])} adopters",
    )
    c = result.chasm
    verdict = "CHASM" if c["chasm"] else "no chasm"
    console.print(
        f"chasm: adoption rate {number(c['rate_before'])} before vs "
        f"{number(c['rate_after'])} after the start of the early majority (ratio "
        f"{number(c['ratio'])}): {verdict}",
        highlight=False,
    )
    console.print(f"rule: {c['rule']}", highlight=False, style="dim")
    if plot is not None:
        console.print(f"plot written to {plot}", highlight=False)


def _network(
    nodes: Path,
    edges: Path,
    toa_column: str,
    netdiffuser: bool,
    weight: str | None,
    time: str | None,
    group: str | None,
    moran: bool | None,
    periods: str | None,
    plot: Path | None,
    as_json: bool,
) -> None:
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.adoption.network import read_diffusion_network

    span = None
    if periods is not None:
        try:
            first, last = (int(v) for v in periods.split(":"))
        except ValueError:
            raise ParameterError("--periods must be FIRST:LAST, e.g. 1946:1966",
                                 field="periods") from None
        span = (first, last)
    # lazy: areas load numba and pandas; --help imports every CLI module
    from downline.adoption.network_report import network_report

    net = read_diffusion_network(nodes, edges, toa_column=toa_column, weight=weight,
                                 time=time, periods=span)
    censored = net.toa
    if netdiffuser:
        net = net.netdiffuser_coded()
    report = network_report(net, group=group, moran_i=moran, censored_toa=censored)
    if plot is not None:
        # lazy: areas load numba and pandas; --help imports every CLI module
        from downline.adoption.plot import plot_diffusion

        plot_diffusion(report.summary, plot, title=f"Adoption over time: {net.name}")
    if as_json:
        out = report.to_dict()
        out["files"] = {"nodes": str(nodes), "edges": str(edges)}
        print_json(out)
        return
    s = report.summary
    has_moran = "moran_obs" in s.table.columns
    cols = [Col("period"), Col("adopters"), Col("cum. adopt. (share)"), Col("hazard"),
            Col("density")]
    cols += [Col("Moran's I (sd)"), Col("p")] if has_moran else []
    rows = []
    for p, r in s.table.iterrows():
        row = [str(p), int(r["adopters"]), f"{number(int(r['cumulative']))} "
               f"({number(float(r['share']))})", float(r["hazard"]), float(r["density"])]
        if has_moran:
            row += [f"{number(float(r['moran_obs']))} ({number(float(r['moran_sd']))})",
                    float(r["moran_pval"])]
        rows.append(row)
    print_table(cols, rows, title=f"Diffusion network {net.name}: {number(net.n)} nodes, "
                                  f"{number(report.network['edges'])} ties, periods "
                                  f"{net.t0}-{net.t1}")
    console.print(f"left censoring {s.left_censoring} ({s.left_censoring / s.n:.2f}), "
                  f"right censoring {s.right_censoring} ({s.right_censoring / s.n:.2f})",
                  highlight=False)
    th = report.thresholds
    line = f"thresholds: mean {number(th['mean'])}, median {number(th['median'])} (n = {th['n']})"
    if "by_group" in th:
        line += "; by " + th["group"] + ": " + ", ".join(
            f"{k} {v:.4f}" for k, v in th["by_group"].items())
    console.print(line, highlight=False)
    c = report.classification
    if c is not None:
        pct = c.percent()
        print_table([Col("toa \\ threshold", justify="left"),
                     *[Col(str(col)) for col in c.counts.columns]],
                    ([str(name), *[float(v) for v in row]] for name, row in pct.iterrows()),
                    title="Classification (% of nodes): time of adoption x threshold")
        console.print("cut-offs (mean - sd, mean, mean + sd): toa "
                      + ", ".join(f"{v:.4g}" for v in c.toa_cutoffs) + "; threshold "
                      + ", ".join(f"{v:.4g}" for v in c.thr_cutoffs), highlight=False)
    if report.bass is not None:
        b = report.bass
        console.print(f"Bass fit of the adopters: m = {b['m']:.4g}, p = {b['p']:.4g}, "
                      f"q = {b['q']:.4g}, peak at t = {b['peak_time']:.2f}, "
                      f"R² = {b['r2']:.3f}", highlight=False)
    for note in report.notes:
        console.print(note, style="dim", highlight=False)
    if plot is not None:
        console.print(f"plot written to {plot}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the ``adoption`` command group to ``app``."""
    sub = typer.Typer(
        help="Diffusion of innovations: Bass fits and forecasts, Rogers categories, "
             "diffusion networks.",
        no_args_is_help=True,
    )

    @sub.command("fit")
    def fit_cmd(
        file: Annotated[Path, typer.Argument(help="CSV: 'period,adopters' or a column of "
                                                   "adoption timestamps.")],
        forecast: Annotated[int, typer.Option("--forecast",
                                              help="Periods to forecast.")] = 0,
        alpha: Annotated[float, typer.Option(help="1 - confidence of intervals.")] = 0.05,
        curve: Annotated[str, typer.Option(help="'discrete' (m[F(t)-F(t-1)]) or "
                                                "'density' (m f(t)).")] = "discrete",
        column: Annotated[str | None, typer.Option(help="Timestamp column.")] = None,
        freq: Annotated[str | None, typer.Option(help="Period for timestamps: D, W, M, Q, "
                                                      "Y or a number.")] = None,
        plot: Annotated[Path | None, typer.Option(help="Write a figure: .png, .svg or "
                                                       ".html.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Fit the Bass model (m, p, q) with intervals, peak and an optional forecast."""
        if curve not in ("discrete", "density"):
            raise ParameterError("--curve must be 'discrete' or 'density'", field="curve")
        _fit(file, forecast, alpha, curve, column, freq, plot, as_json)

    @sub.command("categories")
    def categories_cmd(
        file: Annotated[Path, typer.Argument(help="CSV: a column of adoption times, or "
                                                   "'period,adopters'.")],
        method: Annotated[str, typer.Option(help="'sd' (mean/sd rule) or "
                                                 "'quantile'.")] = "sd",
        column: Annotated[str | None, typer.Option(help="Timestamp column.")] = None,
        plot: Annotated[Path | None, typer.Option(help="Write a figure: .png, .svg or "
                                                       ".html.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Rogers adopter categories, their start times and the chasm indicator."""
        if method not in ("sd", "quantile"):
            raise ParameterError("--method must be 'sd' or 'quantile'", field="method")
        _categories(file, method, column, plot, as_json)

    @sub.command("network")
    def network_cmd(
        nodes: Annotated[Path, typer.Argument(help="Node CSV: id, time of adoption (empty "
                                                    "for never), covariates.")],
        edges: Annotated[Path, typer.Argument(help="Edge CSV: source,target (source named "
                                                    "target).")],
        toa_column: Annotated[str, typer.Option("--toa-column",
                                                help="Time-of-adoption column.")] = "toa",
        netdiffuser: Annotated[bool, typer.Option(
            "--netdiffuser", help="Code never-adopters as adopting one period after the "
                                  "last adoption, as netdiffuseR (to compare figures).")
        ] = False,
        weight: Annotated[str | None, typer.Option(help="Tie-weight column.")] = None,
        time: Annotated[str | None, typer.Option(help="Tie-period column (a time-stamped "
                                                      "edge list).")] = None,
        group: Annotated[str | None, typer.Option(help="Community column: mean "
                                                       "thresholds per community.")] = None,
        moran: Annotated[bool | None, typer.Option("--moran/--no-moran",
                                                   help="Moran's I per period (default: "
                                                        "up to 5,000 nodes).")] = None,
        periods: Annotated[str | None, typer.Option(help="FIRST:LAST periods (default: "
                                                         "first to last adoption).")] = None,
        plot: Annotated[Path | None, typer.Option(help="Cumulative adoption and hazard: "
                                                       ".png, .svg or .html.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Diffusion network statistics: summary table, thresholds, classification."""
        _network(nodes, edges, toa_column, netdiffuser, weight, time, group, moran, periods,
                 plot, as_json)

    app.add_typer(sub, name="adoption")
