"""Results of Monte Carlo simulations: :class:`SpreadEstimate` and :class:`MigrationResult`.

Frozen dataclasses over NumPy arrays, with ``to_dict()`` (JSON-ready) and ``to_frame()``.
They carry the model parameters and the seed that produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CI_Z", "MigrationResult", "SpreadEstimate"]

# Two-sided 95% normal quantile: the confidence interval is mean +- CI_Z * stderr.
CI_Z = 1.959963984540054


@dataclass(frozen=True, kw_only=True)
class SpreadEstimate:
    """The Monte Carlo estimate of a cascade's spread.

    Attributes
    ----------
    mean : float
        Mean number of active nodes at the end (seeds included).
    std : float
        Sample standard deviation of the final sizes (ddof = 1; 0 for one run).
    stderr : float
        Standard error of the mean, ``std / sqrt(runs)``.
    ci_low, ci_high : float
        95% normal-approximation confidence interval of the mean,
        ``mean -+ 1.96 * stderr``.
    runs : int
        Number of runs.
    sizes : ndarray of int64, shape (runs,)
        Final number of active nodes in each run.
    curve : ndarray of float64
        Mean cumulative number of adopters after each step; ``curve[0]`` is the number of
        seeds, the last entry equals ``mean`` (runs that stopped early keep their size).
    model : str
        ``"ic"``, ``"lt"`` or ``"migration"``.
    seed : int
        The root seed of the runs (drawn at random and recorded when none was given).
    params : dict
        What else produced the estimate: weights, seeds count, steps, chunking.
    edges_examined : int
        Edges the kernels looked at, for throughput figures.
    """

    mean: float
    std: float
    stderr: float
    ci_low: float
    ci_high: float
    runs: int
    sizes: np.ndarray
    curve: np.ndarray
    model: str
    seed: int
    params: dict[str, Any] = field(default_factory=dict)
    edges_examined: int = 0

    @classmethod
    def from_sizes(
        cls, sizes: np.ndarray, curve: np.ndarray, *, model: str, seed: int, **extra: Any
    ) -> SpreadEstimate:
        """Build the estimate (mean, std, interval) from per-run sizes."""
        sizes = np.asarray(sizes, dtype=np.int64)
        runs = int(sizes.shape[0])
        mean = float(sizes.mean()) if runs else float("nan")
        std = float(sizes.std(ddof=1)) if runs > 1 else 0.0
        stderr = std / np.sqrt(runs) if runs else float("nan")
        return cls(
            mean=mean, std=std, stderr=stderr,
            ci_low=mean - CI_Z * stderr, ci_high=mean + CI_Z * stderr,
            runs=runs, sizes=sizes, curve=np.asarray(curve, dtype=np.float64),
            model=model, seed=int(seed), **extra,
        )

    def to_dict(self, *, include_sizes: bool = False) -> dict[str, Any]:
        """A JSON-ready dict: the estimate, its interval, the curve and size quantiles.

        Examples
        --------
        >>> est = SpreadEstimate.from_sizes(np.array([3, 5]), np.array([1.0, 4.0]),
        ...                                 model="ic", seed=7)
        >>> est.to_dict()["mean"], est.to_dict()["ci_level"]
        (4.0, 0.95)
        """
        q = np.quantile(self.sizes, [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]) \
            if self.runs else np.full(7, np.nan)
        out: dict[str, Any] = {
            "model": self.model,
            "mean": self.mean,
            "std": self.std,
            "stderr": self.stderr,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_level": 0.95,
            "runs": self.runs,
            "seed": self.seed,
            "sizes_quantiles": dict(zip(["min", "q05", "q25", "median", "q75", "q95", "max"],
                                        q.tolist(), strict=True)),
            "curve": self.curve.tolist(),
            "params": dict(self.params),
        }
        if include_sizes:
            out["sizes"] = self.sizes.tolist()
        return out

    def to_frame(self) -> pd.DataFrame:
        """The mean adoption curve: columns ``step, adopters, new_adopters``."""
        new = np.diff(self.curve, prepend=0.0)
        return pd.DataFrame(
            {"step": np.arange(self.curve.shape[0]), "adopters": self.curve, "new_adopters": new}
        )


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True, kw_only=True)
class MigrationResult(SpreadEstimate):
    """The Monte Carlo estimate of a migration: a :class:`SpreadEstimate` plus tables.

    ``sizes`` counts the members of the graph who moved (first movers included, whether
    or not they dropped out later); ``curve`` is its mean cumulative value per step.

    Attributes
    ----------
    steps_table : pandas.DataFrame
        Mean per step (step 0 = the first movers' jump): ``old_platform`` and
        ``new_platform`` (members at the end of the step, newcomers included on the new
        one), ``moved``, ``dropped_old``, ``dropped_new``, ``dropped_out`` (their sum),
        ``recruited`` (events of the step), and ``moved_total`` (cumulative).
    first_movers : pandas.DataFrame
        One row per first mover: ``first_mover`` (id), ``downline`` (members of the graph
        closer to them than to any other first mover, themselves excluded),
        ``followed`` (mean number who moved), ``share_followed`` (``followed /
        downline``), ``downline_after_refill`` (mean members of their downline on the
        new platform at the end, newcomers who joined under them included).
    """

    steps_table: pd.DataFrame = field(default_factory=_empty_frame)
    first_movers: pd.DataFrame = field(default_factory=_empty_frame)

    def to_frame(self) -> pd.DataFrame:
        """The per-step table (see ``steps_table``)."""
        return self.steps_table.copy()

    def to_dict(self, *, include_sizes: bool = False) -> dict[str, Any]:
        """As :meth:`SpreadEstimate.to_dict`, plus ``steps`` and ``first_movers`` records."""
        out = super().to_dict(include_sizes=include_sizes)
        out["steps"] = self.steps_table.to_dict(orient="records")
        out["first_movers"] = self.first_movers.to_dict(orient="records")
        return out
