"""One adoption record analysed end to end: Bass fit and forecast, Rogers, the chasm.

:func:`adoption_record` turns one of three sources (one adoption time per adopter,
adopters per period, or a cascade's cumulative curve) into adopters per period, checking
the stated bounds (periods, adopters) before anything large is built; it is cheap, so a
service can call it before queueing the work. :func:`analyze_adoption` fits and explains
it. The CLI, the API and the dashboard show the same :meth:`AdoptionAnalysis.to_dict`.

When the Bass model cannot be identified (the record shows no slowdown yet, so the
market potential runs to its bound), the analysis says so in :attr:`AdoptionAnalysis.verdict`
with what to try, and leaves out the forecast bands, which would only repeat the bound.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from downline.adoption.bass import BassModel, fit_cascade_curve
from downline.adoption.io import AdoptionData, check_adopter_count, to_periods
from downline.adoption.rogers import rogers_categories
from downline.common.progress import Progress
from downline.errors import InputError, ParameterError

__all__ = ["AdoptionAnalysis", "AdoptionRecord", "adoption_record", "analyze_adoption"]

MAX_HORIZON = 1000


@dataclass(frozen=True, eq=False)
class AdoptionRecord:
    """Adopters per period, ready to fit.

    Attributes
    ----------
    kind : str
        ``"times"``, ``"adopters"`` or ``"cumulative"``: what it was built from.
    adopters : ndarray
        Adopters in periods ``1..K``.
    labels : tuple of str
        A label per period (the period's start date, the given period, or ``step i``).
    freq : str or None
        The period length used for times; ``"step"`` for a cascade curve.
    edges : ndarray
        ``K + 1`` period boundaries in the units of the adoption times (Rogers bands).
    times : Series or None
        One adoption time per adopter, when given.
    periods : ndarray or None
        The given period values of an ``adopters`` record.
    cumulative : ndarray or None
        The given cumulative curve.
    """

    kind: str
    adopters: np.ndarray
    labels: tuple[str, ...]
    freq: str | None
    edges: np.ndarray
    times: pd.Series | None = None
    periods: np.ndarray | None = None
    cumulative: np.ndarray | None = None

    def data(self) -> dict[str, Any]:
        """``t``, ``adopters``, ``labels`` and ``freq`` as plain values."""
        return {"t": list(range(1, self.adopters.shape[0] + 1)),
                "adopters": self.adopters.tolist(), "labels": list(self.labels),
                "freq": self.freq}

    def adopter_times(self) -> pd.Series:
        """One time per adopter (spread within periods when only counts are known)."""
        if self.times is not None:
            return self.times
        if self.kind == "cumulative":
            k = self.adopters.shape[0]
            return AdoptionData(np.arange(k), np.round(self.adopters), None, None,
                                list(range(k))).adopter_times()
        assert self.periods is not None
        return AdoptionData(self.periods, np.round(self.adopters), None, None,
                            list(self.periods)).adopter_times()


def adoption_record(
    *,
    times: Any = None,
    periods: Sequence[float] | None = None,
    adopters: Sequence[float] | None = None,
    cumulative: Sequence[float] | None = None,
    freq: str | None = None,
) -> AdoptionRecord:
    """Adopters per period from exactly one source, within the stated bounds.

    Parameters
    ----------
    times : array-like or Series, optional
        One adoption time per adopter (numbers or datetimes).
    periods : array-like, optional
        The periods of ``adopters`` (default ``1..K``).
    adopters : array-like, optional
        Adopters per period (at least 3, finite, not negative).
    cumulative : array-like, optional
        A cumulative curve (a cascade's mean curve, step 0 the seeds).
    freq : str, optional
        Period of ``times`` (see :func:`downline.adoption.to_periods`).

    Raises
    ------
    ParameterError
        Not exactly one source.
    InputError
        Malformed counts.
    LimitError
        More periods than ``max_periods`` or more adopters than ``max_adopters``
        (:mod:`downline.common.limits`).

    Examples
    --------
    >>> adoption_record(adopters=[10, 30, 60, 80]).labels
    ('1', '2', '3', '4')
    >>> from downline.errors import LimitError
    >>> try:
    ...     adoption_record(times=pd.to_datetime(["1000-01-01", "2999-01-01"]), freq="D")
    ... except LimitError as exc:
    ...     print(exc.message[:32])
    this would create 730,121 period
    """
    given = [x is not None for x in (times, adopters, cumulative)]
    if sum(given) != 1:
        raise ParameterError("give exactly one of times, adopters or cumulative",
                             field="source")
    if times is not None:
        _, counts, starts, used = to_periods(times, freq)
        values = times.to_numpy() if isinstance(times, pd.Series) else np.asarray(times)
        if values.dtype.kind == "M":
            labels = tuple(str(s)[:10] for s in starts)
            stamps = pd.DatetimeIndex(pd.to_datetime(starts))
            first = pd.to_datetime(values).min()
            days = ((stamps - first) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
            step = days[-1] - days[-2] if days.shape[0] > 1 else 1.0
            edges = np.concatenate([days, [days[-1] + step]])
        else:
            labels = tuple(f"{s:g}" for s in starts)
            width = float(used)
            edges = np.concatenate([np.asarray(starts, dtype=np.float64),
                                    [float(starts[-1]) + width]])
        series = times if isinstance(times, pd.Series) else pd.Series(values)
        return AdoptionRecord("times", counts, labels, used, edges, times=series)
    if adopters is not None:
        counts = np.asarray(adopters, dtype=np.float64)
        if counts.ndim != 1 or counts.shape[0] < 3 or not np.all(np.isfinite(counts)):
            raise InputError("adopters needs at least 3 finite numbers", field="adopters")
        if np.any(counts < 0):
            raise InputError("adopters per period cannot be negative", field="adopters")
        check_adopter_count(float(counts.sum()))
        per = (np.arange(1, counts.shape[0] + 1) if periods is None
               else np.asarray(periods, dtype=np.int64))
        if per.shape != counts.shape:
            raise InputError("periods and adopters differ in length", field="periods")
        edges = np.concatenate([per, [per[-1] + 1]]).astype(np.float64)
        return AdoptionRecord("adopters", counts, tuple(str(x) for x in per.tolist()), None,
                              edges, periods=per)
    curve = np.asarray(cumulative, dtype=np.float64)
    if curve.ndim != 1 or curve.shape[0] < 3 or not np.all(np.isfinite(curve)):
        raise InputError("a cumulative curve needs at least 3 finite numbers",
                         field="cumulative")
    new = np.clip(np.diff(np.concatenate([[0.0], curve])), 0, None)
    check_adopter_count(float(new.sum()))
    return AdoptionRecord("cumulative", new, tuple(f"step {i}" for i in range(new.shape[0])),
                          "step", np.arange(new.shape[0] + 1, dtype=np.float64),
                          cumulative=curve)


@dataclass(frozen=True, eq=False)
class AdoptionAnalysis:
    """Bass fit and forecast, Rogers categories and the chasm of one record.

    Attributes
    ----------
    record : AdoptionRecord
    bass : BassModel
        The fitted model.
    forecast : DataFrame
        :meth:`BassModel.forecast` over the record and ``horizon`` more periods.
    rogers : RogersResult or None
        None when the categories cannot be formed (the reason is in ``warnings``).
    rogers_bands : tuple of dict
        Each category as a span ``t_start..t_end`` of the period axis.
    identified : bool
        Whether the Bass parameters are identified (the fit converged inside its bounds).
    verdict : str
        One plain sentence on the fit: what it says, or why none is possible and what
        to try.
    warnings : tuple of str
    """

    record: AdoptionRecord
    bass: BassModel
    forecast: pd.DataFrame
    rogers: Any
    rogers_bands: tuple[dict[str, Any], ...]
    identified: bool
    verdict: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """``data``, ``bass``, ``forecast`` (columns as lists), ``rogers``,
        ``rogers_bands``, ``identified``, ``verdict`` and ``warnings``."""
        forecast = self.forecast
        if not self.identified:
            # Bands around an unidentified fit only show the bound; keep the curve.
            forecast = forecast.assign(lower=np.nan, upper=np.nan, pred_lower=np.nan,
                                       pred_upper=np.nan)
        return {
            "data": self.record.data(),
            "bass": self.bass.to_dict(),
            "forecast": forecast.to_dict(orient="list"),
            "rogers": None if self.rogers is None else self.rogers.to_dict(),
            "rogers_bands": [dict(b) for b in self.rogers_bands],
            "identified": self.identified,
            "verdict": self.verdict,
            "warnings": list(self.warnings),
        }


def _rogers_bands(rogers: Any, edges: np.ndarray) -> tuple[dict[str, Any], ...]:
    """Rogers categories as spans of the period axis (period ``t`` covers ``t -+ 0.5``)."""
    cuts = np.concatenate([[-np.inf], np.asarray(rogers.boundaries, dtype=np.float64), [np.inf]])
    t_edges = np.arange(edges.shape[0], dtype=np.float64) + 0.5
    pos = np.interp(np.clip(cuts, edges[0], edges[-1]), edges, t_edges)
    names = [str(c) for c in rogers.table["category"]]
    return tuple({"category": name, "t_start": float(pos[i]), "t_end": float(pos[i + 1])}
                 for i, name in enumerate(names))


def _verdict(record: AdoptionRecord, model: BassModel) -> tuple[bool, str]:
    counts = record.adopters
    seen = float(counts.sum())
    if model.converged_:
        peak = model.peak_time_
        where = ("still ahead" if peak > counts.shape[0] else "passed")
        return True, (f"Bass fits: market potential about {model.m_:,.0f} "
                      f"(the record holds {seen:,.0f}), innovation p = {model.p_:.4f}, "
                      f"imitation q = {model.q_:.3f}; the peak is {where} "
                      f"(period {peak:.1f}).")
    half = counts.shape[0] // 2
    early, late = counts[:half].sum(), counts[half:].sum()
    growing = late > 1.5 * early and counts[-1] >= counts[: max(1, half)].max()
    if growing:
        return False, ("No Bass fit is possible yet: adoptions are still speeding up "
                       f"({early:,.0f} in the first half of the record, {late:,.0f} in the "
                       "second), so the market potential m is not identified and ran to its "
                       "bound. Try a record that runs past the peak (a what-if result, a "
                       "longer history), or a shorter period to see whether the growth "
                       "slows.")
    return False, (f"The Bass fit did not converge ({model.message_}); the curve is shown "
                   "without bands. Try another period length or a longer record.")


def analyze_adoption(
    record: AdoptionRecord,
    *,
    horizon: int = 12,
    rogers_method: str = "sd",
    progress: Progress | None = None,
) -> AdoptionAnalysis:
    """Fit Bass (and forecast ``horizon`` periods), form Rogers' categories and test the
    chasm on one record.

    Parameters
    ----------
    record : AdoptionRecord
        From :func:`adoption_record`.
    horizon : int
        Periods to forecast, ``0..1000``.
    rogers_method : {"sd", "quantile"}
    progress : callable, optional
        ``progress(done, total, message)``.

    Returns
    -------
    AdoptionAnalysis

    Examples
    --------
    >>> out = analyze_adoption(adoption_record(adopters=[10, 30, 60, 80, 60, 30, 12]),
    ...                        horizon=2)
    >>> out.identified, out.forecast.shape[0], out.rogers is not None
    (True, 9, True)
    """
    progress = progress or (lambda *a, **k: None)
    if int(horizon) != horizon or not 0 <= horizon <= MAX_HORIZON:
        raise ParameterError(f"horizon must be in [0, {MAX_HORIZON}]", field="horizon")
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        if record.kind == "cumulative":
            assert record.cumulative is not None
            model = fit_cascade_curve(record.cumulative)
        elif record.kind == "times":
            model = BassModel().fit(record.adopters,
                                    np.arange(1, record.adopters.shape[0] + 1, dtype=float))
        else:
            model = BassModel().fit(record.adopters)
        progress(0.6, 1.0, "Bass fitted")
        forecast = model.forecast(int(horizon))
        rogers = None
        bands: tuple[dict[str, Any], ...] = ()
        try:
            rogers = rogers_categories(record.adopter_times(), method=rogers_method)
            bands = _rogers_bands(rogers, record.edges)
        except InputError as exc:
            caught.append(f"Rogers categories: {exc.message}")
        caught.extend(str(w.message) for w in seen)
    identified, verdict = _verdict(record, model)
    progress(1.0, 1.0)
    return AdoptionAnalysis(record, model, forecast, rogers, bands, identified, verdict,
                            tuple(caught))
