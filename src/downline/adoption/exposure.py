"""Network exposure, adoption thresholds and the exposure hazard test (Valente 1995).

Edges point the way influence flows (``u -> v``: ``v`` follows ``u``), so a person's
exposure comes from their in-neighbours. Exposure of ``v`` in period ``t`` is

    E_v(t) = sum_u w_uv a_u(t) / sum_u w_uv,

where ``a_u(t) = 1`` when ``u`` adopted strictly before ``t`` (in a period ``< t``) and
``w_uv`` is 1 (unweighted) or the edge weight ``graph.probs`` (weighted). This is
netdiffuseR's ``exposure()`` with its default one-period lag. A person's threshold is
their exposure in the period they adopted. People with no in-neighbours have no defined
exposure (NaN). Adoption times are whole periods; :func:`downline.adoption.to_periods`
turns timestamps into periods.

Bass fits and adopter categories live elsewhere in :mod:`downline.adoption`.

References
----------
Valente, T. W. (1995). Network Models of the Diffusion of Innovations. Hampton Press.
Valente, T. W. (1996). Social network thresholds in the diffusion of innovations.
Social Networks 18, 69-89.
Vega Yon, G. G., & Valente, T. W. netdiffuseR (R package): ``exposure``, ``threshold``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse, special, stats

from downline.adoption.bass import ConvergenceWarning
from downline.common.limits import check_periods
from downline.errors import InputError, ParameterError
from downline.graph import Graph
from downline.graph.exposure import flagged_share

__all__ = [
    "ExposureHazard",
    "ThresholdProfile",
    "exposure",
    "exposure_hazard",
    "threshold_profile",
    "thresholds",
]


# -- inputs --------------------------------------------------------------------------


def _adoption_periods(graph: Graph, adoption_times: Any) -> tuple[np.ndarray, np.ndarray]:
    """Adoption period per node (NaN for never) and the periods ``t0..t1`` covered."""
    if isinstance(adoption_times, pd.Series):
        ids, values = list(adoption_times.index), adoption_times.to_numpy()
    elif isinstance(adoption_times, pd.DataFrame):
        if adoption_times.shape[1] != 2:
            raise InputError("an adoption table needs two columns: id and time")
        ids = adoption_times.iloc[:, 0].tolist()
        values = adoption_times.iloc[:, 1].to_numpy()
    elif isinstance(adoption_times, dict):
        ids, values = list(adoption_times.keys()), np.asarray(list(adoption_times.values()),
                                                              dtype=object)
    else:
        raise InputError("adoption times must be a dict, Series or two-column DataFrame "
                         "mapping person id to adoption period")
    seen: set[Any] = set()
    for i in ids:
        if i in seen:
            raise InputError(f"person {i!r} has more than one adoption time", field="id")
        seen.add(i)
    vals = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(
        dtype=np.float64)
    raw = np.asarray(values, dtype=object)
    given = np.array([v is not None and not (isinstance(v, float) and np.isnan(v))
                      for v in raw], dtype=bool)
    bad = np.flatnonzero(given & ~np.isfinite(vals))
    if bad.size:
        raise InputError(f"adoption time {raw[bad[0]]!r} of {ids[bad[0]]!r} is not a number",
                         field="time")
    frac = np.flatnonzero(np.isfinite(vals) & (vals != np.round(vals)))
    if frac.size:
        raise InputError(
            f"adoption time {vals[frac[0]]:g} of {ids[frac[0]]!r} is not a whole period; "
            "convert timestamps with downline.adoption.to_periods", field="time")
    keep = np.isfinite(vals)
    adopters = [i for i, k in zip(ids, keep, strict=True) if k]
    idx = graph.index_of(adopters) if adopters else np.empty(0, dtype=np.int32)
    if not adopters:
        raise InputError("nobody adopted: no adoption times given", field="time")
    per_node = np.full(graph.n, np.nan)
    per_node[idx] = vals[keep]
    t0, t1 = int(vals[keep].min()), int(vals[keep].max())
    check_periods(t1 - t0 + 1, cause=f"adoption times {t0} .. {t1}", field="time")
    return per_node, np.arange(t0, t1 + 1, dtype=np.int64)


def _in_weights(graph: Graph, weighted: bool) -> sparse.csr_matrix:
    """``W[v, u]``: weight of edge ``u -> v`` (rows are receivers)."""
    r = graph.reverse
    data = r.probs.astype(np.float64) if weighted else np.ones(r.indices.shape[0])
    return sparse.csr_matrix((data, r.indices, r.indptr), shape=(graph.n, graph.n))


def _exposure_matrix(
    graph: Graph, per_node: np.ndarray, periods: np.ndarray, weighted: bool, normalize: bool
) -> np.ndarray:
    w = _in_weights(graph, weighted)
    adopted_before = (per_node[:, None] < periods[None, :]).astype(np.float64)
    num = np.asarray(w @ adopted_before)
    if not normalize:
        return num
    den = np.asarray(w.sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den[:, None]
    out[den == 0, :] = np.nan
    return out


# -- public functions ----------------------------------------------------------------


def exposure(
    graph: Graph,
    adoption_times: Any,
    *,
    weighted: bool = False,
    normalize: bool = True,
) -> pd.DataFrame:
    """Each person's exposure in each period.

    Parameters
    ----------
    graph : Graph
        Who influences whom (``u -> v``: influence flows from ``u`` to ``v``).
    adoption_times : dict, Series or DataFrame
        Person id -> adoption period (whole numbers). People absent, or with a
        missing time, never adopted.
    weighted : bool, default False
        Weigh each in-neighbour by the edge's weight (``graph.probs``).
    normalize : bool, default True
        Share (or weighted share) of in-neighbours who adopted before the period; with
        False, their number (or summed weight).

    Returns
    -------
    DataFrame
        Rows: every node (the user's ids); columns: periods from the first to the last
        adoption. NaN where a person has no in-neighbours (normalized exposure only).

    Raises
    ------
    GraphError
        Naming adopters that are not nodes of the graph.
    InputError
        Duplicate ids, non-whole or non-numeric periods, nobody adopting.

    Notes
    -----
    Only adoptions strictly before period ``t`` count for exposure in ``t`` (Valente
    1995; netdiffuseR's default lag of one period): people who adopt together in the same
    period do not expose one another in it.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "b"], ["c", "c"])
    >>> exposure(g, {"a": 1, "b": 2, "c": 3}).loc["c"].tolist()
    [0.0, 0.5, 1.0]
    """
    per_node, periods = _adoption_periods(graph, adoption_times)
    mat = _exposure_matrix(graph, per_node, periods, weighted, normalize)
    return pd.DataFrame(mat, index=pd.Index(graph.labels, name="id"),
                        columns=pd.Index(periods, name="period"))


def thresholds(graph: Graph, adoption_times: Any, *, weighted: bool = False) -> pd.Series:
    """Each adopter's threshold: their exposure in the period they adopted.

    Parameters
    ----------
    graph, adoption_times, weighted
        As in :func:`exposure` (normalized exposure).

    Returns
    -------
    Series
        Indexed by adopter id (in the graph's order), NaN for adopters with no
        in-neighbours. Never-adopters have no threshold and are left out.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "b"], ["c", "c"])
    >>> thresholds(g, {"a": 1, "b": 2, "c": 3}).to_dict()
    {'a': nan, 'b': nan, 'c': 1.0}
    """
    per_node, _ = _adoption_periods(graph, adoption_times)
    r = graph.reverse
    num, den = flagged_share(r.indptr, r.indices, per_node, per_node, strict=True,
                             weights=r.probs.astype(np.float64) if weighted else None)
    adopters = np.flatnonzero(np.isfinite(per_node))
    with np.errstate(invalid="ignore", divide="ignore"):
        thr = np.where(den[adopters] > 0, num[adopters] / den[adopters], np.nan)
    return pd.Series(thr, index=pd.Index(graph.labels[adopters], name="id"),
                     name="threshold")


@dataclass(frozen=True)
class ThresholdProfile:
    """How much exposure adopters needed.

    Attributes
    ----------
    n_adopters : int
        Adopters with a defined threshold (at least one in-neighbour).
    n_undefined : int
        Adopters with no in-neighbours (no threshold).
    low_cut, high_cut : float
        The rule: low when ``threshold <= low_cut``, high when ``threshold >= high_cut``.
    low_share, high_share : float
        Shares of adopters (with a threshold) at low and at high exposure. Low-exposure
        adopters are the innovators in network terms (Valente 1995): they adopted before
        (almost) any of their neighbours.
    mean, median : float
        Of the thresholds.
    low, high : list
        The ids of low- and high-threshold adopters.
    """

    n_adopters: int
    n_undefined: int
    low_cut: float
    high_cut: float
    low_share: float
    high_share: float
    mean: float
    median: float
    low: list[Any]
    high: list[Any]

    def to_dict(self) -> dict[str, Any]:
        """Summary figures (not the id lists) as plain values."""
        return {
            "n_adopters": self.n_adopters,
            "n_undefined": self.n_undefined,
            "low_cut": self.low_cut,
            "high_cut": self.high_cut,
            "low_share": self.low_share,
            "high_share": self.high_share,
            "low_count": len(self.low),
            "high_count": len(self.high),
            "mean": self.mean,
            "median": self.median,
        }


def threshold_profile(
    graph: Graph,
    adoption_times: Any,
    *,
    weighted: bool = False,
    low_cut: float = 0.0,
    high_cut: float = 0.5,
) -> ThresholdProfile:
    """Shares of adopters who adopted at low and at high exposure.

    Parameters
    ----------
    graph, adoption_times, weighted
        As in :func:`exposure`.
    low_cut : float, default 0.0
        Thresholds ``<= low_cut`` are low (default: no in-neighbour had adopted: the
        network innovators).
    high_cut : float, default 0.5
        Thresholds ``>= high_cut`` are high (default: half or more had adopted).

    Returns
    -------
    ThresholdProfile

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "b", "c"], ["b", "c", "a"])
    >>> threshold_profile(g, {"a": 1, "b": 2, "c": 3}).low_share
    0.3333333333333333
    """
    if not 0.0 <= low_cut <= 1.0 or not 0.0 <= high_cut <= 1.0 or low_cut >= high_cut:
        raise ParameterError("need 0 <= low_cut < high_cut <= 1", field="low_cut")
    th = thresholds(graph, adoption_times, weighted=weighted)
    defined = th.dropna()
    n = int(defined.shape[0])
    low = defined[defined <= low_cut]
    high = defined[defined >= high_cut]
    return ThresholdProfile(
        n_adopters=n,
        n_undefined=int(th.shape[0] - n),
        low_cut=float(low_cut),
        high_cut=float(high_cut),
        low_share=len(low) / n if n else float("nan"),
        high_share=len(high) / n if n else float("nan"),
        mean=float(defined.mean()) if n else float("nan"),
        median=float(defined.median()) if n else float("nan"),
        low=low.index.tolist(),
        high=high.index.tolist(),
    )


# -- the hazard test -----------------------------------------------------------------


@dataclass(frozen=True)
class ExposureHazard:
    """Discrete-time hazard (logistic) model of adopting on exposure.

    ``logit P(v adopts in t | not before t) = b0 + b1 E_v(t) [+ time terms]``, fitted by
    maximum likelihood on every person-period at risk.

    Attributes
    ----------
    coef, stderr : float
        ``b1`` and its standard error (inverse Fisher information).
    z, p_value : float
        Wald test of ``b1 = 0`` (two-sided).
    lr_stat, lr_p_value : float
        Likelihood-ratio test against the same model without exposure (chi-squared, 1 df).
    odds_ratio : float
        ``exp(b1)``: odds multiplier from no exposure to full exposure.
    conf_int : tuple of float
        Wald interval of ``b1`` at the requested ``alpha``.
    params : dict
        Every coefficient by name (``const``, ``exposure``, ``period`` or ``period=k``).
    n_obs, n_events, n_people : int
        Person-periods at risk, adoptions among them, people at risk at least once.
    time_effects : str
        ``"none"``, ``"linear"`` or ``"dummies"``.
    converged : bool
        Whether Newton-Raphson converged (False under separation; see ``message``).
    message : str
    """

    coef: float
    stderr: float
    z: float
    p_value: float
    lr_stat: float
    lr_p_value: float
    odds_ratio: float
    conf_int: tuple[float, float]
    params: dict[str, float]
    n_obs: int
    n_events: int
    n_people: int
    time_effects: str
    converged: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """All fields as plain values."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _logit_mle(x: np.ndarray, y: np.ndarray, max_iter: int = 100) -> tuple[
        np.ndarray, np.ndarray, float, bool, str]:
    """Newton-Raphson (IRLS) for a logit; returns beta, covariance, log-lik, ok, message."""
    beta = np.zeros(x.shape[1])
    ybar = float(np.clip(y.mean(), 1e-9, 1 - 1e-9))
    beta[0] = np.log(ybar / (1 - ybar))

    def loglik(b: np.ndarray) -> float:
        eta = x @ b
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)))

    ll = loglik(beta)
    for _ in range(max_iter):
        mu = special.expit(x @ beta)
        w = mu * (1 - mu)
        grad = x.T @ (y - mu)
        info = (x * w[:, None]).T @ x
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            return beta, np.full((x.shape[1],) * 2, np.nan), ll, False, "singular information"
        t = 1.0
        while True:
            new = beta + t * step
            new_ll = loglik(new)
            if new_ll >= ll - 1e-12 or t < 1e-8:
                break
            t /= 2
        beta, old = new, ll
        ll = new_ll
        if abs(ll - old) < 1e-10 * (1 + abs(ll)) and np.max(np.abs(t * step)) < 1e-8:
            break
    else:
        return beta, np.full((x.shape[1],) * 2, np.nan), ll, False, (
            "Newton-Raphson did not converge (separation: exposure predicts adoption "
            "perfectly, or no variation)")
    mu = special.expit(x @ beta)
    info = (x * (mu * (1 - mu))[:, None]).T @ x
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return beta, np.full((x.shape[1],) * 2, np.nan), ll, False, "singular information"
    if np.max(np.abs(beta)) > 30:
        return beta, cov, ll, False, "coefficients diverge (quasi-separation)"
    return beta, cov, ll, True, "converged"


