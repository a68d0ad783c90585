"""The statistics of a diffusion network, as netdiffuseR users know them.

Each is a plain function of a :class:`~downline.adoption.network.DiffusionNetwork`:
adoption per period and the hazard (:func:`adoption_curve`), density, Moran's I of
adoption (:func:`moran`, :func:`summarize`), exposure (:func:`exposure`) and thresholds
(:func:`network_thresholds`), infection and susceptibility (:func:`infection`,
:func:`susceptibility`, Valente 1995), the adopter classification (:func:`classify_adopters`),
the diffusion regression (:func:`diffusion_regression`), the structure test
(:func:`struct_test`) and structural equivalence (:func:`structural_equivalence`).

Conventions follow netdiffuseR (Vega Yon & Valente, version 1.25) unless said: a node
has adopted in period ``t`` when ``toa <= t``; exposure in ``t`` counts alters adopted by
``t`` (``lags=0``; ``lags=1`` uses ``t - 1``); exposure is 0 for a node with no alters
(``empty=0.0``; pass NaN to leave it undefined); ties are 0/1 unless ``valued=True``;
self-ties never count. Never-adopters are right-censored (NaN) in our networks; to
compare figures with netdiffuseR use :meth:`DiffusionNetwork.netdiffuser_coded` or the
studies' ``toa_ndr`` column. Where we differ is said in each docstring and in
``docs/adoption.md``.

The hot loops are graph operations (:mod:`downline.graph.exposure`, numba over CSR):
exposure of a million nodes over 20 periods takes seconds and memory linear in edges
plus the ``n x T`` answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.sparse import csgraph

from downline.adoption import _kernels
from downline.adoption._glm import fit_binomial
from downline.adoption.bass import BassShareFit, fit_bass_share
from downline.adoption.network import DiffusionNetwork
from downline.errors import InputError, ParameterError
from downline.graph.exposure import flagged_share, flagged_share_by_period

__all__ = [
    "AdoptionCurve",
    "Classification",
    "DiffusionRegression",
    "DiffusionSummary",
    "MoranResult",
    "StructureTest",
    "adoption_curve",
    "classify_adopters",
    "density",
    "diffusion_regression",
    "exposure",
    "fitbass",
    "geodesic_weights",
    "infection",
    "mean_threshold",
    "mean_thresholds_by",
    "moran",
    "network_thresholds",
    "rewire_swap",
    "saturation",
    "struct_test",
    "structural_equivalence",
    "summarize",
    "susceptibility",
]

#: Largest graph for which dense ``n x n`` matrices (geodesics for Moran's I, structural
#: equivalence) are built: 5,000 nodes is 200 MB of float64.
MAX_DENSE_NODES = 5_000

TOA_CLASSES = ("Non-Adopters", "Early Adopters", "Early Majority", "Late Majority", "Laggards")
THR_CLASSES = ("Non-Adopters", "Very Low Thresh.", "Low Thresh.", "High Thresh.",
               "Very High Thresh.")


def _plain(v: Any) -> Any:
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _cumadopt(net: DiffusionNetwork) -> np.ndarray:
    """``n x T`` booleans: adopted by period (``toa <= t``)."""
    return net.toa[:, None] <= net.periods[None, :].astype(np.float64)


# -- adoption per period --------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionCurve:
    """Adopters per period, cumulative adopters and the hazard rate.

    Attributes
    ----------
    table : DataFrame
        Indexed by period: ``adopters``, ``cumulative``, ``share`` (of all nodes),
        ``hazard`` (``(q_t - q_{t-1}) / (n - q_{t-1})``, NaN in the first period) and
        ``rate`` (``(q_t - q_{t-1}) / q_{t-1}``, netdiffuseR's
        ``cumulative_adopt_count()["rate", ]``; NaN in the first period, where
        netdiffuseR gives 0, and 0 when nobody had adopted yet).
    n : int
        Nodes (the denominator of ``share``).
    """

    table: pd.DataFrame
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Columns as lists, periods as ``period``."""
        t = self.table.reset_index()
        return {"n": self.n, **{c: _plain(t[c].to_numpy()) for c in t.columns}}


def adoption_curve(net: DiffusionNetwork) -> AdoptionCurve:
    """Adopters per period, cumulative counts and shares, and the hazard rate.

    The hazard is netdiffuseR's ``hazard_rate``: new adopters over those who had not
    adopted at the end of the previous period.

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4], "toa": [1, 2, 2, None]}),
    ...     pd.DataFrame({"source": [1], "target": [2]}))
    >>> adoption_curve(net).table["hazard"].tolist()
    [nan, 0.6666666666666666]
    """
    cum = _cumadopt(net).sum(axis=0).astype(np.int64)
    new = np.diff(np.concatenate([[int(np.sum(net.toa < net.t0))], cum]))
    prev = np.concatenate([[np.nan], cum[:-1].astype(np.float64)])
    at_risk = net.n - prev
    with np.errstate(divide="ignore", invalid="ignore"):
        # nobody left at risk: 0, as netdiffuseR (its 1e-15 guard); NaN only in period 1
        hazard = np.where(at_risk > 0, (cum - prev) / np.where(at_risk > 0, at_risk, 1), 0.0)
    hazard[0] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(prev > 0, (cum - prev) / np.where(prev > 0, prev, 1), 0.0)
    rate[0] = np.nan
    table = pd.DataFrame({"adopters": new, "cumulative": cum, "share": cum / net.n,
                          "hazard": hazard, "rate": rate},
                         index=pd.Index(net.periods, name="period"))
    return AdoptionCurve(table=table, n=net.n)


def density(net: DiffusionNetwork, *, valued: bool = False) -> np.ndarray:
    """Density of each period's graph: ties / (n (n - 1)) (``valued``: summed weights).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3], "toa": [1, 2, 2]}),
    ...     pd.DataFrame({"source": [1, 2], "target": [2, 3]}))
    >>> density(net).tolist()
    [0.3333333333333333, 0.3333333333333333]
    """
    n = net.n
    vals = [float(g.sum()) if valued else float(g.nnz) for g in
            (net.graph_at(k) for k in range(net.n_periods))]
    return np.asarray(vals) / (n * (n - 1)) if n > 1 else np.full(net.n_periods, np.nan)


def fitbass(net: DiffusionNetwork) -> BassShareFit:
    """netdiffuseR's ``fitbass``: the Bass curve fitted to the cumulative share adopted.

    The shares of periods ``t0 .. t1`` are fitted at ``t = 1 .. T`` with the market fixed
    at all nodes (:func:`downline.adoption.bass.fit_bass_share`). Use it on
    netdiffuseR's coded data to compare figures; for the real adopters (market free,
    adopters per period) use :class:`downline.adoption.BassModel`.

    Examples
    --------
    >>> toa = [1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5]
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": range(12), "toa": toa}),
    ...     pd.DataFrame({"source": [0], "target": [1]}))
    >>> fit = fitbass(net)
    >>> fit.df, bool(0 < fit.p < fit.q)
    (3, True)
    """
    return fit_bass_share(adoption_curve(net).table["share"].to_numpy())


