"""Edge-probability schemes: uniform, weighted cascade, trivalency, given.

A scheme is named by a short string so that the CLI, the API and the store can all carry
it: ``"wc"``, ``"uniform:0.05"``, ``"trivalency"``, ``"given"``.

The schemes work on anything shaped like a :class:`~downline.graph.Graph` (the
:class:`Weighable` protocol), so this module does not import the graph core: the core
imports it, for :meth:`Graph.with_weights`, and the arrow goes one way.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import numpy as np

from downline.common.rng import Seed, as_generator
from downline.errors import ParameterError

__all__ = [
    "TRIVALENCY_VALUES",
    "Weighable",
    "apply_scheme",
    "parse_scheme",
    "trivalency",
    "uniform",
    "weighted_cascade",
]

TRIVALENCY_VALUES = (0.1, 0.01, 0.001)


class Weighable(Protocol):
    """What a scheme needs of a graph: its edges and a way to set their probabilities."""

    @property
    def m(self) -> int: ...

    @property
    def indices(self) -> np.ndarray: ...

    def in_degree(self) -> np.ndarray: ...

    def with_probs(self: G, probs: np.ndarray, scheme: str) -> G: ...


G = TypeVar("G", bound=Weighable)


def parse_scheme(scheme: str) -> tuple[str, float | None]:
    """Split a scheme string into its name and parameter.

    Examples
    --------
    >>> parse_scheme("uniform:0.05")
    ('uniform', 0.05)
    >>> parse_scheme("WC")
    ('wc', None)
    """
    text = str(scheme).strip().lower()
    name, _, arg = text.partition(":")
    aliases = {"weighted-cascade": "wc", "weighted_cascade": "wc", "tv": "trivalency"}
    name = aliases.get(name, name)
    if name == "uniform":
        try:
            p = float(arg)
        except ValueError:
            raise ParameterError(
                f"uniform needs a probability, as in 'uniform:0.05', not {scheme!r}",
                field="weights",
            ) from None
        if not 0.0 <= p <= 1.0:
            raise ParameterError(f"uniform probability {p} is outside [0, 1]", field="weights")
        return name, p
    if name in ("wc", "trivalency", "given") and not arg:
        return name, None
    raise ParameterError(
        f"unknown weight scheme {scheme!r}; use wc, uniform:P, trivalency or given",
        field="weights",
    )


def weighted_cascade(graph: G) -> G:
    """Weighted cascade: p(u, v) = 1 / in-degree(v), on the graph as stored.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> weighted_cascade(Graph.from_edges([0, 1], [2, 2])).probs.tolist()
    [0.5, 0.5]
    """
    indeg = graph.in_degree()
    probs = 1.0 / indeg[graph.indices].astype(np.float64)
    return graph.with_probs(probs, "wc")


def uniform(graph: G, p: float) -> G:
    """Every edge gets probability ``p``.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> uniform(Graph.from_edges([0], [1]), 0.25).probs.tolist()
    [0.25]
    """
    if not 0.0 <= p <= 1.0:
        raise ParameterError(f"uniform probability {p} is outside [0, 1]", field="p")
    return graph.with_probs(np.full(graph.m, p), f"uniform:{p:g}")


def trivalency(graph: G, seed: Seed = None) -> G:
    """Each edge gets 0.1, 0.01 or 0.001 with equal chance (Chen et al. 2010).

    Examples
    --------
    >>> from downline.graph import Graph
    >>> import numpy as np
    >>> g = trivalency(Graph.from_edges([0, 0, 0], [1, 2, 3]), seed=1)
    >>> bool(np.isin(g.probs, np.float32(TRIVALENCY_VALUES)).all())
    True
    """
    rng = as_generator(seed)
    values = np.asarray(TRIVALENCY_VALUES)
    return graph.with_probs(values[rng.integers(0, 3, size=graph.m)], "trivalency")


def apply_scheme(graph: G, scheme: str, *, seed: Seed = None) -> G:
    """Apply a scheme named as in :func:`parse_scheme` (see :meth:`Graph.with_weights`)."""
    name, p = parse_scheme(scheme)
    if name == "wc":
        return weighted_cascade(graph)
    if name == "uniform":
        return uniform(graph, float(p))  # type: ignore[arg-type]
    if name == "trivalency":
        return trivalency(graph, seed)
    return graph
