"""Time-stamped graphs: every edge event with its time, and the static graphs they give.

A :class:`TemporalGraph` holds one row per event ``(u, v, t)`` (a message sent, a follow
made), sorted by time, over the same dense node indices and labels as a :class:`Graph`.
It answers what analyses of spread over time ask: the graph as of a date
(:meth:`TemporalGraph.as_of`), the events in a window (:meth:`TemporalGraph.window`), and
when each pair first made contact (:meth:`TemporalGraph.first_contact`).

Times are float64 seconds since 1970-01-01 UTC when the file holds dates or epoch
seconds (``time_unit="s"``), or the file's own numbers (``time_unit="number"``) when
they are not epoch seconds (event counters, days since a start). Every method that takes
a time takes a number, an ISO 8601 string, a ``datetime``, ``numpy.datetime64`` or
``pandas.Timestamp``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from downline.common.limits import Limits
from downline.errors import FormatError, GraphError, ParameterError
from downline.graph._core import DuplicatePolicy, Graph, SelfLoopPolicy, _as_arrow, encode_labels
from downline.graph.io import _TIME_NAMES, _read_edge_columns, _read_parquet_columns, _sniff

__all__ = ["TemporalGraph", "parse_times", "read_temporal_graph", "to_seconds"]

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def to_seconds(value: Any) -> float:
    """A time as float seconds since the epoch (numbers pass through).

    Examples
    --------
    >>> to_seconds("1970-01-02")
    86400.0
    >>> to_seconds(12.5)
    12.5
    """
    if isinstance(value, bool):
        raise ParameterError(f"not a time: {value!r}", field="time")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if _FLOAT.match(text):
            return float(text)
        if not _ISO.match(text):
            raise ParameterError(f"not an ISO 8601 date or a number: {value!r}", field="time")
        return float(_iso_seconds(pa.array([text]))[0])
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.timestamp()
        value = np.datetime64(value, "us")
    elif isinstance(value, date):
        value = np.datetime64(value, "D")
    if hasattr(value, "to_datetime64"):  # pandas.Timestamp
        if getattr(value, "tzinfo", None) is not None:
            return float(value.timestamp())
        value = value.to_datetime64()
    if isinstance(value, np.datetime64):
        return float(value.astype("datetime64[us]").astype(np.int64)) / 1e6
    raise ParameterError(f"not a time: {value!r}", field="time")


def parse_times(col: pa.Array, *, path: str | os.PathLike[str] | None = None,
                line_of: Any = None, field: str = "time",
                date_format: str | None = None) -> tuple[np.ndarray, str]:
    """Parse a column of times: epoch numbers or ISO 8601 dates (or ``date_format``).

    Parameters
    ----------
    col : pyarrow.Array
        Integers, floats or strings.
    path, line_of, field
        For error messages: the file, a function row -> line, the column name.
    date_format : str, optional
        A ``strptime`` format for dates that are not ISO 8601 (``"%d/%m/%Y"``). Without
        it, a non-ISO date is an error, never a guess.

    Returns
    -------
    seconds : ndarray of float64
    unit : {"s", "number"}
        ``"s"`` for dates; ``"number"`` for plain numbers (epoch seconds or other).

    Examples
    --------
    >>> import pyarrow as pa
    >>> parse_times(pa.array(["2004-04-15", "2004-04-16T00:00:01Z"]))[0].tolist()
    [1081987200.0, 1082073601.0]
    """
    def where(row: int) -> int | None:
        return None if line_of is None else int(line_of(row))

    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        values = pc.cast(col, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise FormatError(f"time {values[bad[0]]!r} is not a finite number", path=path,
                              line=where(int(bad[0])), field=field)
        return values, "number"
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        if pa.types.is_date(col.type):
            col = pc.cast(col, pa.timestamp("s"))
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[col.type.unit]
        ticks = col.view(pa.int64()) if col.offset == 0 else pc.cast(
            col.cast(pa.timestamp(col.type.unit)), pa.int64())
        if ticks.null_count:
            row = pc.index(pc.is_null(ticks), True).as_py()
            raise FormatError("missing time", path=path, line=where(row), field=field)
        return ticks.to_numpy(zero_copy_only=False).astype(np.float64) / scale, "s"
    if pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
        try:
            col = pc.cast(col, pa.string())
        except pa.ArrowInvalid:
            row = next(i for i, v in enumerate(col.to_pylist())
                       if v is not None and not _is_utf8(v))
            raise FormatError("time is not text (invalid UTF-8)", path=path,
                              line=where(row), field=field) from None
    elif pa.types.is_null(col.type) or pa.types.is_boolean(col.type):
        raise FormatError(f"time column holds {col.type}, not times", path=path, field=field)
    elif not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        try:
            col = pc.cast(col, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise FormatError(f"time column holds {col.type}, not numbers, dates or text",
                              path=path, field=field) from None
    col = pc.utf8_trim_whitespace(col)
    numeric = pc.match_substring_regex(col, _FLOAT.pattern)
    if pc.all(numeric).as_py():
        return pc.cast(col, pa.float64(), safe=False).to_numpy(zero_copy_only=False), "number"
    if date_format is not None:
        try:
            stamps = pc.strptime(col, format=date_format, unit="us", error_is_null=True)
        except pa.ArrowInvalid as exc:
            raise ParameterError(f"bad date format {date_format!r}: {exc}",
                                 field="date_format") from None
        if stamps.null_count:
            row = pc.index(pc.is_null(stamps), True).as_py()
            raise FormatError(f"{col[row].as_py()!r} does not match the date format "
                              f"{date_format!r}", path=path, line=where(row), field=field)
        return stamps.cast(pa.int64()).to_numpy(zero_copy_only=False) / 1e6, "s"
    iso = pc.match_substring_regex(col, _ISO.pattern)
    if not pc.all(iso).as_py():
        row = pc.index(iso, False).as_py()
        raise FormatError(
            f"{col[row].as_py()!r} is neither a number nor an ISO 8601 date (YYYY-MM-DD"
            "[THH:MM[:SS]][Z|+HH:MM]); pass date_format= (CLI --date-format) for others",
            path=path, line=where(row), field=field)
    return _iso_seconds(col, path, where, field), "s"


def _iso_seconds(col: pa.Array, path: Any = None, where: Any = None,
                 field: str = "time") -> np.ndarray:
    """ISO 8601 strings to epoch seconds, zones honoured; years beyond 2262 fine."""
    text = pc.replace_substring_regex(col, r"^(\d{4}-\d{2}-\d{2}) ", r"\1T")
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{2}-\d{2})$", r"\1T00:00:00")
    has_zone = pc.match_substring_regex(text, r"(Z|[+-]\d{2}:?\d{2})$")
    try:
        if pc.any(has_zone).as_py():
            text = pc.if_else(has_zone, text, pc.binary_join_element_wise(text, "Z", ""))
            stamps = pc.cast(text, pa.timestamp("us", tz="UTC"))
        else:
            stamps = pc.cast(text, pa.timestamp("us"))
    except pa.ArrowInvalid:
        for row, value in enumerate(text.to_pylist()):
            try:
                pc.cast(pa.array([value]), pa.timestamp("us", tz="UTC") if value.endswith(
                    "Z") or "+" in value[10:] or value[10:].count("-") else pa.timestamp("us"))
            except pa.ArrowInvalid:
                raise FormatError(f"{col[row].as_py()!r} is not a valid date", path=path,
                                  line=None if where is None else where(row),
                                  field=field) from None
        raise
    return stamps.cast(pa.int64()).to_numpy(zero_copy_only=False) / 1e6


@dataclass(frozen=True, eq=False, repr=False)
class TemporalGraph:
    """Time-stamped edge events over labelled nodes, sorted by time.

    Parameters
    ----------
    src, dst : ndarray of int32
        Dense node indices of each event (into ``labels``).
    time : ndarray of float64
        Event times, non-decreasing (see the module docstring for units).
    labels : ndarray
        The user's node ids.
    probs : ndarray of float32 or None
        A weight per event, when the file had one.
    time_unit : {"s", "number"}
        Seconds since the epoch, or the file's own numbers.
    name : str
    meta : dict

    Examples
    --------
    >>> tg = TemporalGraph.from_events(["a", "b", "a"], ["b", "c", "b"], [3, 1, 2])
    >>> tg.number_of_events(), tg.first_contact().to_dict("list")["time"]
    (3, [1.0, 2.0])
    >>> tg.as_of(1).number_of_edges()
    1
    """

    src: np.ndarray
    dst: np.ndarray
    time: np.ndarray
    labels: np.ndarray
    probs: np.ndarray | None = None
    time_unit: str = "number"
    name: str = "graph"
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        m = self.src.shape[0]
        if self.dst.shape != (m,) or self.time.shape != (m,):
            raise GraphError("src, dst and time must have one entry per event")
        if self.probs is not None and self.probs.shape != (m,):
            raise GraphError("probs must have one entry per event")
        if m and np.any(np.diff(self.time) < 0):
            raise GraphError("events must be sorted by time (use from_events)")
        for a in (self.src, self.dst, self.time, self.labels, self.probs):
            if a is not None:
                a.flags.writeable = False

    @classmethod
    def from_events(cls, sources: Any, targets: Any, times: Any, probs: Any = None, *,
                    nodes: Any = None, time_unit: str | None = None, name: str = "graph",
                    meta: dict[str, Any] | None = None) -> TemporalGraph:
        """Build from parallel arrays of labels and times (any order; sorted here).

        ``times`` may be numbers, ISO strings or datetimes.
        """
        s_lab, d_lab = _as_arrow(sources), _as_arrow(targets)
        if len(s_lab) != len(d_lab):
            raise GraphError("sources and targets have different lengths")
        t_arr = np.asarray(times)
        if t_arr.dtype.kind in "iuf":
            secs, unit = t_arr.astype(np.float64), "number"
        elif t_arr.dtype.kind == "M":
            secs, unit = t_arr.astype("datetime64[us]").astype(np.int64) / 1e6, "s"
        else:
            secs = np.array([to_seconds(v) for v in t_arr.tolist()], dtype=np.float64)
            unit = "s"
        if secs.shape != (len(s_lab),):
            raise GraphError("times must have one entry per edge")
        labels, s, d = encode_labels(s_lab, d_lab, nodes)
        p = None if probs is None else np.asarray(probs, dtype=np.float32)
        return cls._sorted(s, d, secs, labels, p, time_unit or unit, name, dict(meta or {}))

    @classmethod
    def _sorted(cls, s: np.ndarray, d: np.ndarray, t: np.ndarray, labels: np.ndarray,
                p: np.ndarray | None, unit: str, name: str, meta: dict[str, Any]
                ) -> TemporalGraph:
        order = np.argsort(t, kind="stable")
        return cls(np.ascontiguousarray(s[order], dtype=np.int32),
                   np.ascontiguousarray(d[order], dtype=np.int32),
                   np.ascontiguousarray(t[order], dtype=np.float64), labels,
                   None if p is None else np.ascontiguousarray(p[order], dtype=np.float32),
                   unit, name, meta)

    # -- sizes -----------------------------------------------------------------------
    def number_of_nodes(self) -> int:
        """Nodes, including any that have no event in a window."""
        return int(self.labels.shape[0])

    def number_of_events(self) -> int:
        """Time-stamped events (edges counted once per time they occur)."""
        return int(self.src.shape[0])

    def span(self) -> tuple[float, float]:
        """First and last event time (NaN, NaN when there are none)."""
        if not self.time.size:
            return float("nan"), float("nan")
        return float(self.time[0]), float(self.time[-1])

    def __repr__(self) -> str:
        return (f"TemporalGraph(name={self.name!r}, nodes={self.number_of_nodes():,}, "
                f"events={self.number_of_events():,})")

    # -- views -------------------------------------------------------------------------
    def _cut(self, t: Any, side: str) -> int:
        return int(np.searchsorted(self.time, to_seconds(t), side=side))  # type: ignore[call-overload]

    def window(self, start: Any = None, end: Any = None) -> TemporalGraph:
        """The events with ``start <= t < end`` (None: open); same nodes and labels.

        Examples
        --------
        >>> tg = TemporalGraph.from_events([1, 2, 3], [2, 3, 1], [10, 20, 30])
        >>> tg.window(15, 30).number_of_events()
        1
        """
        lo = 0 if start is None else self._cut(start, "left")
        hi = self.time.size if end is None else self._cut(end, "left")
        hi = max(hi, lo)
        return TemporalGraph(self.src[lo:hi].copy(), self.dst[lo:hi].copy(),
                             self.time[lo:hi].copy(), self.labels,
                             None if self.probs is None else self.probs[lo:hi].copy(),
                             self.time_unit, self.name, dict(self.meta))

    def static(self, *, self_loops: SelfLoopPolicy = "drop",
               duplicates: DuplicatePolicy = "drop", undirected: bool = False) -> Graph:
        """The static graph of all events (a pair met several times is one edge).

        Edge probabilities are the events' weights (the earliest event's for a repeated
        pair), else 1.
        """
        p = self.probs if self.probs is not None else np.ones(self.src.shape[0], np.float32)
        meta = dict(self.meta)
        meta.update(temporal=True, events=self.number_of_events())
        return Graph.from_indices(self.src, self.dst, p, self.labels, undirected=undirected,
                                  self_loops=self_loops, duplicates=duplicates,
                                  name=self.name, meta=meta)

    def as_of(self, t: Any, **policies: Any) -> Graph:
        """The static graph of the events at or before ``t``; every node is kept.

        Examples
        --------
        >>> tg = TemporalGraph.from_events([1, 2], [2, 3], ["2024-01-01", "2024-03-01"])
        >>> tg.as_of("2024-02-01").number_of_edges(), tg.as_of("2024-02-01").number_of_nodes()
        (1, 3)
        """
        hi = self._cut(t, "right")
        return self.window(None, None)._head(hi).static(**policies)

    def _head(self, k: int) -> TemporalGraph:
        return TemporalGraph(self.src[:k].copy(), self.dst[:k].copy(), self.time[:k].copy(),
                             self.labels, None if self.probs is None else self.probs[:k].copy(),
                             self.time_unit, self.name, dict(self.meta))

    def first_contact(self, *, self_loops: bool = False) -> Any:
        """Each distinct pair ``(u, v)`` once, with the time of its first event.

        Returns
        -------
        pandas.DataFrame
            Columns ``source``, ``target`` (the user's ids), ``time``, ``events`` (how
            many events the pair has), ordered by first time.
        """
        # lazy: pandas costs 0.3 s; graph does not need it otherwise
        import pandas as pd

        n = max(self.number_of_nodes(), 1)
        key = self.src.astype(np.int64) * n + self.dst.astype(np.int64)
        keep = np.ones(key.shape[0], bool) if self_loops else self.src != self.dst
        key = key[keep]
        times = self.time[keep]
        uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        first, uniq, counts = first[order], uniq[order], counts[order]
        return pd.DataFrame({
            "source": self.labels[uniq // n],
            "target": self.labels[uniq % n],
            "time": times[first],
            "events": counts.astype(np.int64),
        })

    def first_contact_times(self, graph: Graph | None = None) -> np.ndarray:
        """First event time of each edge of ``graph`` (default :meth:`static`), aligned
        with ``graph.indices``; NaN for an edge with no event.

        Examples
        --------
        >>> tg = TemporalGraph.from_events([1, 1, 2], [2, 2, 3], [5, 1, 7])
        >>> g = tg.static()
        >>> tg.first_contact_times(g).tolist()
        [1.0, 7.0]
        """
        g = graph if graph is not None else self.static()
        if g.number_of_nodes() != self.number_of_nodes():
            raise GraphError("the graph must have the same nodes as the temporal graph")
        n = max(self.number_of_nodes(), 1)
        src = np.repeat(np.arange(g.n, dtype=np.int64), g.out_degree())
        edge_key = src * n + g.indices.astype(np.int64)
        ev_key = self.src.astype(np.int64) * n + self.dst.astype(np.int64)
        uniq, first = np.unique(ev_key, return_index=True)
        pos = np.searchsorted(uniq, edge_key)
        pos_c = np.minimum(pos, max(uniq.size - 1, 0))
        found = (uniq.size > 0) & (uniq[pos_c] == edge_key) if uniq.size else \
            np.zeros(edge_key.shape, bool)
        out = np.full(edge_key.shape[0], np.nan)
        out[found] = self.time[first[pos_c[found]]]
        return out

    def edges(self) -> Any:
        """The events as a DataFrame: ``source``, ``target``, ``time`` (and ``p``)."""
        # lazy: pandas costs 0.3 s; graph does not need it otherwise
        import pandas as pd

        frame = pd.DataFrame({"source": self.labels[self.src], "target": self.labels[self.dst],
                              "time": self.time})
        if self.probs is not None:
            frame["p"] = self.probs
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Sizes and span (JSON-safe)."""
        lo, hi = self.span()
        return {"name": self.name, "nodes": self.number_of_nodes(),
                "events": self.number_of_events(), "time_unit": self.time_unit,
                "first": lo, "last": hi}


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_temporal_graph(
    path: str | os.PathLike[str],
    *,
    columns: Any = None,
    header: str = "auto",
    delimiter: str | None = None,
    reverse: bool = False,
    date_format: str | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> TemporalGraph:
    """Read a time-stamped edge list (``u v t`` SNAP files, CSV with a time column).

    Parameters
    ----------
    path : str or PathLike
        A text edge list (compressed is fine) or Parquet with a time column.
    columns : str, sequence or dict, optional
        Column roles as for :func:`downline.read_graph`; by default a header's names
        (``time``, ``timestamp``, ``ts``, ``date``, ...) or ``u v t`` for three columns.
    header, delimiter, reverse
        As for :func:`downline.read_graph`.
    date_format : str, optional
        ``strptime`` format of non-ISO dates (never guessed).
    name : str, optional
    limits : Limits, optional

    Returns
    -------
    TemporalGraph

    Raises
    ------
    FormatError
        No time column, or a time that is neither a number nor a date (naming the line).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "msgs.txt"
    >>> _ = p.write_text("1 2 1082040961\\n2 3 1082155839\\n1 2 1082160000\\n")
    >>> tg = read_temporal_graph(p)
    >>> tg.number_of_events(), tg.static().number_of_edges()
    (3, 2)
    """
    p = Path(path)
    if not p.exists():
        raise FormatError("no such file", path=p)
    gname = name or p.name.split(".")[0]
    if p.suffix.lower() in (".parquet", ".pq"):
        src, dst, probs, time, tfield, line_of = _read_parquet_columns(p, columns)
        notes: list[str] = []
    else:
        if columns is None:
            columns = _default_roles(p, header, delimiter, limits)
        ec = _read_edge_columns(p, header=header, delimiter=delimiter,  # type: ignore[arg-type]
                                columns=columns, require_weights=False, limits=limits,
                                want_time=True)
        src, dst, probs, time, tfield = ec.src, ec.dst, ec.probs, ec.time, ec.time_field
        line_of, notes = ec.line_of, ec.notes
    if time is None:
        raise FormatError("no time column: name it time/timestamp/date in a header line or "
                          "say which it is with columns= (CLI --columns source,target,time)",
                          path=p, field="time")
    secs, unit = parse_times(time, path=p, line_of=line_of, field=tfield or "time",
                             date_format=date_format)
    if unit == "number" and secs.size and 1e8 <= np.nanmin(secs) and np.nanmax(secs) <= 4.2e9:
        unit = "s"  # epoch seconds between 1973 and 2103
    if reverse:
        src, dst = dst, src
    try:
        labels, s, d = encode_labels(src, dst)
    except GraphError as exc:
        raise GraphError(exc.message, path=p) from None
    if probs is not None and len(probs) != len(secs):
        raise FormatError("a temporal edge list cannot list both arcs per line", path=p)
    meta = {"source": str(p), "format": "temporal edgelist", "time_column": tfield,
            "reverse": reverse}
    if notes:
        meta["notes"] = [n for n in notes if "third column holds times" not in n]
    return TemporalGraph._sorted(s, d, secs, labels, probs, unit, gname, meta)


def _default_roles(p: Path, header: str, delimiter: str | None, limits: Limits | None) -> Any:
    sn = _sniff(p, delimiter, header, limits)  # type: ignore[arg-type]
    if sn.header == "names":
        if any(t.lower() in _TIME_NAMES for t in sn.names):
            return None
        return None
    width = len(sn.table_sniff.first[-1]) if sn.table_sniff else 3
    if width == 3:
        return "source,target,time"
    if width == 4:
        return "source,target,weight,time"
    return None