# -- Moran's I ------------------------------------------------------------------------


@dataclass(frozen=True)
class MoranResult:
    """Moran's I with its expectation, standard deviation and p-value under the null."""

    observed: float
    expected: float
    sd: float
    p_value: float
    alternative: str

    def to_dict(self) -> dict[str, Any]:
        """All fields."""
        return dict(self.__dict__)


def moran(x: Any, w: Any, *, normalize_w: bool = True,
          alternative: Literal["two.sided", "less", "greater"] = "two.sided") -> MoranResult:
    """Moran's I of ``x`` under weights ``w``, with the normality-free variance.

    Parameters
    ----------
    x : array-like of float, shape (n,)
    w : ndarray or sparse matrix, shape (n, n)
        Weights; the diagonal is used as given (usually zero).
    normalize_w : bool, default True
        Scale each row of ``w`` to sum to one (rows of zeros stay zero), as netdiffuseR.
    alternative : {"two.sided", "less", "greater"}

    Returns
    -------
    MoranResult
        ``expected = -1 / (n - 1)``; ``sd`` is the randomisation standard deviation
        (Cliff & Ord; netdiffuseR's and ``ape::Moran.I``'s); the p-value is from the
        normal approximation. A constant ``x`` gives NaN ``sd`` and p-value.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    >>> round(moran([1.0, 1.0, 0.0, 0.0], w).observed, 4)
    0.5
    """
    xv = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(xv)):
        raise InputError("x must hold only finite numbers", field="x")
    n = xv.shape[0]
    ws = sparse.csr_matrix(w, dtype=np.float64)
    if ws.shape != (n, n):
        raise ParameterError("w must be n x n for n values of x", field="w")
    if n < 4:
        raise InputError("Moran's I needs at least 4 values", field="x")
    if normalize_w:
        rs = np.asarray(ws.sum(axis=1)).ravel()
        ws = sparse.diags(1.0 / (rs + 1e-20)) @ ws
    ws = ws.tocsr()
    z = xv - xv.mean()
    wsum = float(ws.sum())
    numer = float(z @ (ws @ z))
    denom = float(z @ z)
    s1 = float(((ws + ws.T).power(2)).sum()) / 2.0
    rs = np.asarray(ws.sum(axis=1)).ravel()
    cs = np.asarray(ws.sum(axis=0)).ravel()
    s2 = float(np.sum((rs + cs) ** 2))
    m2 = denom / n
    s3 = float(np.sum(z ** 4) / n / m2 ** 2) if m2 > 0 else np.nan
    s4 = (n * n - 3.0 * n + 3.0) * s1 - n * s2 + 3.0 * wsum ** 2
    s5 = n * (n - 1.0) * s1 - 2.0 * n * s2 + 6.0 * wsum ** 2
    observed = (n / wsum) * (numer / (denom + 1e-20)) if wsum > 0 else np.nan
    expected = -1.0 / (n - 1.0)
    with np.errstate(invalid="ignore"):
        var = (n * s4 - s3 * s5) / ((n - 1.0) * (n - 2.0) * (n - 3.0) * wsum ** 2) \
            - expected ** 2
        sd = float(np.sqrt(var)) if np.isfinite(var) and var >= 0 else np.nan
    if np.isfinite(sd) and sd > 0 and np.isfinite(observed):
        pv = float(stats.norm.cdf(observed, loc=expected, scale=sd))
        if alternative == "two.sided":
            p = 2 * pv if observed <= expected else 2 * (1 - pv)
        elif alternative == "greater":
            p = 1 - pv
        elif alternative == "less":
            p = pv
        else:
            raise ParameterError("alternative must be 'two.sided', 'less' or 'greater'",
                                 field="alternative")
    else:
        p = np.nan
    return MoranResult(observed=float(observed), expected=expected, sd=sd, p_value=float(p),
                       alternative=alternative)


def geodesic_weights(adjacency: sparse.spmatrix, *, max_steps: int = 6) -> np.ndarray:
    """Dense ``1 / geodesic distance`` along directed ties, 0 beyond ``max_steps``.

    This is the weight netdiffuseR's ``summary()`` gives Moran's I (``approx_geodesic``
    with ``n = 6`` steps, inverted): pairs further than six steps apart, or not
    connected, get weight 0; the diagonal is 0.

    Examples
    --------
    >>> from scipy import sparse
    >>> a = sparse.csr_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> geodesic_weights(a)[0].tolist()
    [0.0, 1.0, 0.5]
    """
    n = adjacency.shape[0]
    if n > MAX_DENSE_NODES:
        raise ParameterError(
            f"geodesic weights are dense n x n; {n} nodes is over the bound "
            f"{MAX_DENSE_NODES} (skip Moran's I for graphs this large)", field="moran")
    a = sparse.csr_matrix(adjacency, dtype=np.float64, copy=True)
    a.data[:] = 1.0
    d = csgraph.shortest_path(a, method="D", directed=True, unweighted=True)
    w = np.zeros_like(d)
    ok = np.isfinite(d) & (d > 0) & (d <= max_steps)
    w[ok] = 1.0 / d[ok]
    return w


