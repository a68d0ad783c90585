"""The diffusion models the engine knows, as names or small frozen dataclasses.

``"ic"`` (independent cascade) and ``"lt"`` (linear threshold) take their parameters from
the graph's edge probabilities; :class:`Migration` carries the parameters of the
downline-migration model (a sponsor tree becomes a graph with
:meth:`downline.genealogy.Genealogy.to_graph`). The simulation itself lives in
:mod:`downline.cascade.montecarlo`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from downline.errors import GraphError, ParameterError
from downline.graph import Graph

__all__ = [
    "LT_TOLERANCE",
    "Follow",
    "Migration",
    "ModelName",
    "check_lt_weights",
    "check_model",
    "lt_in_weights",
    "model_name",
]

ModelName = Literal["ic", "lt", "migration"]
Follow = Literal["cascade", "threshold"]


def _rate(name: str, value: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number in [0, 1], not {value!r}",
                             field=name) from None
    if not (0.0 <= x <= 1.0) or math.isnan(x):
        raise ParameterError(f"{name} must be in [0, 1], not {value!r}", field=name)
    return x


@dataclass(frozen=True)
class Migration:
    """Parameters of the downline-migration model.

    First movers jump to a new platform (or company) at step 0. At every step
    ``1 .. steps``: old-platform members follow the people they follow who moved (by
    cascade or by threshold); then members of either platform drop out (``attrition_old``,
    ``attrition_new``); then the new platform recruits newcomers (``backfill``), who
    follow movers chosen preferentially by how well followed they are.

    Parameters
    ----------
    follow : {"cascade", "threshold"}, default "cascade"
        ``"cascade"``: a member who moved at step t - 1 gets one chance at step t to take
        each follower along, with the edge probability (``p``, or the graph's
        probabilities when ``p`` is None). ``"threshold"``: a member moves once the
        weighted share of the people they follow who have moved reaches their threshold
        (the weights are the graph's edge probabilities, normalised per member).
    p : float, optional
        One follow probability for every edge (cascade only); None uses the graph's.
    threshold : float or "uniform", default "uniform"
        Threshold on the moved share (threshold only): a fixed value in [0, 1], or
        "uniform" for a fresh uniform draw per member and run (as in linear threshold).
        A member always needs at least one moved followee, so threshold 0 moves the
        whole reachable set.
    attrition_old, attrition_new : float, default 0
        Chance per step that a member of the old / new platform drops out of both.
    backfill : float, default 0
        Chance per step that each new-platform member brings in one newcomer.
    steps : int, default 10
        Number of steps after step 0.
    level_decay : float, default 1
        Sponsor-tree mode (cascade only): the follow probability of a member ``d`` levels
        below the nearest first mover is multiplied by ``level_decay ** (d - 1)``, so deeper
        levels are less likely to follow. 1 turns the decay off.

    Examples
    --------
    >>> Migration(follow="threshold", threshold=0.3, attrition_old=0.05, steps=12).follow
    'threshold'
    >>> Migration(p=1.5)
    Traceback (most recent call last):
    ...
    downline.errors.ParameterError: field 'p': p must be in [0, 1], not 1.5
    """

    follow: Follow = "cascade"
    p: float | None = None
    threshold: float | Literal["uniform"] = "uniform"
    attrition_old: float = 0.0
    attrition_new: float = 0.0
    backfill: float = 0.0
    steps: int = 10
    level_decay: float = 1.0

    def __post_init__(self) -> None:
        if self.follow not in ("cascade", "threshold"):
            raise ParameterError(
                f"follow must be 'cascade' or 'threshold', not {self.follow!r}", field="follow"
            )
        if self.p is not None:
            object.__setattr__(self, "p", _rate("p", self.p))
        if self.threshold != "uniform":
            object.__setattr__(self, "threshold", _rate("threshold", self.threshold))
        for name in ("attrition_old", "attrition_new", "backfill", "level_decay"):
            object.__setattr__(self, name, _rate(name, getattr(self, name)))
        if isinstance(self.steps, bool) or not isinstance(self.steps, int | np.integer):
            raise ParameterError(f"steps must be an integer, not {self.steps!r}", field="steps")
        if not 0 <= int(self.steps) <= 100_000:
            raise ParameterError(f"steps must be in [0, 100000], not {self.steps}",
                                 field="steps")
        object.__setattr__(self, "steps", int(self.steps))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a plain dict (with ``model: "migration"``)."""
        return {"model": "migration", **asdict(self)}


LT_TOLERANCE = 1e-6
"""How far above 1 a node's in-weights may sum under LT.

Weighted cascade stored as float32 sums to 1 within about ``6e-8``; anything further
above 1 is not a linear-threshold weighting and is refused, by every function that runs
LT (simulation and influence maximization alike)."""

_ALIASES = {"ic": "ic", "independent-cascade": "ic", "independent_cascade": "ic",
            "lt": "lt", "linear-threshold": "lt", "linear_threshold": "lt"}


def model_name(model: str | Migration, *, migration: bool = True) -> ModelName:
    """Normalise a model given as a name or a :class:`Migration`.

    Parameters
    ----------
    model : str or Migration
        ``"ic"``, ``"lt"`` (or their long names) or a :class:`Migration`.
    migration : bool, default True
        Whether the migration model is allowed (influence maximization knows IC and LT).

    Examples
    --------
    >>> model_name("IC"), model_name("linear-threshold"), model_name(Migration())
    ('ic', 'lt', 'migration')
    >>> model_name("sir", migration=False)
    Traceback (most recent call last):
    ...
    downline.errors.ParameterError: field 'model': unknown model 'sir'; use 'ic' or 'lt'
    """
    choices = "'ic', 'lt' or Migration(...)" if migration else "'ic' or 'lt'"
    if isinstance(model, Migration):
        if not migration:
            raise ParameterError(f"the migration model is not available here; use {choices}",
                                 field="model")
        return "migration"
    name = _ALIASES.get(str(model).strip().lower())
    if name is not None:
        return name  # type: ignore[return-value]
    if migration and str(model).strip().lower() == "migration":
        raise ParameterError(
            "the migration model needs its parameters: pass Migration(...) as model",
            field="model",
        )
    raise ParameterError(f"unknown model {model!r}; use {choices}", field="model")


def lt_in_weights(graph: Graph) -> np.ndarray:
    """Every node's summed in-edge weight (float64), what LT needs to be at most 1.

    Examples
    --------
    >>> g = Graph.from_edges(["a", "b"], ["c", "c"], probs=[0.25, 0.5])
    >>> lt_in_weights(g).tolist()
    [0.0, 0.0, 0.75]
    """
    return np.bincount(graph.indices, weights=graph.probs, minlength=graph.n)


def check_lt_weights(graph: Graph, in_weight: np.ndarray | None = None) -> None:
    """Refuse a graph whose in-weights sum above ``1 + LT_TOLERANCE`` at some node.

    Parameters
    ----------
    graph : Graph
    in_weight : ndarray, optional
        :func:`lt_in_weights` of the graph, when the caller has it already.

    Raises
    ------
    downline.errors.GraphError
        Naming the node with the largest sum (field ``weights``).

    Examples
    --------
    >>> check_lt_weights(Graph.from_edges(["a", "b"], ["c", "c"], probs=0.5))
    >>> check_lt_weights(Graph.from_edges(["a", "b"], ["c", "c"], probs=0.6))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    downline.errors.GraphError: field 'weights': linear threshold needs ... node 'c' has 1.2; ...
    """
    sums = lt_in_weights(graph) if in_weight is None else in_weight
    over = np.flatnonzero(sums > 1.0 + LT_TOLERANCE)
    if over.size:
        v = int(over[np.argmax(sums[over])])
        more = f" (and {over.size - 1} other nodes)" if over.size > 1 else ""
        raise GraphError(
            f"linear threshold needs in-weights summing to at most 1, but node "
            f"{graph.label_of([v])[0]!r} has {sums[v]:.6g}{more}; use weights 'wc'",
            field="weights",
        )


def check_model(graph: Graph, model: str | Migration, *, migration: bool = True
                ) -> ModelName:
    """The model's name, checked for ``graph``: the one check every LT/IC runner makes.

    :func:`model_name` plus, for LT, :func:`check_lt_weights`.

    Examples
    --------
    >>> g = Graph.from_edges(["a", "b"], ["c", "c"], probs=0.6)
    >>> check_model(g, "ic")
    'ic'
    >>> check_model(g, "lt", migration=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    downline.errors.GraphError: field 'weights': linear threshold needs ... node 'c' has 1.2; ...
    """
    name = model_name(model, migration=migration)
    if name == "lt":
        check_lt_weights(graph)
    return name
