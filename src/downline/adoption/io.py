"""Reading adoption files: a per-period series or a column of adoption timestamps.

Two CSV shapes load:

- ``period,adopters``: one row per period (whole numbers, for example years). Rows may
  come in any order (they are sorted); a period given twice is an error naming both
  lines; a missing period is a gap, not a zero.
- a column of adoption timestamps, one row per adopter (numbers or ISO dates), named
  ``time``, ``timestamp``, ``adopted_at``, ``date`` or ``adoption_time`` (or the only
  column; or chosen with ``column=``). Rows may come in any order and ties are separate
  adopters; with an ``id`` column, an id given twice is an error.

:func:`to_periods` bins timestamps into periods for a Bass fit. Fitting lives in
:mod:`downline.adoption.bass`.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from downline.common import tables
from downline.common.limits import check_periods, default_limits
from downline.errors import FormatError, InputError, LimitError, ParameterError

__all__ = ["AdoptionData", "read_adoptions", "to_periods"]

_TIME_COLUMNS = ("time", "timestamp", "adopted_at", "date", "adoption_time", "t")
_FREQS = ("D", "W", "M", "Q", "Y")


@dataclass(frozen=True)
class AdoptionData:
    """What an adoption file holds.

    Attributes
    ----------
    periods : ndarray of int64
        Period labels, sorted (for timestamps: 1, 2, ... after binning).
    adopters : ndarray of float64
        Adopters per period.
    times : Series or None
        One adoption time per adopter when the file listed timestamps (indexed by the
        ``id`` column when there is one), else None.
    freq : str or None
        The bin used for timestamps (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"`` or a
        numeric width as text), None for a series.
    starts : list
        The start of each period (the period label for a series).
    """

    periods: np.ndarray
    adopters: np.ndarray
    times: pd.Series | None
    freq: str | None
    starts: list[Any]

    @property
    def t(self) -> np.ndarray:
        """Periods since launch for :meth:`BassModel.fit`: the first period is 1."""
        return (self.periods - self.periods[0] + 1).astype(np.float64)

    def adopter_times(self) -> pd.Series:
        """One time per adopter: the timestamps, or spread evenly within each period.

        For a ``period,adopters`` series the ``k``-th of a period's ``n`` adopters is
        placed at ``period + (k + 0.5) / n``, so period ``1955`` covers ``[1955, 1956)``;
        without the spread every adopter of a period would tie, and category boundaries
        and adoption rates would depend on where they fall between whole periods.
        """
        if self.times is not None:
            return self.times
        counts = self.adopters
        if np.any(counts != np.round(counts)):
            raise InputError("adopters per period must be whole numbers to list adopters",
                             field="adopters")
        check_adopter_count(float(counts.sum()))
        n = counts.astype(np.int64)
        start = np.repeat(self.periods.astype(np.float64), n)
        first = np.repeat(np.cumsum(n) - n, n)
        within = np.arange(start.shape[0]) - first
        offset = (within + 0.5) / np.repeat(np.maximum(n, 1), n)
        return pd.Series(start + offset, name="time")


def check_adopter_count(total: float) -> None:
    """Refuse to list more adopters one by one than ``max_adopters`` (a stated bound).

    Rogers' categories place every adopter on the time axis, so their memory grows with
    the number of adopters, not with the number of periods.

    Examples
    --------
    >>> check_adopter_count(1000)
    >>> try:
    ...     check_adopter_count(9e7)
    ... except LimitError as exc:
    ...     print(exc.message[:47])
    90,000,000 adopters is more than the limit of 2
    """
    cap = default_limits().max_adopters
    if total > cap:
        raise LimitError(f"{total:,.0f} adopters is more than the limit of {cap:,} listed one "
                         "by one; give adopters in thousands, or raise DOWNLINE_MAX_ADOPTERS",
                         field="adopters")


def _read_csv(path: Path) -> pd.DataFrame:
    """The table with its index set to each row's 1-based line number in the file.

    Read by :func:`downline.common.tables.read_table` (compression, BOM, comments, quotes,
    bounds); the separator is the header's comma, tab or semicolon (else a comma), so that
    a one-column file of timestamps with spaces in them stays one column.
    """
    if not path.is_file():
        raise FormatError("file not found", path=path)
    head = tables.sniff(path, delimiter=",")
    header = head.raw_first[0]
    sep = next((c for c in (",", "\t", ";") if c in header), ",")
    table = tables.read_table(path, delimiter=sep, comment="#", header="names",
                              types="string")
    frame = pd.DataFrame({name.strip().lower(): pd.Series(col.to_pylist(), dtype=object)
                          for name, col in zip(table.names, table.columns, strict=True)})
    frame.index = pd.Index(table.line_numbers(), name="line")
    return frame


def read_adoptions(
    path: str | PathLike[str],
    *,
    column: str | None = None,
    freq: str | float | None = None,
) -> AdoptionData:
    """Read a ``period,adopters`` series or a column of adoption timestamps.

    Parameters
    ----------
    path : str or PathLike
        The CSV file (comma, tab or semicolon separated; ``#`` comments, BOM and CRLF
        are fine).
    column : str, optional
        The timestamp column, when the file lists adopters.
    freq : str or float, optional
        Period length for timestamps (see :func:`to_periods`); default chosen so that
        there are at least 8 periods.

    Returns
    -------
    AdoptionData

    Raises
    ------
    FormatError
        Unreadable file, unknown columns, a value that is not a number or date (naming
        the line), a period given twice.
    InputError
        Negative adopter counts (naming the line).
    """
    path = Path(path)
    table = _read_csv(path)
    cols = list(table.columns)
    if column is None and "period" in cols and "adopters" in cols:
        return _series(table, path)
    if column is None:
        named = [c for c in _TIME_COLUMNS if c in cols]
        if named:
            column = named[0]
        elif len(cols) == 1:
            column = cols[0]
        else:
            raise FormatError(
                "expected columns 'period,adopters' or a timestamp column "
                f"({', '.join(_TIME_COLUMNS)}); found {', '.join(cols)}", path=path)
    column = column.lower()
    if column not in cols:
        raise FormatError(f"no column {column!r} (columns: {', '.join(cols)})", path=path)
    raw = table[column]
    lines = raw.index.to_numpy()
    times = _parse_times(raw, lines, path, column)
    if "id" in cols:
        ids = table["id"]
        dup = ids.duplicated(keep="first")
        if dup.any():
            j = int(np.flatnonzero(dup.to_numpy())[0])
            first = int(np.flatnonzero((ids == ids.iloc[j]).to_numpy())[0])
            raise FormatError(
                f"adopter {ids.iloc[j]!r} appears twice (lines {lines[first]} and {lines[j]})",
                path=path, line=int(lines[j]), field="id")
        times = pd.Series(times.to_numpy(), index=pd.Index(ids.to_numpy(), name="id"),
                          name="time")
    periods, counts, starts, used = to_periods(times, freq)
    return AdoptionData(periods=periods, adopters=counts, times=times, freq=used,
                        starts=starts)


def _parse_times(raw: pd.Series, lines: np.ndarray, path: Path, column: str) -> pd.Series:
    missing = raw.isna() | (raw == "")
    if missing.any():
        j = int(np.flatnonzero(missing.to_numpy())[0])
        raise FormatError("missing adoption time", path=path, line=int(lines[j]), field=column)
    num = pd.to_numeric(raw, errors="coerce")
    if not num.isna().any():
        bad = np.flatnonzero(~np.isfinite(num.to_numpy(dtype=np.float64)))
        if bad.size:
            raise FormatError(f"adoption time {raw.iloc[bad[0]]!r} is not finite", path=path,
                              line=int(lines[bad[0]]), field=column)
        return pd.Series(num.to_numpy(dtype=np.float64), name="time")
    stamps = pd.to_datetime(raw, errors="coerce", format="mixed")
    if stamps.isna().any():
        j = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise FormatError(f"{raw.iloc[j]!r} is neither a number nor a date", path=path,
                          line=int(lines[j]), field=column)
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return pd.Series(stamps.to_numpy(), name="time")


def _series(table: pd.DataFrame, path: Path) -> AdoptionData:
    lines = table.index.to_numpy()
    out = {}
    for name in ("period", "adopters"):
        vals = pd.to_numeric(table[name], errors="coerce")
        bad = vals.isna() | ~np.isfinite(vals.fillna(0).to_numpy(dtype=np.float64))
        if bad.any():
            j = int(np.flatnonzero(bad.to_numpy())[0])
            raise FormatError(f"{table[name].iloc[j]!r} is not a number", path=path,
                              line=int(lines[j]), field=name)
        out[name] = vals.to_numpy(dtype=np.float64)
    period, adopters = out["period"], out["adopters"]
    frac = np.flatnonzero(period != np.round(period))
    if frac.size:
        j = int(frac[0])
        raise FormatError(f"period {period[j]:g} is not a whole number", path=path,
                          line=int(lines[j]), field="period")
    neg = np.flatnonzero(adopters < 0)
    if neg.size:
        j = int(neg[0])
        raise InputError(f"adopters cannot be negative ({adopters[j]:g})", path=path,
                         line=int(lines[j]), field="adopters")
    order = np.argsort(period, kind="stable")
    ps = period[order]
    dup = np.flatnonzero(np.diff(ps) == 0)
    if dup.size:
        a, b = order[dup[0]], order[dup[0] + 1]
        raise FormatError(
            f"period {ps[dup[0]]:g} appears twice (lines {lines[a]} and {lines[b]})",
            path=path, line=int(lines[b]), field="period")
    periods = ps.astype(np.int64)
    return AdoptionData(periods=periods, adopters=adopters[order], times=None, freq=None,
                        starts=periods.tolist())


def to_periods(
    times: Any, freq: str | float | None = None
) -> tuple[np.ndarray, np.ndarray, list[Any], str]:
    """Bin adoption timestamps into consecutive periods.

    Parameters
    ----------
    times : array-like or Series
        One adoption time per adopter (numbers or datetimes), any order, ties allowed.
    freq : str or float, optional
        Datetimes: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"`` (calendar periods).
        Numbers: the period length (bins ``[t_min + k w, t_min + (k+1) w)``). Default:
        the longest of these giving at least 8 periods (numbers: ``w = 1`` when the
        times span 8 or more units, else a span / 8).

    Returns
    -------
    periods : ndarray of int64
        ``1, 2, ..., K``: period 1 holds the first adoption (taken as the launch
        period), every period up to the last one is listed (zeros included).
    adopters : ndarray of float64
        Adopters per period.
    starts : list
        The start of each period (Timestamps or numbers).
    freq : str
        The period length used.

    Examples
    --------
    >>> periods, counts, starts, freq = to_periods([0.5, 0.2, 3.7, 3.1, 9.0])
    >>> counts.tolist()[:4], freq
    ([2.0, 0.0, 1.0, 1.0], '1')
    """
    values = times.to_numpy() if isinstance(times, pd.Series) else np.asarray(times)
    if values.size == 0:
        raise InputError("no adoption times", field="times")
    if values.dtype.kind == "M":
        stamps = pd.DatetimeIndex(values)
        choices = _FREQS[::-1] if freq is None else (str(freq).upper(),)
        for f in choices:
            if f not in _FREQS:
                raise ParameterError(f"freq must be one of {', '.join(_FREQS)} for dates, "
                                     f"not {freq!r}", field="freq")
            pidx = stamps.to_period(f)
            first, last = pidx.min(), pidx.max()
            k = (pidx - first).map(lambda off: off.n).to_numpy(dtype=np.int64)
            n = int((last - first).n) + 1
            if freq is not None or n >= 8 or f == "D":
                check_periods(n, cause=str(stamps.max())[:10], field="freq")
                counts = np.bincount(k, minlength=n).astype(np.float64)
                starts = [(first + i).start_time for i in range(n)]
                return np.arange(1, n + 1, dtype=np.int64), counts, starts, f
        raise AssertionError("unreachable")
    num = values.astype(np.float64)
    lo, hi = float(num.min()), float(num.max())
    if freq is None:
        span = hi - lo
        width = 1.0 if span >= 8 or span == 0 else span / 8.0
    else:
        try:
            width = float(freq)
        except ValueError:
            raise ParameterError(f"freq must be a number for numeric times, not {freq!r}",
                                 field="freq") from None
        if not width > 0:
            raise ParameterError("freq (period length) must be positive", field="freq")
    check_periods(int((hi - lo) // width) + 1, cause=hi, field="freq")
    k = np.floor((num - lo) / width).astype(np.int64)
    n = int(k.max()) + 1
    counts = np.bincount(k, minlength=n).astype(np.float64)
    starts = [lo + i * width for i in range(n)]
    return np.arange(1, n + 1, dtype=np.int64), counts, starts, f"{width:g}"