# -- summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffusionSummary:
    """netdiffuseR's ``summary(diffnet)``: per-period adoption, hazard, density, Moran's I.

    Attributes
    ----------
    table : DataFrame
        Indexed by period: ``adopters, cumulative, share, hazard, density`` and, unless
        skipped, ``moran_obs, moran_exp, moran_sd, moran_pval``.
    left_censoring, right_censoring : int
        Adopters in the first period; never-adopters (NaN times of adoption).
    n : int
    name : str
    """

    table: pd.DataFrame
    left_censoring: int
    right_censoring: int
    n: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        """The table as records and the censoring counts."""
        rows = self.table.reset_index().to_dict(orient="records")
        return {"name": self.name, "n": self.n, "left_censoring": self.left_censoring,
                "right_censoring": self.right_censoring, "periods": _plain(rows)}

    def format(self) -> str:
        """The table as netdiffuseR's ``summary()`` prints it.

        Same columns, widths and rounding (two decimals); the first period's hazard and
        Moran's I of a period where everybody (or nobody) has adopted print as ``-``;
        stars mark Moran's p-value (``***`` <= .01, ``**`` <= .05, ``*`` <= .1).
        Right-censoring counts our never-adopters (netdiffuseR's coded data has none).
        """
        has_moran = "moran_obs" in self.table.columns
        header = [" Period ", " Adopters ", " Cum Adopt. (%) ", " Hazard Rate ",
                  " Density "] + ([" Moran's I (sd) "] if has_moran else [])
        widths = [len(h) for h in header]
        rule = "-" * (sum(widths) + len(widths) - 1)
        lines = ["Diffusion network summary statistics", f" Name     :  {self.name}", rule,
                 " ".join(header), " ".join("-" * w for w in widths)]
        for k, (p, r) in enumerate(self.table.iterrows()):
            cells = [f"{p}", f"{int(r['adopters'])}",
                     f"{int(r['cumulative'])} ({r['share']:.2f})",
                     "-" if k == 0 or not np.isfinite(r["hazard"]) else f"{r['hazard']:.2f}",
                     f"{r['density']:.2f}"]
            if has_moran:
                sd, pv = r["moran_sd"], r["moran_pval"]
                if not np.isfinite(sd):
                    cells.append(" - ")
                else:
                    stars = ("***" if pv <= .01 else "**" if pv <= .05 else "*" if pv <= .1
                             else "")
                    cells.append(f"{r['moran_obs']:.2f} ({sd:.2f}) {stars:<3}")
            lines.append(" ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
        n = self.n
        lines.append(rule)
        lines.append(f" Left censoring  : {self.left_censoring / n:.2f} ({self.left_censoring})")
        lines.append(f" Right censoring : {self.right_censoring / n:.2f} "
                     f"({self.right_censoring})")
        lines.append(f" # of nodes      : {n}")
        return "\n".join(lines)


def summarize(net: DiffusionNetwork, *, moran_i: bool = True, valued: bool = False,
              max_steps: int = 6) -> DiffusionSummary:
    """Per-period summary: adopters, cumulative adopters, hazard, density, Moran's I.

    Moran's I is of the cumulative adoption indicator in each period, with
    inverse-geodesic weights (:func:`geodesic_weights`), row-normalised, as
    netdiffuseR's ``summary.diffnet``. Skip it (``moran_i=False``) for large graphs.

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4, 5], "toa": [1, 2, 2, 3, None]}),
    ...     pd.DataFrame({"source": [1, 2, 3, 4], "target": [2, 3, 4, 5]}))
    >>> s = summarize(net)
    >>> s.table["cumulative"].tolist(), s.right_censoring
    ([1, 3, 4], 1)
    """
    curve = adoption_curve(net).table
    table = curve.copy()
    table["density"] = density(net, valued=valued)
    if moran_i and net.n < 4:
        for c in ("moran_obs", "moran_exp", "moran_sd", "moran_pval"):
            table[c] = np.nan  # Moran's I needs four nodes
    elif moran_i:
        cum = _cumadopt(net).astype(np.float64)
        rows = []
        cache: dict[int, np.ndarray] = {}
        for k in range(net.n_periods):
            key = 0 if net.static else k
            if key not in cache:
                cache = {key: geodesic_weights(net.graph_at(k), max_steps=max_steps)}
            r = moran(cum[:, k], cache[key])
            rows.append((r.observed, r.expected, r.sd, r.p_value))
        m = np.asarray(rows)
        for j, c in enumerate(("moran_obs", "moran_exp", "moran_sd", "moran_pval")):
            table[c] = m[:, j]
    return DiffusionSummary(
        table=table,
        left_censoring=int(np.sum(net.toa == net.t0)),
        right_censoring=int(np.sum(np.isnan(net.toa))),
        n=net.n,
        name=net.name,
    )


# -- exposure and thresholds ----------------------------------------------------------


def _oriented(g: sparse.csr_matrix, outgoing: bool, valued: bool) -> sparse.csr_matrix:
    a = g if outgoing else g.T.tocsr()
    a = sparse.csr_matrix(a, dtype=np.float64, copy=True)  # never touch the network's
    a.sort_indices()
    if not valued:
        a.data[:] = 1.0
    return a


def _weights_for(net: DiffusionNetwork, k: int, outgoing: bool, valued: bool,
                 alt: Any) -> sparse.csr_matrix:
    if alt is None:
        return _oriented(net.graph_at(k), outgoing, valued)
    if isinstance(alt, list | tuple):
        return _oriented(sparse.csr_matrix(alt[0] if len(alt) == 1 else alt[k]), outgoing,
                         True)
    return _oriented(sparse.csr_matrix(alt), outgoing, True)


def exposure(
    net: DiffusionNetwork,
    *,
    lags: int = 0,
    outgoing: bool = True,
    valued: bool = False,
    normalized: bool = True,
    alt_graph: Any = None,
    attrs: np.ndarray | None = None,
    empty: float = 0.0,
    group: str | np.ndarray | None = None,
) -> pd.DataFrame:
    """Each node's exposure to adopters in each period.

    ``E_i(t) = sum_j w_ij a_j(t - lags) x_j / sum_j w_ij x_j``, with ``a_j(t) = 1`` when
    ``j`` adopted by ``t`` and ``w`` the period's ties (netdiffuseR's ``exposure``).

    Parameters
    ----------
    net : DiffusionNetwork
    lags : int, default 0
        Exposure in ``t`` from adoption by ``t - lags`` on the graph of ``t - lags``
        (the first ``lags`` periods are NaN). ``lags=1`` is the lagged exposure of the
        diffusion regression. Negative lags look ahead.
    outgoing : bool, default True
        Alters ``j`` that ``i`` has ties to (``i -> j``; for nominations, the people ``i``
        named). False: the people who named ``i``.
    valued : bool, default False
        Use tie weights (nomination counts); default 0/1.
    normalized : bool, default True
        A share; False gives the (weighted) count of adopted alters.
    alt_graph : sparse matrix, list of them, or "se", optional
        Other weights in place of the ties (always valued): an ``n x n`` matrix, one per
        period, or ``"se"`` for structural-equivalence exposure (netdiffuseR's
        ``alt.graph="se"``: weights ``1 / SE`` from :func:`structural_equivalence`).
        Cohesion exposure is the default (the ties themselves).
    attrs : ndarray, optional
        Alter attribute ``x_j`` (shape ``(n,)`` or ``(n, T)``), e.g. degree; default 1.
    empty : float, default 0.0
        Exposure of a node with no alters (netdiffuseR gives 0; pass ``nan`` to mark it
        undefined, as :func:`downline.adoption.exposure` does).
    group : str or ndarray, optional
        With ``alt_graph="se"``: structural equivalence within each group only (a
        covariate name or one label per node; netdiffuseR's ``groupvar``).

    Returns
    -------
    DataFrame
        Rows: node ids; columns: periods.

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": ["a", "b", "c"], "toa": [1, 2, 3]}),
    ...     pd.DataFrame({"source": ["c", "c"], "target": ["a", "b"]}))
    >>> exposure(net).loc["c"].tolist()
    [0.5, 1.0, 1.0]
    >>> exposure(net, lags=1).loc["c"].tolist()
    [nan, 0.5, 1.0]
    """
    lags = int(lags)
    T = net.n_periods
    if abs(lags) >= T:
        raise ParameterError(f"|lags| must be below the number of periods ({T})", field="lags")
    if isinstance(alt_graph, str):
        if alt_graph != "se":
            raise ParameterError("the only named alt_graph is 'se'", field="alt_graph")
        groups = _group_labels(net, group)
        alt_graph = [_inverse(structural_equivalence(net.graph_at(k), groups=groups))
                     for k in range(1 if net.static else T)]
    elif group is not None:
        raise ParameterError("group is used only with alt_graph='se'", field="group")
    static = (net.static and alt_graph is None) or (
        isinstance(alt_graph, sparse.spmatrix | np.ndarray))
    x = None if attrs is None else np.asarray(attrs, dtype=np.float64)
    if x is not None and x.shape not in ((net.n,), (net.n, T)):
        raise ParameterError("attrs must have shape (n,) or (n, T)", field="attrs")
    if static and (x is None or x.ndim == 1):
        a = _weights_for(net, 0, outgoing, valued, alt_graph)
        if x is not None:
            a = (a @ sparse.diags(x)).tocsr()
        num, den = flagged_share_by_period(a.indptr, a.indices, net.toa, net.t0, T,
                                           weights=a.data)
        base = _normalise(num, den, normalized, empty)
    else:
        base = np.full((net.n, T), np.nan)
        for k in range(T):
            a = _weights_for(net, k, outgoing, valued, alt_graph)
            if x is not None:
                xk = x if x.ndim == 1 else x[:, k]
                a = (a @ sparse.diags(xk)).tocsr()
            at = np.full(net.n, float(net.periods[k]))
            num, den = flagged_share(a.indptr, a.indices, net.toa, at, weights=a.data,
                                     strict=False)
            base[:, k] = _normalise(num[:, None], den, normalized, empty)[:, 0]
    if lags == 0:
        out = base
    else:
        out = np.full((net.n, T), np.nan)
        if lags > 0:
            out[:, lags:] = base[:, :T - lags]
        else:
            out[:, :T + lags] = base[:, -lags:]
    return pd.DataFrame(out, copy=False, index=pd.Index(net.ids, name="id"),
                        columns=pd.Index(net.periods, name="period"))


def _normalise(num: np.ndarray, den: np.ndarray, normalized: bool, empty: float) -> np.ndarray:
    """Shares in place (no second ``n x T`` buffer)."""
    if not normalized:
        return num
    with np.errstate(invalid="ignore", divide="ignore"):
        num /= den[:, None]
    num[den == 0, :] = empty
    return num


def _inverse(se: np.ndarray) -> sparse.csr_matrix:
    with np.errstate(divide="ignore"):
        inv = 1.0 / se
    inv[~np.isfinite(inv)] = 0.0
    return sparse.csr_matrix(inv)


def network_thresholds(
    net: DiffusionNetwork,
    *,
    lags: int = 0,
    outgoing: bool = True,
    valued: bool = False,
    alt_graph: Any = None,
    empty: float = 0.0,
) -> pd.Series:
    """Each adopter's threshold: their exposure when they adopted.

    ``threshold_i = E_i(toa_i)`` with :func:`exposure`'s conventions (``lags=0``:
    alters who adopted in the same period count, as netdiffuseR's ``threshold``).
    Computed in one pass over the ties (no ``n x T`` matrix): O(m + n) for a static
    graph, O(m + n T) for one graph per period.
    Never-adopters, and adopters whose ``toa - lags`` falls before the first period, get
    NaN.

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": ["a", "b", "c"], "toa": [1, 2, None]}),
    ...     pd.DataFrame({"source": ["b", "b", "c"], "target": ["a", "c", "a"]}))
    >>> network_thresholds(net).tolist()
    [0.0, 0.5, nan]
    """
    at = net.toa - lags
    at[(at < net.t0) | (at > net.t1)] = np.nan
    if net.static and alt_graph is None:
        a = _weights_for(net, 0, outgoing, valued, None)
        num, den = flagged_share(a.indptr, a.indices, net.toa, at, weights=a.data,
                                 strict=False)
        with np.errstate(invalid="ignore", divide="ignore"):
            thr = np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)
        thr[np.isnan(at)] = np.nan
    elif alt_graph is None:
        # one pass per period over that period's ties, for the nodes evaluated in it
        thr = np.full(net.n, np.nan)
        for k, period in enumerate(net.periods):
            mine = at == period
            if not mine.any():
                continue
            a = _weights_for(net, k, outgoing, valued, None)
            num, den = flagged_share(a.indptr, a.indices, net.toa,
                                     np.where(mine, at, np.nan), weights=a.data,
                                     strict=False)
            with np.errstate(invalid="ignore", divide="ignore"):
                thr[mine] = np.where(den[mine] > 0, num[mine] / np.where(
                    den[mine] > 0, den[mine], 1.0), empty)
    else:
        e = exposure(net, outgoing=outgoing, valued=valued, alt_graph=alt_graph,
                     empty=empty).to_numpy()
        thr = np.full(net.n, np.nan)
        ok = np.isfinite(at)
        thr[ok] = e[np.flatnonzero(ok), (at[ok] - net.t0).astype(np.int64)]
    return pd.Series(thr, index=pd.Index(net.ids, name="id"), name="threshold")