def exposure_hazard(
    graph: Graph,
    adoption_times: Any,
    *,
    weighted: bool = False,
    time_effects: Literal["none", "linear", "dummies"] = "none",
    alpha: float = 0.05,
) -> ExposureHazard:
    """Test whether adoption depends on exposure: a discrete-time hazard logit.

    Every person still at risk in a period (not adopted before it, with at least one
    in-neighbour) contributes one row: did they adopt in that period, and what was their
    exposure. Never-adopters are at risk until the last adoption period (right-censored).

    Parameters
    ----------
    graph, adoption_times, weighted
        As in :func:`exposure`.
    time_effects : {"none", "linear", "dummies"}, default "none"
        Baseline hazard: constant, a linear trend in the period, or one intercept per
        period (periods with no adoption are dropped: their intercept is minus
        infinity and they carry no information on exposure).
    alpha : float, default 0.05
        For the confidence interval of the exposure coefficient.

    Returns
    -------
    ExposureHazard

    Notes
    -----
    This is the event-history test of network influence of Valente (1995) and of
    netdiffuseR's examples (``glm(adopt ~ exposure, family = binomial)`` on the
    person-period table). The first period is included with everyone's exposure 0.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 0, 1, 2, 3], [1, 2, 3, 4, 4])
    >>> res = exposure_hazard(g, {0: 1, 1: 2, 2: 3, 3: 3})
    >>> res.n_events, res.time_effects
    (3, 'none')
    """
    if time_effects not in ("none", "linear", "dummies"):
        raise ParameterError("time_effects must be 'none', 'linear' or 'dummies'",
                             field="time_effects")
    if not 0 < alpha < 1:
        raise ParameterError("alpha must be in (0, 1)", field="alpha")
    per_node, periods = _adoption_periods(graph, adoption_times)
    mat = _exposure_matrix(graph, per_node, periods, weighted, True)
    at_risk = ~(per_node[:, None] < periods[None, :]) & np.isfinite(mat)
    rows, cols = np.nonzero(at_risk)
    e = mat[rows, cols]
    t = periods[cols]
    y = (per_node[rows] == t).astype(np.float64)
    names = ["const", "exposure"]
    base = [np.ones_like(e)]
    if time_effects == "linear":
        base.append((t - periods[0]).astype(np.float64))
        names.append("period")
    elif time_effects == "dummies":
        events = np.bincount(cols, weights=y, minlength=periods.shape[0])
        keep = events[cols] > 0
        rows, cols, e, t, y = rows[keep], cols[keep], e[keep], t[keep], y[keep]
        used = np.flatnonzero(events > 0)
        base = [np.ones_like(e)]
        for k in used[1:]:
            base.append((cols == k).astype(np.float64))
            names.append(f"period={int(periods[k])}")
    if y.size == 0 or y.sum() == 0:
        raise InputError("no adoption among people with in-neighbours: nothing to test")
    if y.sum() == y.size:
        raise InputError("everyone at risk adopted at once: nothing to test")
    x_null = np.column_stack(base)
    x = np.column_stack([base[0], e, *base[1:]])
    beta, cov, ll, ok, message = _logit_mle(x, y)
    _, _, ll0, ok0, _ = _logit_mle(x_null, y)
    coef = float(beta[1])
    se = float(np.sqrt(cov[1, 1])) if np.isfinite(cov[1, 1]) and cov[1, 1] > 0 else float("nan")
    z = coef / se if se > 0 else float("nan")
    p_value = float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else float("nan")
    lr = max(0.0, 2.0 * (ll - ll0))
    if not (ok and ok0):
        warnings.warn(f"exposure hazard model: {message}", ConvergenceWarning, stacklevel=2)
    zq = float(stats.norm.ppf(1 - alpha / 2))
    return ExposureHazard(
        coef=coef,
        stderr=se,
        z=z,
        p_value=p_value,
        lr_stat=float(lr),
        lr_p_value=float(stats.chi2.sf(lr, 1)),
        odds_ratio=float(np.exp(coef)),
        conf_int=(coef - zq * se, coef + zq * se),
        params={n: float(b) for n, b in zip(names, beta, strict=True)},
        n_obs=int(y.size),
        n_events=int(y.sum()),
        n_people=int(np.unique(rows).size),
        time_effects=time_effects,
        converged=bool(ok and ok0),
        message=message,
    )
