"""Figures of adoption curves: PNG (matplotlib, headless) or a self-contained HTML page.

The HTML page embeds the figure as inline SVG next to a table, so it needs no
JavaScript and no network. Matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import html
import io
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from downline.adoption.bass import BassModel
from downline.adoption.rogers import CATEGORIES, RogersResult
from downline.errors import ParameterError

__all__ = ["plot_bass", "plot_categories", "plot_diffusion"]


def _pyplot() -> Any:
    try:
        # lazy: matplotlib costs 0.5 s; only plots need it (and it may be absent)
        import matplotlib
    except ModuleNotFoundError:  # pragma: no cover - depends on the install
        raise ParameterError("plots need matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    # lazy: pyplot after matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".png", ".html", ".htm", ".svg"):
        raise ParameterError(f"plot file must end in .png, .svg or .html, not {path.name!r}",
                             field="plot")
    return suffix


def _save(fig: Any, path: Path, title: str, table: pd.DataFrame) -> Path:
    plt = _pyplot()
    kind = _kind(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if kind in (".png", ".svg"):
            fig.savefig(path, dpi=120, bbox_inches="tight")
        else:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight")
            svg = buf.getvalue()
            svg = svg[svg.find("<svg"):]
            page = (
                "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
                f"<title>{html.escape(title)}</title>"
                "<style>body{font-family:sans-serif;margin:2em}"
                "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                "padding:2px 8px;text-align:right}</style></head><body>"
                f"<h1>{html.escape(title)}</h1>{svg}"
                f"{table.to_html(index=False, float_format=lambda v: f'{v:.4g}')}"
                "</body></html>\n"
            )
            path.write_text(page, encoding="utf-8")
    finally:
        plt.close(fig)
    return path


def plot_bass(
    model: BassModel,
    path: str | PathLike[str],
    *,
    horizon: int = 0,
    alpha: float | None = None,
    title: str = "Bass model fit",
) -> Path:
    """Draw observed adopters, the fitted curve and its forecast with bands.

    Parameters
    ----------
    model : BassModel
        Fitted.
    path : str or PathLike
        ``.png``, ``.svg`` or ``.html``.
    horizon : int, default 0
        Periods to forecast.
    alpha : float, optional
        ``1 - confidence`` of the bands.
    title : str

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    _kind(path)
    plt = _pyplot()
    fc = model.forecast(horizon, alpha)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.fill_between(fc["t"], fc["pred_lower"], fc["pred_upper"], color="tab:blue", alpha=0.12,
                     label="prediction band")
    ax1.fill_between(fc["t"], fc["lower"], fc["upper"], color="tab:blue", alpha=0.3,
                     label="confidence band")
    ax1.plot(fc["t"], fc["adopters"], color="tab:blue", label="Bass fit")
    ax1.plot(model.t_, model.y_, "o", color="black", ms=4, label="observed")
    if model.peak_time_ > 0:
        ax1.axvline(model.peak_time_, color="grey", ls=":", label="peak")
    ax1.set_xlabel("period since launch")
    ax1.set_ylabel("adopters per period")
    ax1.legend(fontsize=8)
    ax2.plot(fc["t"], fc["cumulative"], color="tab:blue", label="m F(t)")
    ax2.plot(model.t_, np.cumsum(model.y_), "o", color="black", ms=4, label="observed")
    ax2.axhline(model.m_, color="grey", ls="--", label=f"m = {model.m_:.4g}")
    ax2.set_xlabel("period since launch")
    ax2.set_ylabel("cumulative adopters")
    ax2.legend(fontsize=8)
    fig.suptitle(f"{title}: m={model.m_:.4g}, p={model.p_:.4g}, q={model.q_:.4g}, "
                 f"R²={model.r2_:.3f}")
    return _save(fig, path, title, model.conf_int(alpha).reset_index())


def plot_categories(
    result: RogersResult,
    times: Any,
    path: str | PathLike[str],
    *,
    title: str = "Adopter categories",
) -> Path:
    """Draw the adoption-time histogram with Rogers' boundaries and category counts.

    Parameters
    ----------
    result : RogersResult
        From :func:`downline.adoption.rogers_categories`.
    times : array-like
        The same adoption times (numbers or datetimes).
    path : str or PathLike
        ``.png``, ``.svg`` or ``.html``.
    title : str

    Returns
    -------
    Path
    """
    path = Path(path)
    _kind(path)
    plt = _pyplot()
    values = times.to_numpy() if isinstance(times, pd.Series) else np.asarray(times)
    if values.dtype.kind == "M":
        stamps = pd.DatetimeIndex(values)
        num = ((stamps - stamps.min()) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
        xlabel = f"days since {stamps.min().date()}"
    else:
        num = values.astype(np.float64)
        xlabel = "adoption time"
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.hist(num, bins=min(60, max(10, int(np.sqrt(num.size)))), color="tab:blue", alpha=0.7)
    for b in result.boundaries:
        ax1.axvline(b, color="black", ls="--", lw=0.8)
    ax1.set_xlabel(xlabel)
    ax1.set_ylabel("adopters")
    chasm = result.chasm
    ax1.set_title(f"chasm ratio {chasm['ratio']:.2f}" + (" (chasm)" if chasm["chasm"] else ""))
    x = np.arange(len(CATEGORIES))
    ax2.bar(x - 0.2, result.table["share"], width=0.4, label="observed")
    ax2.bar(x + 0.2, result.table["expected_share"], width=0.4, label="Rogers")
    ax2.set_xticks(x, [c.replace("_", "\n") for c in CATEGORIES], fontsize=8)
    ax2.set_ylabel("share of adopters")
    ax2.legend(fontsize=8)
    fig.suptitle(f"{title} ({result.method} rule, {result.category.shape[0]} adopters)")
    return _save(fig, path, title, result.table)


def plot_diffusion(summary: Any, path: str | PathLike[str], *,
                   title: str = "Adoption over time") -> Path:
    """Draw cumulative adoption (share of nodes) with the hazard rate on a second axis.

    Parameters
    ----------
    summary : DiffusionSummary
        From :func:`downline.adoption.netstats.summarize`.
    path : str or PathLike
        ``.png``, ``.svg`` or ``.html``.
    title : str

    Returns
    -------
    Path
    """
    path = Path(path)
    _kind(path)
    plt = _pyplot()
    t = summary.table
    periods = t.index.to_numpy()
    fig, ax1 = plt.subplots(figsize=(8, 4))
    ax1.plot(periods, t["share"], "o-", color="tab:blue", label="cumulative adoption")
    ax1.bar(periods, t["adopters"] / summary.n, color="tab:blue", alpha=0.25,
            label="new adopters")
    ax1.set_ylim(0, 1.05)
    ax1.set_xlabel("period")
    ax1.set_ylabel("share of nodes")
    ax2 = ax1.twinx()
    ax2.plot(periods, t["hazard"], "s--", color="tab:red", label="hazard rate")
    ax2.set_ylabel("hazard rate")
    ax2.set_ylim(0, max(1.0, float(np.nanmax(t["hazard"].to_numpy(), initial=0))) * 1.05)
    lines = ax1.get_legend_handles_labels()
    more = ax2.get_legend_handles_labels()
    ax1.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="upper left")
    fig.suptitle(f"{title} ({summary.n} nodes)")
    return _save(fig, path, title, t.reset_index())