def _group_labels(net: DiffusionNetwork, group: str | np.ndarray | None) -> np.ndarray | None:
    if group is None:
        return None
    if isinstance(group, str):
        if group not in net.covariates.columns:
            raise ParameterError(f"no covariate {group!r}", field="group")
        return net.covariates[group].to_numpy()
    labels = np.asarray(group)
    if labels.shape != (net.n,):
        raise ParameterError("group must give one label per node", field="group")
    return labels


def mean_thresholds_by(net: DiffusionNetwork, group: str | np.ndarray,
                       **threshold_args: Any) -> pd.Series:
    """Mean threshold per group (``tapply(threshold(x), group, mean, na.rm = TRUE)``).

    Thresholds are computed on the whole network (:func:`network_thresholds`, with
    ``threshold_args``); where no tie crosses a group, as in the classic studies, this
    equals the mean on each group's own subnetwork (the vignette's
    ``struct_test(diffnet_city1, avgthr)``).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4], "toa": [1, 2, 1, 2], "g": [1, 1, 2, 2]}),
    ...     pd.DataFrame({"source": [2, 3], "target": [1, 4]}))
    >>> mean_thresholds_by(net, "g").tolist()
    [0.5, 0.0]
    """
    labels = _group_labels(net, group)
    thr = network_thresholds(net, **threshold_args).to_numpy()
    frame = pd.DataFrame({"group": labels, "threshold": thr})
    return frame.groupby("group", sort=True)["threshold"].mean().rename("mean_threshold")


def mean_threshold(net: DiffusionNetwork) -> float:
    """Mean threshold over the nodes that have one (the statistic of netdiffuseR's
    ``struct_test`` examples: ``mean(threshold(x), na.rm = TRUE)``)."""
    return float(np.nanmean(network_thresholds(net).to_numpy()))


# -- infection and susceptibility -------------------------------------------------------


def _discounts(K: int, r: float, expdiscount: bool) -> np.ndarray:
    k = np.arange(1, K + 1, dtype=np.float64)
    return (1.0 + r) ** (k - 1.0) if expdiscount else k


