"""One diffusion network analysed end to end: what the CLI, the API and the dashboard show.

:func:`network_report` runs the netdiffuseR-style statistics of
:mod:`downline.adoption.netstats` on a :class:`DiffusionNetwork` (the per-period summary
with Moran's I, thresholds overall and per community, the adopter classification) and
fits the Bass model and Rogers' categories to the adoption curve of the real adopters
(never-adopters stay censored there even when the network carries netdiffuseR's coding).
:class:`NetworkReport.to_dict` is the one serialized form.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from downline.adoption.bass import fit_bass
from downline.adoption.netstats import (
    MAX_DENSE_NODES,
    Classification,
    DiffusionSummary,
    classify_adopters,
    mean_thresholds_by,
    network_thresholds,
    summarize,
)
from downline.adoption.network import DiffusionNetwork
from downline.adoption.rogers import rogers_categories
from downline.common.limits import check_periods
from downline.errors import DownlineError, ParameterError

__all__ = ["NetworkReport", "network_layout", "network_report"]


@dataclass(frozen=True)
class NetworkReport:
    """Summary, thresholds, classification, Bass fit and Rogers categories of a network.

    Attributes
    ----------
    network : dict
        :meth:`DiffusionNetwork.to_dict`.
    summary : DiffusionSummary
    thresholds : dict
        ``mean``, ``median``, ``n`` over nodes with a threshold, and ``by_group`` (mean per
        community) when a group column was given.
    classification : Classification or None
        None with fewer than two adopters.
    bass : dict or None
        ``m, p, q``, peak, R² of the Bass fit to adopters per period (None when it could
        not be fitted; ``bass_message`` says why).
    rogers : dict or None
        :meth:`RogersResult.to_dict` of the adopters' times.
    notes : list of str
    """

    network: dict[str, Any]
    summary: DiffusionSummary
    thresholds: dict[str, Any]
    classification: Classification | None
    bass: dict[str, Any] | None
    rogers: dict[str, Any] | None
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain values (the CLI ``--json``, the API and the page)."""
        return {
            "network": self.network,
            "summary": self.summary.to_dict(),
            "thresholds": self.thresholds,
            "classification": None if self.classification is None
            else self.classification.to_dict(),
            "bass": self.bass,
            "rogers": self.rogers,
            "notes": list(self.notes),
        }


def network_report(
    net: DiffusionNetwork,
    *,
    group: str | None = None,
    moran_i: bool | None = None,
    censored_toa: np.ndarray | None = None,
) -> NetworkReport:
    """Analyse a diffusion network: summary, thresholds, classification, Bass, Rogers.

    Parameters
    ----------
    net : DiffusionNetwork
    group : str, optional
        Community column for mean thresholds per community (thresholds are computed on
        the whole graph; ties do not cross communities in the classic studies).
    moran_i : bool, optional
        Compute Moran's I per period (dense geodesics); default: when the graph has at
        most :data:`~downline.adoption.netstats.MAX_DENSE_NODES` nodes.
    censored_toa : ndarray, optional
        Times of adoption with never-adopters as NaN, for the Bass fit and Rogers
        categories when ``net`` carries netdiffuseR's coding (default ``net.toa``).

    Returns
    -------
    NetworkReport

    Examples
    --------
    >>> import pandas as pd
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": range(6), "toa": [1, 2, 2, 3, 3, None]}),
    ...     pd.DataFrame({"source": [1, 2, 3, 4, 5], "target": [0, 1, 2, 3, 4]}))
    >>> r = network_report(net)
    >>> r.summary.right_censoring, round(r.thresholds["mean"], 2)
    (1, 0.8)
    """
    notes: list[str] = []
    if moran_i is None:
        moran_i = net.n <= MAX_DENSE_NODES
        if not moran_i:
            notes.append(f"Moran's I skipped: {net.n} nodes is over {MAX_DENSE_NODES}")
    summary = summarize(net, moran_i=moran_i)
    thr = network_thresholds(net)
    vals = thr.to_numpy()
    ok = np.isfinite(vals)
    th: dict[str, Any] = {
        "n": int(ok.sum()),
        "mean": float(np.mean(vals[ok])) if ok.any() else float("nan"),
        "median": float(np.median(vals[ok])) if ok.any() else float("nan"),
    }
    if group is not None:
        if group not in net.covariates.columns:
            raise ParameterError(f"no column {group!r} in the node table", field="group")
        th["group"] = group
        th["by_group"] = {str(k): float(v) for k, v in
                          mean_thresholds_by(net, group).items() if np.isfinite(v)}
    try:
        classification = classify_adopters(net)
    except DownlineError as exc:
        classification = None
        notes.append(f"no classification: {exc}")
    toa = net.toa if censored_toa is None else np.asarray(censored_toa, dtype=np.float64)
    adopted = toa[np.isfinite(toa)]
    bass = rogers = None
    if adopted.size >= 2:
        check_periods(int(adopted.max()) - int(adopted.min()) + 1, field="toa",
                      cause=f"times of adoption {int(adopted.min())} .. {int(adopted.max())}")
        periods = np.arange(int(adopted.min()), int(adopted.max()) + 1)
        counts = np.array([(adopted == p).sum() for p in periods], dtype=np.float64)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = fit_bass(counts, np.arange(1, periods.size + 1, dtype=np.float64))
            bass = {"m": float(model.m_), "p": float(model.p_), "q": float(model.q_),
                    "peak_time": float(model.peak_time_), "r2": float(model.r2_),
                    "converged": bool(model.converged_), "first_period": int(periods[0]),
                    "eventual_adopters_observed": int(adopted.size), "n": net.n}
        except (DownlineError, ValueError) as exc:
            notes.append(f"no Bass fit: {exc}")
        try:
            rogers = rogers_categories(adopted).to_dict()
        except DownlineError as exc:
            notes.append(f"no Rogers categories: {exc}")
    return NetworkReport(network=net.to_dict(), summary=summary, thresholds=th,
                         classification=classification, bass=bass, rogers=rogers,
                         notes=notes)


def network_layout(net: DiffusionNetwork, *, seed: int = 1,
                   max_nodes: int = 3_000) -> np.ndarray:
    """Node positions for drawing adoption on the network (``n x 2``, in [-1, 1]).

    A force-directed layout of the first period's ties taken as undirected
    (Fruchterman-Reingold, networkx), seeded so the same network is drawn the same way.

    Examples
    --------
    >>> import pandas as pd
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3], "toa": [1, 2, 3]}),
    ...     pd.DataFrame({"source": [1, 2], "target": [2, 3]}))
    >>> network_layout(net).shape
    (3, 2)
    """
    # lazy: networkx costs 0.3 s; only the layout needs it
    import networkx as nx

    if net.n > max_nodes:
        raise ParameterError(f"drawing is for networks of at most {max_nodes} nodes, not "
                             f"{net.n}", field="nodes")
    a = net.graph_at(0)
    g = nx.Graph()
    g.add_nodes_from(range(net.n))
    coo = a.tocoo()
    g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True))
    pos = nx.spring_layout(g, seed=seed, iterations=60)
    return np.array([pos[i] for i in range(net.n)], dtype=np.float64)
