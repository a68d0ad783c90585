"""Conversions between :class:`~downline.graph.Graph` and networkx graphs.

networkx is imported by the functions that need it, not with this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from downline.errors import FormatError, GraphError
from downline.graph._core import DuplicatePolicy, Graph, SelfLoopPolicy

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["from_networkx", "to_networkx"]

_PROB_KEYS = ("p", "prob", "probability", "influence")


def from_networkx(
    nxg: nx.Graph,
    *,
    weight: str | None = None,
    undirected: bool | None = None,
    self_loops: SelfLoopPolicy = "drop",
    duplicates: DuplicatePolicy = "drop",
    require_weights: bool = False,
    name: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Graph:
    """Build a :class:`Graph` from a networkx graph.

    Parameters
    ----------
    nxg : networkx.Graph or DiGraph (multigraphs too)
        Undirected graphs are stored with both directions.
    weight : str, optional
        Edge attribute holding the probability; by default the first of ``p``, ``prob``,
        ``probability``, ``influence`` that every edge has, then ``weight`` when all its
        values lie in [0, 1]; else 1.0.
    undirected : bool, optional
        Force both directions for a directed input.
    self_loops, duplicates
        As in :meth:`Graph.from_edges`.

    Examples
    --------
    >>> import networkx as nx
    >>> g = from_networkx(nx.path_graph(3))
    >>> g.number_of_nodes(), g.number_of_edges()
    (3, 4)
    """
    edges = list(nxg.edges(data=True))
    if weight is None and edges:
        weight = next((k for k in _PROB_KEYS if all(k in d for _, _, d in edges)), None)
        if weight is None and all(
            isinstance(d.get("weight"), int | float) and 0 <= d["weight"] <= 1
            for _, _, d in edges
        ):
            # "weight" is taken as a probability only when every value can be one.
            weight = "weight"
    if require_weights and weight is None:
        raise FormatError("weights='given' but the edges have no probability attribute")
    src = [u for u, _, _ in edges]
    dst = [v for _, v, _ in edges]
    probs = None
    if weight is not None:
        try:
            probs = np.array([float(d[weight]) for _, _, d in edges], dtype=np.float64)
        except (KeyError, TypeError, ValueError):
            raise GraphError(f"edge attribute {weight!r} missing or not a number",
                             field=weight) from None
    both = (not nxg.is_directed()) if undirected is None else undirected
    nodes = list(nxg.nodes())
    if nodes and all(isinstance(v, int | np.integer) for v in nodes):
        node_values: Any = np.asarray(nodes, dtype=np.int64)
    else:
        node_values = [str(v) for v in nodes]
        src = [str(v) for v in src]
        dst = [str(v) for v in dst]
    info = {"format": "networkx", **(meta or {})}
    return Graph.from_edges(
        src, dst, probs, nodes=node_values, undirected=both, self_loops=self_loops,
        duplicates=duplicates, name=name or str(nxg.name or "graph"), meta=info,
    )


def to_networkx(graph: Graph, *, weight: str = "p") -> nx.DiGraph:
    """A networkx DiGraph (MultiDiGraph when the graph keeps duplicate edges).

    Node names are the user's ids; each edge carries its probability as ``weight``.

    Examples
    --------
    >>> g = Graph.from_edges(["a"], ["b"], probs=0.3)
    >>> round(to_networkx(g)["a"]["b"]["p"], 3)
    0.3
    """
    # lazy: networkx costs 0.3 s; only the conversion needs it
    import networkx as nx

    multi = graph.meta.get("duplicates") == "keep" and graph.meta.get("duplicates_found", 0)
    out: nx.DiGraph = nx.MultiDiGraph() if multi else nx.DiGraph()
    out.add_nodes_from(graph.labels.tolist())
    frame = graph.edges()
    out.add_weighted_edges_from(
        zip(frame["source"].tolist(), frame["target"].tolist(), frame["p"].tolist(),
            strict=True),
        weight=weight,
    )
    return out