def _edge_arrays(net: DiffusionNetwork, k: int, valued: bool, outgoing: bool):
    a = _oriented(net.graph_at(k), outgoing, valued).tocoo()
    keep = a.row != a.col
    return a.row[keep], a.col[keep], a.data[keep]


def _infect_suscept(net: DiffusionNetwork, K: int, r: float, expdiscount: bool,
                    normalize: bool, valued: bool, outgoing: bool, forward: bool) -> pd.Series:
    T = net.n_periods
    if K < 1:
        raise ParameterError("K must be at least 1", field="K")
    K = min(K, T - 1) if T > 1 else 1
    disc = _discounts(K, r, expdiscount)
    rel = net.toa - net.t0 + 1
    num = np.zeros(net.n)
    den = np.zeros(net.n)
    nad = np.zeros(net.n)
    counts = pd.Series(rel[np.isfinite(rel)]).value_counts()
    for k in range(1, K + 1):
        target = rel + k if forward else rel - k
        per_node = counts.reindex(target).fillna(0.0).to_numpy()
        # graph index: infection uses the graph of period rel + k, susceptibility of
        # period rel - k + 1 (netdiffuseR's indexing); only nodes whose period exists
        gper = (rel + k) if forward else (rel - k + 1)
        valid = np.isfinite(rel) & ((gper <= T) if forward else (gper > 1))
        nad += np.where(valid, per_node, 0.0) / disc[k - 1]
        for g in (range(1) if net.static else range(T)):
            rows, cols, _ = _edge_arrays(net, g, valued, outgoing)
            if forward:
                ego, alter = cols, rows          # edges alter -> ego (j named i)
            else:
                ego, alter = rows, cols          # edges ego -> alter
            sel = valid[ego] if net.static else valid[ego] & (gper[ego] == g + 1)
            ego, alter = ego[sel], alter[sel]
            ta, te = rel[alter], target[ego]
            hit = (ta == te)
            risk = (ta >= te) if forward else (ta <= te)
            risk &= np.isfinite(ta)
            np.add.at(num, ego[hit], 1.0 / disc[k - 1])
            np.add.at(den, ego[risk], 1.0 / disc[k - 1])
    out = num / (den + 1e-15)
    if normalize:
        out = out / (nad + 1e-15)
    skip = (rel == T) if forward else (rel == 1)
    out[skip] = 0.0
    out[~np.isfinite(rel)] = np.nan
    return pd.Series(out, index=pd.Index(net.ids, name="id"),
                     name="infection" if forward else "susceptibility")


def infection(net: DiffusionNetwork, *, K: int = 1, r: float = 0.5, expdiscount: bool = False,
              normalize: bool = True, valued: bool = False, outgoing: bool = True) -> pd.Series:
    """Infectiousness (Valente 1995; netdiffuseR's ``infection``).

    For adopter ``i``: the (discounted) share of the people tied to ``i`` (``j -> i``)
    who adopted ``k = 1..K`` periods after ``i``, among those not yet adopted then;
    ``normalize`` divides by all adopters of those periods. Discount ``1/k``, or
    ``1/(1+r)^(k-1)`` with ``expdiscount``. Adopters of the last period get 0,
    never-adopters NaN (netdiffuseR reads a missing time as an undefined integer).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4, 5], "toa": [2, 1, 3, 4, 4]}),
    ...     pd.DataFrame({"source": [2, 3, 4, 5], "target": [1, 1, 1, 1]}),
    ...     periods=(1, 4))
    >>> round(float(infection(net, normalize=False).iloc[0]), 6)
    0.333333
    """
    return _infect_suscept(net, K, r, expdiscount, normalize, valued, outgoing, True)


def susceptibility(net: DiffusionNetwork, *, K: int = 1, r: float = 0.5,
                   expdiscount: bool = False, normalize: bool = True, valued: bool = False,
                   outgoing: bool = True) -> pd.Series:
    """Susceptibility (Valente 1995; netdiffuseR's ``susceptibility``).

    For adopter ``i``: the (discounted) share of ``i``'s alters (``i -> j``) who adopted
    ``k = 1..K`` periods before ``i``, among those adopted by then; adopters of the first
    period get 0.

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4, 5], "toa": [1, 4, 1, 2, 3]}),
    ...     pd.DataFrame({"source": [5, 5, 5, 5], "target": [1, 2, 3, 4]}))
    >>> round(float(susceptibility(net, normalize=False).iloc[4]), 6)
    0.333333
    """
    return _infect_suscept(net, K, r, expdiscount, normalize, valued, outgoing, False)


# -- classification -------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """Adopters by time of adoption and by threshold (Valente 1995, p. 94).

    Attributes
    ----------
    toa_class, thr_class : Series of str
        Per node: one of :data:`TOA_CLASSES` / :data:`THR_CLASSES`.
    toa_cutoffs, thr_cutoffs : tuple of float
        ``mean - sd, mean, mean + sd`` of the times of adoption and of the thresholds
        (sample standard deviations).
    counts : DataFrame
        The five-by-five table of counts (rows time classes, columns threshold classes).
    """

    toa_class: pd.Series
    thr_class: pd.Series
    toa_cutoffs: tuple[float, float, float]
    thr_cutoffs: tuple[float, float, float]
    counts: pd.DataFrame

    def percent(self, digits: int = 2,
                of: Literal["nodes", "adopters"] = "nodes") -> pd.DataFrame:
        """The table in percent, rounded as netdiffuseR prints it.

        ``of="nodes"``: of all nodes (``ftable(classify_adopters(x), as.pcent = TRUE)``);
        ``of="adopters"``: of the nodes with a time of adoption, as the
        ``?classify_adopters`` example divides by ``nnodes(x[!is.na(x$toa)])``.
        """
        if of not in ("nodes", "adopters"):
            raise ParameterError("of must be 'nodes' or 'adopters'", field="of")
        total = self.counts.to_numpy().sum()
        if of == "adopters":
            total -= int(self.counts.loc[TOA_CLASSES[0]].sum())
        return (self.counts / total * 100).round(digits)

    def to_dict(self) -> dict[str, Any]:
        """Cut-offs, counts and percentages."""
        return {"toa_cutoffs": list(self.toa_cutoffs), "thr_cutoffs": list(self.thr_cutoffs),
                "counts": _plain(self.counts.to_dict(orient="index")),
                "percent": _plain(self.percent().to_dict(orient="index"))}


def _interval(x: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """R's ``findInterval``: 0 below the first cut, k when ``cuts[k-1] <= x < cuts[k]``."""
    return np.searchsorted(cuts, x, side="right")


