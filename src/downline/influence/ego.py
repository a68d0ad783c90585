"""A person's ego network: who they reach within a few hops, grouped into communities.

:func:`ego_network` walks the edges out of one node breadth first (its downline in the
network), keeps at most ``limit`` people, the ties among them, each person's hop level
and out-degree (the people they reach directly, which the dashboard draws as size), and
a community label from label propagation on the ties among the kept people, so that a
drawing can separate the groups. The CLI, the API and the dashboard show
:meth:`EgoNetwork.to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from downline.errors import ParameterError
from downline.graph import Graph

__all__ = ["EgoNetwork", "ego_network"]

MAX_EGO_NODES = 2000


@dataclass(frozen=True, eq=False)
class EgoNetwork:
    """The people one node reaches within ``radius`` hops, with the ties among them.

    Attributes
    ----------
    center : id
        The node, in the graph's own ids.
    radius : int
    ids : list
        The people kept, the center first, then by hop level.
    level : ndarray of int
        Hops from the center (0 for the center).
    out_degree : ndarray of int
        Each person's out-degree in the whole graph (the people they reach directly).
    community : ndarray of int
        Community of each person (label propagation on the ties among the people
        around the center, undirected; the center, tied to everyone, is left out and
        gets -1); communities are numbered by size, 0 the largest.
    sources, targets : ndarray of int
        The ties among the kept people, as positions in ``ids``.
    truncated : bool
        Whether ``limit`` stopped the walk before ``radius`` hops were complete.
    reach_out_degree : int
        The center's out-degree in the whole graph.
    """

    center: Any
    radius: int
    ids: list[Any]
    level: np.ndarray
    out_degree: np.ndarray
    community: np.ndarray
    sources: np.ndarray
    targets: np.ndarray
    truncated: bool
    reach_out_degree: int

    @property
    def n(self) -> int:
        """Number of people kept, the center included."""
        return len(self.ids)

    def to_dict(self) -> dict[str, Any]:
        """``center``, ``radius``, ``nodes`` (id, level, out_degree, community),
        ``edges`` (source, target ids), ``communities``, ``truncated``."""
        ids = self.ids
        return {
            "center": self.center,
            "radius": self.radius,
            "nodes": [{"id": ids[i], "level": int(self.level[i]),
                       "out_degree": int(self.out_degree[i]),
                       "community": int(self.community[i])} for i in range(len(ids))],
            "edges": [{"source": ids[s], "target": ids[t]}
                      for s, t in zip(self.sources.tolist(), self.targets.tolist(),
                                      strict=True)],
            "communities": int(self.community.max()) + 1 if len(ids) > 1 else 0,
            "truncated": self.truncated,
            "reach_out_degree": self.reach_out_degree,
        }


def _label_propagation(n: int, src: np.ndarray, dst: np.ndarray, rounds: int = 30
                       ) -> np.ndarray:
    """Deterministic label propagation: each node takes its neighbours' most common label
    (ties to the smallest), nodes in index order, until nothing changes."""
    labels = np.arange(n)
    if n == 0 or src.shape[0] == 0:
        return labels
    both_s = np.concatenate([src, dst])
    both_t = np.concatenate([dst, src])
    order = np.argsort(both_s, kind="stable")
    nbr = both_t[order]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(both_s, minlength=n))])
    for _ in range(rounds):
        changed = False
        for v in range(n):
            around = labels[nbr[ptr[v]:ptr[v + 1]]]
            if around.shape[0] == 0:
                continue
            values, counts = np.unique(around, return_counts=True)
            best = int(values[np.argmax(counts)])
            if best != labels[v] and counts.max() > np.count_nonzero(around == labels[v]):
                labels[v] = best
                changed = True
        if not changed:
            break
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    sizes = np.bincount(inverse)
    rank = np.empty_like(sizes)
    rank[np.lexsort((first, -sizes))] = np.arange(sizes.shape[0])
    return rank[inverse]


def _communities(n: int, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Label propagation among everyone but the center (position 0), who gets -1."""
    keep = (sources != 0) & (targets != 0)
    labels = _label_propagation(n - 1, sources[keep] - 1, targets[keep] - 1) if n > 1 \
        else np.empty(0, dtype=np.int64)
    return np.concatenate([[-1], labels]).astype(np.int64)


def ego_network(graph: Graph, node: Any, *, radius: int = 1, limit: int = 150) -> EgoNetwork:
    """The people ``node`` reaches within ``radius`` hops along the edges (breadth first,
    at most ``limit`` of them, the closest first), with the ties among them.

    Parameters
    ----------
    graph : Graph
    node : id
        A node id of the graph.
    radius : int
        Hops, 1 to 4.
    limit : int
        Most people kept, 1 to 2,000 (the center included).

    Returns
    -------
    EgoNetwork

    Raises
    ------
    ParameterError
        ``radius`` or ``limit`` outside their range.
    GraphError
        ``node`` is not in the graph.

    Examples
    --------
    >>> g = Graph.from_edges(["a", "a", "b"], ["b", "c", "d"])
    >>> ego = ego_network(g, "a", radius=1)
    >>> ego.ids, ego.truncated, ego.to_dict()["edges"]
    (['a', 'b', 'c'], False, [{'source': 'a', 'target': 'b'}, {'source': 'a', 'target': 'c'}])
    """
    if not 1 <= int(radius) <= 4:
        raise ParameterError("radius must be 1 to 4 hops", field="radius")
    if not 1 <= int(limit) <= MAX_EGO_NODES:
        raise ParameterError(f"limit must be 1 to {MAX_EGO_NODES:,}", field="limit")
    start = int(graph.index_of([node])[0])
    indptr, indices = np.asarray(graph.indptr), np.asarray(graph.indices)
    level = {start: 0}
    frontier = [start]
    truncated = False
    for depth in range(1, int(radius) + 1):
        nxt = []
        for u in frontier:
            for v in indices[indptr[u]:indptr[u + 1]].tolist():
                if v not in level:
                    if len(level) >= limit:
                        truncated = True
                        break
                    level[v] = depth
                    nxt.append(v)
            if truncated:
                break
        frontier = nxt
        if truncated or not frontier:
            break
    members = np.fromiter(level.keys(), dtype=np.int64)
    position = {int(v): i for i, v in enumerate(members.tolist())}
    src, dst = [], []
    for i, u in enumerate(members.tolist()):
        for v in indices[indptr[u]:indptr[u + 1]].tolist():
            j = position.get(v)
            if j is not None and j != i:
                src.append(i)
                dst.append(j)
    sources = np.asarray(src, dtype=np.int64)
    targets = np.asarray(dst, dtype=np.int64)
    outdeg = np.asarray(graph.out_degree())
    return EgoNetwork(
        center=graph.label_of([start])[0], radius=int(radius),
        ids=list(graph.label_of(members)),
        level=np.fromiter(level.values(), dtype=np.int64, count=members.shape[0]),
        out_degree=outdeg[members].astype(np.int64),
        community=_communities(members.shape[0], sources, targets),
        sources=sources, targets=targets, truncated=truncated,
        reach_out_degree=int(outdeg[start]),
    )
