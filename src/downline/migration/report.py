"""One report of a measured migration: the pieces of :mod:`downline.migration` together.

:func:`migration_report` runs validation counts, the follow-through ranking, exposure
and adopter categories, retention on both platforms, the model calibration and
(optionally) a forecast of the held-back last steps, and returns them in a
:class:`MigrationReport` whose ``to_dict()`` is what ``downline migration report --json``
prints. Each piece is also a function of its own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from downline.adoption import CATEGORIES, rogers_categories
from downline.errors import InputError
from downline.migration.calibrate import Calibration, Forecast, calibrate, forecast
from downline.migration.exposure import moving_exposure
from downline.migration.followthrough import follow_through
from downline.migration.io import MigrationData, ValidationReport
from downline.migration.survival import Retention, retention

__all__ = ["MigrationReport", "migration_report"]


@dataclass(frozen=True, eq=False)
class MigrationReport:
    """Everything :func:`migration_report` measured.

    Attributes
    ----------
    summary : dict
        People by role, follows, first and last moving dates, observation end.
    validation : ValidationReport
    follow_through : DataFrame
        The top rows of :func:`downline.migration.follow_through`.
    exposure : DataFrame
        Per Rogers category: movers, mean and median threshold, mean followees moved
        before (from :func:`downline.migration.moving_exposure`).
    categories : dict or None
        :meth:`downline.adoption.RogersResult.to_dict` of the moving dates.
    retention_new : Retention
        New platform, by role (movers, newcomers).
    retention_old : Retention
        Old platform, everyone (moving censors).
    retention_category : Retention or None
        New platform, by Rogers category.
    calibration : Calibration or None
        None when the data has too few steps.
    forecast : Forecast or None
    notes : list of str
        What could not be computed, and why.
    """

    summary: dict[str, Any]
    validation: ValidationReport
    follow_through: pd.DataFrame
    exposure: pd.DataFrame
    categories: dict[str, Any] | None
    retention_new: Retention
    retention_old: Retention
    retention_category: Retention | None
    calibration: Calibration | None
    forecast: Forecast | None
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Plain values, JSON-ready (dates as ISO text)."""
        ft = self.follow_through.assign(moved_at=self.follow_through["moved_at"].astype(str))
        return {
            "summary": self.summary,
            "validation": self.validation.to_dict(),
            "follow_through": [_clean(r) for r in ft.to_dict(orient="records")],
            "exposure": [_clean(r) for r in self.exposure.to_dict(orient="records")],
            "categories": self.categories,
            "retention": {
                "new": self.retention_new.to_dict(),
                "old": self.retention_old.to_dict(),
                "new_by_category": None if self.retention_category is None
                else self.retention_category.to_dict(),
            },
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
            "forecast": None if self.forecast is None else self.forecast.to_dict(),
            "notes": list(self.notes),
        }


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not np.isfinite(v):
            v = None
        out[k] = v
    return out


def migration_report(
    data: MigrationData,
    *,
    top: int = 20,
    period: Any = "1D",
    follow: Literal["cascade", "threshold"] = "cascade",
    with_forecast: bool = True,
    train_fraction: float = 0.6,
    runs: int = 200,
    draws: int = 20,
    seed: int | None = 0,
) -> MigrationReport:
    """Measure a migration end to end.

    Parameters
    ----------
    data : MigrationData
    top : int, default 20
        Rows of the follow-through ranking.
    period : default "1D"
        Step length for exposure, calibration and forecast.
    follow : {"cascade", "threshold"}
        Following rule to calibrate.
    with_forecast : bool, default True
        Also calibrate on the first ``train_fraction`` of the steps and forecast the rest.
    train_fraction, runs, draws, seed
        For :func:`downline.migration.forecast`.

    Returns
    -------
    MigrationReport

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(800, p_follow=0.2, attrition_new=0.05, steps=12,
    ...                           seed=1)
    >>> rep = migration_report(data, top=5, runs=50)
    >>> len(rep.follow_through), rep.summary["movers"] == len(data.movers)
    (5, True)
    """
    notes: list[str] = []
    roles = data.people["role"].value_counts()
    movers = data.movers
    summary = {
        "people": len(data.people),
        "movers": int(roles.get("mover", 0)),
        "stayers": int(roles.get("stayer", 0)),
        "newcomers": int(roles.get("newcomer", 0)),
        "follows": int(data.graph.m),
        "new_follows": None if data.new_graph is None else int(data.new_graph.m),
        "first_move": None if movers.empty else movers.iloc[0].isoformat(),
        "last_move": None if movers.empty else movers.iloc[-1].isoformat(),
        "observed_until": data.observed_until.isoformat(),
        "issues": len(data.report.issues),
    }
    if movers.empty:
        raise InputError("nobody moved: no person has both an old and a new handle")
    ft = follow_through(data, top=top)
    exp = moving_exposure(data, period=period)
    if exp["category"].notna().any():
        by_cat = exp.groupby("category", sort=False).agg(
            movers=("threshold", "size"), threshold_mean=("threshold", "mean"),
            threshold_median=("threshold", "median"),
            moved_before_mean=("moved_before", "mean"))
        by_cat = by_cat.reindex([c for c in CATEGORIES if c in by_cat.index]).reset_index()
        categories = rogers_categories(movers).to_dict()
    else:
        by_cat = pd.DataFrame(columns=["category", "movers", "threshold_mean",
                                       "threshold_median", "moved_before_mean"])
        categories = None
        notes.append("adopter categories need movers on at least two dates")
    ret_new = retention(data, "new", by="role")
    ret_old = retention(data, "old")
    ret_cat = retention(data, "new", by="category") if categories is not None else None
    cal = fc = None
    try:
        cal = calibrate(data, follow=follow, period=period)
    except InputError as exc:
        notes.append(f"calibration skipped: {exc}")
    if with_forecast and cal is not None:
        try:
            fc = forecast(data, train_fraction=train_fraction, follow=follow, period=period,
                          runs=runs, draws=draws, seed=seed)
        except InputError as exc:
            notes.append(f"forecast skipped: {exc}")
    return MigrationReport(summary, data.report, ft, by_cat, categories, ret_new, ret_old,
                           ret_cat, cal, fc, notes)