def classify_adopters(net: DiffusionNetwork, **exposure_args: Any) -> Classification:
    """Classify nodes by time of adoption and threshold at mean - sd, mean, mean + sd.

    Times: Early Adopters (``toa < m - s``), Early Majority, Late Majority, Laggards
    (``toa >= m + s``); thresholds likewise from Very Low to Very High. Nodes without a
    time of adoption, or without a threshold, are "Non-Adopters". This is netdiffuseR's
    ``classify_adopters`` (its ``include_censored`` no longer changes the thresholds in
    version 1.25, so it is not an argument here).

    Parameters
    ----------
    net : DiffusionNetwork
    **exposure_args
        Passed to :func:`network_thresholds` (``outgoing``, ``valued``, ``lags``).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4], "toa": [1, 2, 3, None]}),
    ...     pd.DataFrame({"source": [2, 3, 3], "target": [1, 1, 2]}))
    >>> classify_adopters(net).toa_class.tolist()
    ['Early Majority', 'Late Majority', 'Laggards', 'Non-Adopters']
    """
    toa = net.toa
    ok = np.isfinite(toa)
    if ok.sum() < 2:
        raise InputError("classification needs at least two adopters", field="toa")
    thr = network_thresholds(net, **exposure_args).to_numpy()
    tc = np.mean(toa[ok]) + np.std(toa[ok], ddof=1) * np.array([-1.0, 0.0, 1.0])
    hok = np.isfinite(thr)
    hc = np.mean(thr[hok]) + np.std(thr[hok], ddof=1) * np.array([-1.0, 0.0, 1.0])
    t_idx = np.where(ok, _interval(np.where(ok, toa, 0), tc) + 1, 0)
    h_idx = np.where(hok, _interval(np.where(hok, thr, 0), hc) + 1, 0)
    toa_class = pd.Series(np.asarray(TOA_CLASSES, dtype=object)[t_idx],
                          index=pd.Index(net.ids, name="id"), name="toa")
    thr_class = pd.Series(np.asarray(THR_CLASSES, dtype=object)[h_idx],
                          index=pd.Index(net.ids, name="id"), name="thr")
    counts = np.zeros((5, 5), dtype=np.int64)
    np.add.at(counts, (t_idx, h_idx), 1)
    table = pd.DataFrame(counts, index=pd.Index(TOA_CLASSES, name="toa"),
                         columns=pd.Index(THR_CLASSES, name="thr"))
    return Classification(toa_class=toa_class, thr_class=thr_class,
                          toa_cutoffs=tuple(float(v) for v in tc),
                          thr_cutoffs=tuple(float(v) for v in hc), counts=table)


# -- diffusion regression ----------------------------------------------------------------


@dataclass(frozen=True)
class DiffusionRegression:
    """Logit of adoption on lagged exposure and covariates (netdiffuseR's ``diffreg``).

    Attributes
    ----------
    params, stderr, z, p_values : dict of float
        By term name (``(Intercept)``, ``exposure``, covariates, ``factor(per)k``,
        ``factor(group)g``), as R's ``summary(glm)`` names them.
    n_obs, n_events : int
        Person-periods used and adoptions among them.
    loglik, deviance, null_deviance, aic : float
    converged : bool
    message : str
    """

    params: dict[str, float]
    stderr: dict[str, float]
    z: dict[str, float]
    p_values: dict[str, float]
    n_obs: int
    n_events: int
    loglik: float
    deviance: float
    null_deviance: float
    aic: float
    converged: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """All fields as plain values."""
        return _plain(dict(self.__dict__))

    def table(self) -> pd.DataFrame:
        """Estimate, Std. Error, z value, Pr(>|z|) by term."""
        return pd.DataFrame({"estimate": self.params, "std_error": self.stderr,
                             "z": self.z, "p": self.p_values})


def _covariate(net: DiffusionNetwork, term: str) -> tuple[str, np.ndarray]:
    name = term.strip()
    power = 1
    if name.startswith("I(") and name.endswith(")"):
        name = name[2:-1].strip()
    if "^" in name:
        name, p = name.split("^", 1)
        name = name.strip()
        try:
            power = int(p)
        except ValueError:
            raise ParameterError(f"cannot read the power in {term!r}", field="covariates") \
                from None
    if name not in net.covariates.columns:
        raise ParameterError(f"no covariate {name!r} (have: "
                             f"{', '.join(map(str, net.covariates.columns))})",
                             field="covariates")
    col = pd.to_numeric(net.covariates[name], errors="coerce").to_numpy(dtype=np.float64)
    label = name if power == 1 else f"I({name}^{power})"
    return label, col ** power


