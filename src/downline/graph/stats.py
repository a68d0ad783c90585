"""Summary figures of a graph, for ``downline info`` and the dashboard's overview."""

from __future__ import annotations

from typing import Any

import numpy as np

from downline.graph._core import Graph

__all__ = ["describe"]


def describe(graph: Graph) -> dict[str, Any]:
    """Sizes, degrees, components and probabilities of a graph.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``density``, ``mean_out_degree``, ``max_out_degree``,
        ``max_in_degree``, ``sources`` (nodes with no in-neighbours), ``sinks``,
        ``isolated``, ``reciprocity`` (share of arcs whose reverse arc exists),
        ``weak_components``, ``largest_weak_component``, ``strong_components``,
        ``p_min``, ``p_mean``, ``p_max``, plus ``name`` and the build ``meta``.

    Examples
    --------
    >>> d = describe(Graph.from_edges([1, 2, 3], [2, 1, 4]))
    >>> d["nodes"], d["edges"], d["weak_components"], d["reciprocity"]
    (4, 3, 2, 0.6666666666666666)
    """
    n, m = graph.n, graph.m
    outdeg = graph.out_degree()
    indeg = graph.in_degree()
    # lazy: scipy.sparse costs 0.3 s; only describe needs it
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    adj = csr_matrix(
        (np.ones(m, dtype=np.int8), graph.indices, graph.indptr), shape=(n, n)
    )
    weak, weak_labels = connected_components(adj, directed=True, connection="weak")
    strong, _ = connected_components(adj, directed=True, connection="strong")
    reciprocal = adj.multiply(adj.T).nnz if m else 0
    probs = graph.probs.astype(np.float64)
    return {
        "name": graph.name,
        "nodes": n,
        "edges": m,
        "density": m / (n * (n - 1)) if n > 1 else 0.0,
        "mean_out_degree": m / n if n else 0.0,
        "max_out_degree": int(outdeg.max()) if n else 0,
        "max_in_degree": int(indeg.max()) if n else 0,
        "sources": int(np.count_nonzero(indeg == 0)),
        "sinks": int(np.count_nonzero(outdeg == 0)),
        "isolated": int(np.count_nonzero((indeg == 0) & (outdeg == 0))),
        "reciprocity": reciprocal / m if m else 0.0,
        "weak_components": int(weak),
        "largest_weak_component": int(np.bincount(weak_labels).max()) if n else 0,
        "strong_components": int(strong),
        "p_min": float(probs.min()) if m else None,
        "p_mean": float(probs.mean()) if m else None,
        "p_max": float(probs.max()) if m else None,
        "meta": dict(graph.meta),
    }
