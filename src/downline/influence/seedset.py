"""`SeedSet`: the answer of every seed-selection method, with the figures behind it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SeedSet"]


@dataclass(frozen=True, eq=False)
class SeedSet:
    """Seeds chosen by one method, in the order it chose them.

    Attributes
    ----------
    seeds : list
        The user's node ids, in order of choice.
    indices : ndarray of int32
        The same nodes as dense indices of the graph.
    gains : ndarray of float64
        Each seed's marginal gain in expected-spread units (nodes); NaN for heuristics
        that do not estimate spread.
    spread_estimate : float
        Estimated expected spread of the whole set (NaN for heuristics).
    lower_bound : float
        A lower bound on the expected spread holding with the stated probability
        (``params["delta"]``); NaN when the method gives none.
    method : str
        ``"imm"``, ``"opim-c"``, ``"celf"``, ``"degree"``, ...
    params : dict
        Everything needed to reproduce the answer: k, model, eps, l, seed, RR-set counts.
    stderr : float
        Standard error of ``spread_estimate`` (NaN when unknown).
    scores : ndarray of float64, optional
        The ranking score of each seed for heuristics (degree, discounted degree,
        PageRank, core number).
    """

    seeds: list[Any]
    indices: np.ndarray
    gains: np.ndarray
    spread_estimate: float
    lower_bound: float
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    stderr: float = math.nan
    scores: np.ndarray | None = None

    @property
    def k(self) -> int:
        """Number of seeds."""
        return len(self.seeds)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (lists and floats; NaN stays NaN for the caller to map)."""
        return {
            "method": self.method,
            "seeds": list(self.seeds),
            "gains": [float(g) for g in self.gains],
            "spread_estimate": float(self.spread_estimate),
            "stderr": float(self.stderr),
            "lower_bound": float(self.lower_bound),
            "scores": None if self.scores is None else [float(s) for s in self.scores],
            "params": dict(self.params),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per seed: rank, seed, index, gain, cumulative spread, score."""
        gains = np.asarray(self.gains, dtype=np.float64)
        frame = pd.DataFrame(
            {
                "rank": np.arange(1, self.k + 1),
                "seed": pd.Series(self.seeds, dtype=object),
                "index": np.asarray(self.indices, dtype=np.int64),
                "gain": gains,
                "cumulative": np.cumsum(gains),
            }
        )
        if self.scores is not None:
            frame["score"] = np.asarray(self.scores, dtype=np.float64)
        return frame

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, self.seeds[:5])) + (", ..." if self.k > 5 else "")
        est = "" if math.isnan(self.spread_estimate) else f", spread~{self.spread_estimate:,.1f}"
        return f"SeedSet(method={self.method!r}, k={self.k}, seeds=[{shown}]{est})"