def diffusion_regression(
    net: DiffusionNetwork,
    covariates: Sequence[str] = (),
    *,
    lags: int = 1,
    period_effects: bool = True,
    factors: Sequence[str] = (),
    periods: tuple[int, int] | None = None,
    outgoing: bool = True,
    valued: bool = False,
    link: Literal["logit", "probit"] = "logit",
) -> DiffusionRegression:
    """Fit ``logit P(adopted_it) ~ exposure_i(t - lags) + covariates [+ period effects]``.

    The person-period rows are those of netdiffuseR's ``diffreg``: every period up to and
    including a node's adoption (never-adopters: every period), ``adopted = 1`` in the
    adoption period; rows with a missing exposure (the first ``lags`` periods) or a
    missing covariate are dropped (R's ``na.omit``), and factor levels absent from the
    rows left are dropped (``glm``'s ``drop.unused.levels``). The fit is R's ``glm.fit``
    step for step (:mod:`downline.adoption._glm`), so coefficients and standard errors
    agree with ``summary(diffreg(...))`` to its printed digits, even where a period is
    perfectly predicted (netdiffuseR's coded never-adopters all "adopt" in the last
    period: R stops at a large finite coefficient with a huge standard error, and so do
    we; ``message`` says so).

    Parameters
    ----------
    net : DiffusionNetwork
    covariates : sequence of str
        Covariate columns; ``"x^2"`` (or ``"I(x^2)"``) adds a power; ``"per"`` (when no
        column has that name) is the period itself as a number (``?diffreg``'s
        ``~ exposure + factor(city) + proage + per``).
    lags : int, default 1
        Lag of exposure (:func:`exposure`); ``diffreg``'s default ``exposure`` term.
    period_effects : bool, default True
        One intercept per period (``factor(per)``; the first period used is the base).
    factors : sequence of str
        Categorical covariates (``factor(city)``), first level the base.
    periods : (int, int), optional
        Only rows in these periods (e.g. the vignette's ``per < 18``).
    outgoing, valued : bool
        As in :func:`exposure`.
    link : {"logit", "probit"}
        ``diffreg``'s ``type``.

    Returns
    -------
    DiffusionRegression

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = 60
    >>> src = rng.integers(0, n, 200); dst = rng.integers(0, n, 200)
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": range(n), "toa": rng.integers(1, 6, n).astype(float)}),
    ...     pd.DataFrame({"source": src, "target": dst}))
    >>> fit = diffusion_regression(net)
    >>> sorted(fit.params)[:2]
    ['(Intercept)', 'exposure']
    """
    if link not in ("logit", "probit"):
        raise ParameterError("link must be 'logit' or 'probit'", field="link")
    e = exposure(net, lags=lags, outgoing=outgoing, valued=valued).to_numpy()
    per = net.periods.astype(np.float64)
    toa = net.toa
    at_risk = np.isnan(toa)[:, None] | (per[None, :] <= toa[:, None])
    if periods is not None:
        at_risk &= (per[None, :] >= periods[0]) & (per[None, :] <= periods[1])
    rows, cols = np.nonzero(at_risk)
    y = (toa[rows] == per[cols]).astype(np.float64)
    names = ["(Intercept)", "exposure"]
    xs = [np.ones(rows.shape[0]), e[rows, cols]]
    for term in covariates:
        if term.strip() == "per" and "per" not in net.covariates.columns:
            names.append("per")
            xs.append(per[cols])
            continue
        label, col = _covariate(net, term)
        names.append(label)
        xs.append(col[rows])
    fac_vals = []
    for fac in factors:
        if fac not in net.covariates.columns:
            raise ParameterError(f"no covariate {fac!r}", field="factors")
        vals = net.covariates[fac].to_numpy()[rows]
        fac_vals.append(vals)
    x = np.column_stack(xs)
    ok = np.all(np.isfinite(x), axis=1)
    for vals in fac_vals:
        ok &= ~pd.isna(vals)
    x, y, used_cols = x[ok], y[ok], cols[ok]
    for fac, vals in zip(factors, fac_vals, strict=True):
        vals = vals[ok]
        for lev in sorted(pd.unique(vals).tolist())[1:]:
            names.append(f"factor({fac}){_level(lev)}")
            x = np.column_stack([x, (vals == lev).astype(np.float64)])
    if period_effects:
        for k in np.unique(used_cols)[1:]:
            names.append(f"factor(per){_level(net.periods[k])}")
            x = np.column_stack([x, (used_cols == k).astype(np.float64)])
    if y.size == 0 or y.sum() in (0, y.size):
        raise InputError("no variation in adoption among the rows used: nothing to fit")
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise InputError("the terms are collinear on the rows used (a covariate constant "
                         "there, or equal to a period or factor effect): drop one")
    fit = fit_binomial(x, y, link=link)
    beta = fit.beta
    se = np.sqrt(np.clip(np.diag(fit.cov), 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = beta / se
    p = 2 * stats.norm.sf(np.abs(z))
    if not fit.converged:
        message = f"IRLS did not converge in {fit.iterations} iterations (as R's glm.fit)"
    elif np.any(se > 100):
        big = [nm for nm, s_ in zip(names, se, strict=True) if s_ > 100]
        message = (f"converged in {fit.iterations} iterations, but adoption is perfectly "
                   f"predicted by {', '.join(big)} (quasi-separation): the estimates there "
                   "are where R's glm stops, not finite maxima")
    else:
        message = f"converged in {fit.iterations} iterations"
    ll = -fit.deviance / 2
    return DiffusionRegression(
        params=dict(zip(names, map(float, beta), strict=True)),
        stderr=dict(zip(names, map(float, se), strict=True)),
        z=dict(zip(names, map(float, z), strict=True)),
        p_values=dict(zip(names, map(float, p), strict=True)),
        n_obs=int(y.size), n_events=int(y.sum()), loglik=float(ll),
        deviance=float(fit.deviance), null_deviance=float(fit.null_deviance),
        aic=float(fit.deviance + 2 * len(names)), converged=bool(fit.converged),
        message=message)


def _level(v: Any) -> str:
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    return str(v)


# -- structure test -------------------------------------------------------------------


def rewire_swap(adjacency: sparse.spmatrix, n_swaps: int, *,
                seed: int | np.random.Generator | None = None) -> sparse.csr_matrix:
    """Degree-preserving rewiring by edge swaps (``a->b, c->d`` to ``a->d, c->b``).

    Swaps that would make a self-tie or a repeated tie are skipped, so every out- and
    in-degree is kept (netdiffuseR's ``rewire_graph(algorithm = "swap")``). Weights
    travel with their edge's source.

    Examples
    --------
    >>> from scipy import sparse
    >>> a = sparse.random(50, 50, density=0.1, format="csr", random_state=1)
    >>> b = rewire_swap(a, 500, seed=1)
    >>> bool((abs(b).sum(axis=1) > 0).sum() == (abs(a).sum(axis=1) > 0).sum())
    True
    """
    a = sparse.csr_matrix(adjacency).tocoo()
    keep = a.row != a.col
    src = a.row[keep].astype(np.int64)
    dst = a.col[keep].astype(np.int64)
    w = a.data[keep].astype(np.float64)
    rng = np.random.default_rng(seed)
    m = src.shape[0]
    first = rng.integers(0, max(m, 1), int(n_swaps))
    second = rng.integers(0, max(m, 1), int(n_swaps))
    _kernels.swap_edges(src, dst, int(a.shape[0]), first, second)
    return sparse.csr_matrix((w, (src, dst)), shape=a.shape)


@dataclass(frozen=True)
class StructureTest:
    """A statistic against its distribution on degree-preserving rewired graphs.

    Attributes
    ----------
    observed : float
        The statistic on the network as observed.
    expected : float
        Its mean over the rewired graphs.
    p_value : float
        ``2 min(P(sim < obs), P(sim > obs))`` (netdiffuseR's ``struct_test``).
    simulated : ndarray
        The statistic on each rewired graph.
    R, seed, n_swaps : int
    """

    observed: float
    expected: float
    p_value: float
    simulated: np.ndarray
    R: int
    seed: int | None
    n_swaps: int

    def to_dict(self) -> dict[str, Any]:
        """Figures (not the simulated values)."""
        return {"observed": self.observed, "expected": self.expected,
                "p_value": self.p_value, "R": self.R, "seed": self.seed,
                "n_swaps": self.n_swaps, "sd": float(np.nanstd(self.simulated, ddof=1))}


def struct_test(
    net: DiffusionNetwork,
    statistic: Callable[[DiffusionNetwork], float] = mean_threshold,
    *,
    R: int = 200,
    seed: int | None = 0,
    swaps_per_edge: float = 20.0,
) -> StructureTest:
    """Test whether ``statistic`` depends on the network's structure.

    Each of ``R`` replicates rewires the (first period's) graph by
    ``swaps_per_edge * ties`` degree-preserving swaps (netdiffuseR's default
    ``p = 20``) and recomputes the statistic with the same times of adoption.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> n = 40
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": range(n), "toa": rng.integers(1, 5, n).astype(float)}),
    ...     pd.DataFrame({"source": rng.integers(0, n, 120),
    ...                   "target": rng.integers(0, n, 120)}))
    >>> t = struct_test(net, R=20, seed=1)
    >>> 0.0 <= t.p_value <= 1.0
    True
    """
    if R < 1:
        raise ParameterError("R must be at least 1", field="R")
    g0 = net.graph_at(0)
    n_swaps = round(swaps_per_edge * g0.nnz)
    observed = float(statistic(net))
    rng = np.random.default_rng(seed)
    sims = np.empty(R)
    for r in range(R):
        g = rewire_swap(g0, n_swaps, seed=rng)
        sims[r] = float(statistic(replace(net, graphs=(g,))))
    p = 2 * min(float(np.mean(sims < observed)), float(np.mean(sims > observed)))
    return StructureTest(observed=observed, expected=float(np.nanmean(sims)), p_value=p,
                         simulated=sims, R=int(R), seed=seed, n_swaps=n_swaps)


# -- structural equivalence -----------------------------------------------------------


def structural_equivalence(adjacency: sparse.spmatrix, *, v: float = 1.0,
                           max_steps: int = 6, groups: np.ndarray | None = None) -> np.ndarray:
    """Burt's (1987) structural equivalence from geodesic distances (dense ``n x n``).

    ``d_ij = sqrt((z_ij - z_ji)^2 + sum_k (z_ik - z_jk)^2 + sum_k (z_ki - z_kj)^2)``
    (``k != i, j``) on geodesic distances ``z`` (0 when more than ``max_steps`` apart,
    scaled to a maximum of 1);
    ``SE_ij = (dmax_i - d_ij)^v / sum_k (dmax_i - d_ik)^v``, zero diagonal
    (netdiffuseR's ``struct_equiv``). With ``groups`` (one label per node), each group
    is computed on its own subgraph and pairs across groups are 0 (``groupvar``).

    Examples
    --------
    >>> from scipy import sparse
    >>> a = sparse.csr_matrix(([1.0, 1.0], ([0, 1], [2, 2])), shape=(3, 3))
    >>> se = structural_equivalence(a)
    >>> bool(se[0, 1] > se[0, 2])
    True
    """
    n = adjacency.shape[0]
    if n > MAX_DENSE_NODES:
        raise ParameterError(f"structural equivalence is dense n x n; {n} nodes is over "
                             f"the bound {MAX_DENSE_NODES}", field="alt_graph")
    if groups is not None:
        labels = np.asarray(groups)
        if labels.shape != (n,) or pd.isna(labels).any():
            raise ParameterError("groups must give one (non-missing) label per node",
                                 field="groups")
        out = np.zeros((n, n))
        a = sparse.csr_matrix(adjacency)
        for lev in pd.unique(labels):
            idx = np.flatnonzero(labels == lev)
            out[np.ix_(idx, idx)] = structural_equivalence(a[idx][:, idx], v=v,
                                                           max_steps=max_steps)
        return out
    d = _se_distances(adjacency, max_steps)
    dmax = d.max(axis=1)
    gap = dmax[:, None] - d
    # Nodes as far from i as i's farthest get exactly 0, as in exact arithmetic: the
    # expansion in _se_distances leaves rounding noise of ~1e-16 there, which 1 / SE
    # (alt_graph="se") would turn into weights of 1e16. netdiffuseR takes dmax_i with
    # max.col(), which breaks ties *at random* within a relative 1e-5, so its SE is not
    # repeatable for rows whose largest distances (nearly) tie; ours is the true maximum.
    gap[gap <= 1e-12 * np.maximum(dmax[:, None], 1.0)] = 0.0
    s = gap ** v
    np.fill_diagonal(s, 0.0)
    return s / (s.sum(axis=1, keepdims=True) + 1e-15)


def _se_distances(adjacency: sparse.spmatrix, max_steps: int) -> np.ndarray:
    """Burt's Euclidean distances ``d_ij`` on scaled geodesics (dense ``n x n``)."""
    a = sparse.csr_matrix(adjacency, dtype=np.float64, copy=True)
    a.data[:] = 1.0
    z = csgraph.shortest_path(a, method="D", directed=True, unweighted=True)
    z[~np.isfinite(z) | (z > max_steps)] = 0.0
    if z.max() > 0:
        z /= z.max()  # netdiffuseR scales geodesics to a maximum of 1
    sq = np.sum(z ** 2, axis=1)
    g = z @ z.T
    # sum_k (z_ik - z_jk)^2 over all k, less the k = i and k = j terms
    rows = sq[:, None] + sq[None, :] - 2 * g
    di = np.diag(z)
    rows -= (np.diag(z)[:, None] - z.T) ** 2 + (z - di[None, :]) ** 2
    sqc = np.sum(z ** 2, axis=0)
    gc = z.T @ z
    cols = sqc[:, None] + sqc[None, :] - 2 * gc
    cols -= (di[:, None] - z) ** 2 + (z.T - di[None, :]) ** 2
    return np.sqrt(np.clip((z - z.T) ** 2 + rows + cols, 0, None))


# -- communities ----------------------------------------------------------------------


def saturation(net: DiffusionNetwork, group: str, *,
               adopted: np.ndarray | None = None) -> pd.DataFrame:
    """Per community: size, adopters, saturation (share adopted) and times to 50%.

    ``time_to_half`` is the number of periods from the first period until half of the
    community's eventual adopters had adopted (the first period counts as 1);
    ``time_to_half_members`` until half of its members had (NaN when fewer than half
    ever adopt). The median of ``time_to_half_members`` over communities reproduces the
    "Ave. Time to 50%" of netdiffuseR's ``?diffusion-data`` table (6, 16, 7), which does
    not say how it was computed; see ``docs/adoption.md``.

    Parameters
    ----------
    net : DiffusionNetwork
        With never-adopters censored (``toa`` NaN), not netdiffuseR's coding.
    group : str
        Community column.
    adopted : ndarray of bool, optional
        Who counts as an adopter for ``adopters`` and ``saturation`` (default: a time of
        adoption is known).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3, 4], "toa": [1, 2, 3, None], "g": [1, 1, 2, 2]}),
    ...     pd.DataFrame({"source": [1], "target": [2]}))
    >>> saturation(net, "g")["saturation"].tolist()
    [1.0, 0.5]
    """
    if group not in net.covariates.columns:
        raise ParameterError(f"no covariate {group!r}", field="group")
    g = net.covariates[group].to_numpy()
    ever = np.isfinite(net.toa) if adopted is None else np.asarray(adopted, dtype=bool)
    if ever.shape != (net.n,):
        raise ParameterError("adopted must give one flag per node", field="adopted")
    out = []
    for lev in pd.unique(g):
        m = g == lev
        t = net.toa[m]
        ad = np.sort(t[np.isfinite(t)])
        half = float(ad[int(np.ceil(ad.size / 2)) - 1] - net.t0 + 1) if ad.size else np.nan
        k = int(np.ceil(m.sum() / 2))
        members = float(ad[k - 1] - net.t0 + 1) if ad.size >= k else np.nan
        out.append({"group": _plain(lev), "n": int(m.sum()), "adopters": int(ever[m].sum()),
                    "saturation": ever[m].sum() / m.sum(), "time_to_half": half,
                    "time_to_half_members": members})
    return pd.DataFrame(out).set_index("group").sort_index()
