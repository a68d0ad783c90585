"""Readers and writers of graphs in the formats people have.

Text edge lists are parsed by pyarrow's multithreaded CSV reader; when a file has what
that reader cannot take (runs of spaces, blank or comment lines inside the data, trailing
blanks), the file is read as one column of lines and split with pyarrow compute kernels,
still without a Python loop per line. Line numbers in errors are 1-based and count every
line of the file.

Direction: an edge ``u v`` means influence flows from ``u`` to ``v``. Follow lists written
``follower followee`` need ``reverse=True``. Known formats:

* SNAP edge lists (``# comment`` header, ``u<TAB>v``): ``u -> v`` as written.
* Research graphs with a first line ``n m`` (OPIM/IMM inputs): ``u v [p]``; ids are
  0-based when the largest id is below ``n``, else 1-based.
* Wei Chen's format (``n m`` header, ``u v p_uv p_vu``): both arcs, each with its own
  probability.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from downline.common import _table_kernels as _tk
from downline.common import tables
from downline.common.limits import Limits, require_memory
from downline.errors import (
    ChunkedReadUnsupported,
    FormatError,
    GraphError,
    InputError,
    ParameterError,
)
from downline.graph import _kernels
from downline.graph._core import DuplicatePolicy, Graph, SelfLoopPolicy, encode_labels
from downline.graph.convert import from_networkx

__all__ = ["detect_kind", "read_graph", "write_edgelist", "write_parquet"]

GraphFormat = Literal["edgelist", "graphml", "gexf", "parquet"]
HeaderMode = Literal["auto", "none", "nm", "names"]

_SOURCE_NAMES = {"source", "src", "from", "u", "node1", "id1", "sponsor", "followee", "upline"}
_TARGET_NAMES = {"target", "dst", "to", "v", "node2", "id2", "member", "follower", "downline"}
_WEIGHT_NAMES = {"weight", "w", "p", "prob", "probability", "influence", "p_uv"}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
# An id is a number only when writing it as a number gives it back: "007" stays text.
_ID_NUMBER = re.compile(r"^(0|-?[1-9]\d*)$")
_PADDED = re.compile(r"^[+-]?0\d+$")


def read_graph(
    path: str | os.PathLike[str],
    format: GraphFormat | None = None,
    *,
    reverse: bool = False,
    undirected: bool = False,
    weights: str | None = None,
    self_loops: SelfLoopPolicy = "drop",
    duplicates: DuplicatePolicy = "drop",
    header: HeaderMode = "auto",
    delimiter: str | None = None,
    columns: str | Sequence[str] | dict[str, int | str] | None = None,
    index_base: int | None = None,
    seed: int | np.random.Generator | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Graph:
    """Read a graph file into a :class:`Graph`.

    Parameters
    ----------
    path : str or PathLike
        The file. ``.graphml``, ``.gexf`` and ``.parquet`` select their readers; anything
        else is a text edge list (``.gz`` compressed is fine).
    format : {"edgelist", "graphml", "gexf", "parquet"}, optional
        Overrides detection by extension.
    reverse : bool, default False
        Flip every edge (for ``follower followee`` lists).
    undirected : bool, default False
        Store every edge in both directions.
    weights : str, optional
        Edge-probability scheme (see :meth:`Graph.with_weights`): ``"given"`` (the
        file's weight column, required to exist), ``"wc"``, ``"uniform:P"``,
        ``"trivalency"``. Default: the file's weights when it has them, else 1.0.
    self_loops, duplicates
        Policies, see :meth:`Graph.from_edges` (defaults: drop both).
    header : {"auto", "none", "nm", "names"}, default "auto"
        First data line of a text file: ``n m`` counts, column names, or an edge. With
        ``"auto"`` an ``n m`` line is a header only when it is consistent with the data
        (see the header policy in docs/graph.md); otherwise it is an edge.
    delimiter : str, optional
        Field separator of a text file; detected by default (comma, tab, semicolon,
        ``|``, or runs of whitespace; ``"tab"`` and ``"whitespace"`` are accepted).
    columns : str, sequence or dict, optional
        Which column is which: roles in file order (``"source,target,-,time"``, ``-``
        ignores a column; columns after the last role are ignored) or a dict
        ``{"source": 0, "target": "dst", "weight": 2}``. Roles: source, target, weight,
        time. By default: names from a header line, else ``u v [p]``; a third column of
        integers beyond [0, 1] or of dates is taken as a time (and noted in ``meta``).
    index_base : int, optional
        With an ``n m`` header, the first node id (0 or 1); detected by default.
    seed : int or Generator, optional
        For ``weights="trivalency"``.
    name : str, optional
        Name of the graph (default: the file name without extension).
    limits : Limits, optional
        Bounds on size, decompression, fields and line length
        (:mod:`downline.common.limits`).

    Returns
    -------
    Graph
        A time column, when there is one, is not kept (``meta["time_column"]`` says so);
        :func:`read_temporal_graph` keeps it.

    Raises
    ------
    FormatError
        Missing, empty or non-UTF-8 file; a malformed line (its number and what was
        expected); a non-numeric probability.
    GraphError
        A probability outside [0, 1]; a duplicate edge with ``duplicates="error"``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.txt"
    >>> _ = p.write_text("# a SNAP file\\n1\\t2\\n2\\t3\\n")
    >>> g = read_graph(p)
    >>> g.number_of_nodes(), g.number_of_edges()
    (3, 2)
    """
    p = Path(path)
    if not p.exists():
        raise FormatError("no such file", path=p)
    if p.is_dir():
        raise FormatError("is a directory, not a graph file", path=p)
    fmt = format or _detect_format(p)
    gname = name or p.name.split(".")[0]
    policies: dict[str, Any] = dict(self_loops=self_loops, duplicates=duplicates, name=gname)
    if fmt == "edgelist":
        graph = _read_edgelist(
            p, reverse=reverse, undirected=undirected, header=header, delimiter=delimiter,
            columns=columns, index_base=index_base, require_weights=(weights == "given"),
            limits=limits, **policies,
        )
    elif fmt in ("graphml", "gexf"):
        # lazy: networkx costs 0.3 s; only its own formats need it
        import networkx as nx

        reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        try:
            nxg = reader(p)
        except Exception as exc:  # networkx raises several XML and value errors
            raise FormatError(f"cannot read {fmt}: {exc}", path=p) from None
        if reverse:
            nxg = nxg.reverse(copy=True) if nxg.is_directed() else nxg
        graph = from_networkx(
            nxg, undirected=undirected or None, require_weights=(weights == "given"),
            meta={"source": str(p), "format": fmt}, **policies,
        )
    elif fmt == "parquet":
        graph = _read_parquet(
            p, reverse=reverse, undirected=undirected,
            require_weights=(weights == "given"), columns=columns, **policies,
        )
    else:
        raise ParameterError(f"unknown graph format {fmt!r}", field="format")
    if graph.number_of_edges() == 0:
        raise FormatError("the graph has no edges", path=p)
    if weights is not None and weights != "given":
        graph = graph.with_weights(weights, seed=seed)
    return graph


def detect_kind(path: str | os.PathLike[str], *, delimiter: str | None = None,
                limits: Limits | None = None) -> Literal["genealogy", "network"]:
    """Is this file a sponsor tree (a members table) or a network (an edge list)?

    A members table is a Parquet file or text table (any separator, compressed or not)
    whose columns include ``member_id`` and ``sponsor_id``; anything else is a network.

    Raises
    ------
    FormatError
        Missing, empty or unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.tsv"
    >>> _ = p.write_text("member_id\\tsponsor_id\\tjoined_at\\n1\\t\\t2024-01-01\\n")
    >>> detect_kind(p)
    'genealogy'
    """
    p = Path(path)
    if _detect_format(p) == "parquet":
        try:
            names = [n.lower() for n in pq.read_schema(p).names]
        except (pa.ArrowException, OSError) as exc:
            raise FormatError(f"cannot read parquet: {exc}", path=p) from None
    elif _detect_format(p) != "edgelist":
        return "network"
    else:
        sn = tables.sniff(p, delimiter=delimiter, comment=_COMMENTS, limits=limits)
        names = [t.strip().strip('"').lower() for t in sn.first[0]]
    return "genealogy" if {"member_id", "sponsor_id"} <= set(names) else "network"


def _detect_format(p: Path) -> GraphFormat:
    suffixes = [s.lower() for s in p.suffixes]
    if ".graphml" in suffixes:
        return "graphml"
    if ".gexf" in suffixes:
        return "gexf"
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        return "parquet"
    return "edgelist"


# -- text edge lists ----------------------------------------------------------------

_COMMENTS = ("#", "%")
_TIME_NAMES = {"time", "timestamp", "ts", "t", "unixts", "unix_time", "date", "datetime",
               "created_at", "sent_at", "time_stamp"}
_ROLES = ("source", "target", "weight", "time")
_IGNORE = {"", "-", "_", "skip", "ignore"}


@dataclass
class _Sniff:
    leading: int  # comment/blank lines before the first data line
    delimiter: str  # "," "\t" ";" "|" or " " (runs of whitespace)
    header: str  # "none", "nm", "names", "maybe-nm"
    names: list[str]
    first_tokens: list[str]
    padded_ids: bool = False  # ids such as "007" in the first lines: keep ids as text
    table_sniff: tables.Sniffed | None = None
    # For streaming readers that cannot confirm "maybe-nm" against the data: the first
    # line is written unlike the data (another separator or field count).
    likely_nm: bool = False


def _sniff(p: Path, delimiter: str | None, header: HeaderMode,
           limits: Limits | None = None) -> _Sniff:
    """The header decision of the header policy (see docs/graph.md), from the first lines.

    ``maybe-nm`` means: an ``a b`` first line that is a header only if it is consistent
    with the data (decided by :func:`_confirm_nm` once the data is read).
    """
    sn = tables.sniff(p, delimiter=delimiter, comment=_COMMENTS, limits=limits,
                      strip_lines=True)
    delim = sn.dialect.delimiter
    data = sn.raw_first
    first = sn.first[0]
    if len(first) < 2 and delim != " ":
        first = data[0].split()  # "n m" written with a space in a tab or comma file
    second = sn.first[1] if len(sn.first) > 1 else []
    mode = header
    if header == "auto":
        mode = "none"
        lowered = {t.lower() for t in first}
        non_numeric = [t for t in first if not _NUMBER.match(t)]
        known = _SOURCE_NAMES | _TARGET_NAMES | _WEIGHT_NAMES | _TIME_NAMES
        if lowered & known and non_numeric:
            mode = "names"
        elif (any(not _NUMBER.match(t) for t in first[:2]) and second
              and all(_NUMBER.match(t) for t in second[:2])):
            mode = "names"
        elif len(first) == 2 and all(_ID_NUMBER.match(t) for t in first):
            mode = "maybe-nm"
    elif header not in ("none", "nm", "names"):
        raise ParameterError(f"header must be auto, none, nm or names, not {header!r}",
                             field="header")
    padded = any(_PADDED.match(t) for row in sn.first[1 if mode != "none" else 0:]
                 for t in row[:2])
    likely = mode == "nm" or (mode == "maybe-nm" and (
        len(second) not in (0, 2) or (delim != " " and len(data[0].split(delim)) != 2)))
    return _Sniff(sn.leading, delim, mode, first if mode == "names" else [], first, padded, sn,
                  likely)


def _as_ids(col: pa.Array) -> pa.Array:
    if pa.types.is_integer(col.type):
        if pa.types.is_unsigned_integer(col.type) and len(col) and pc.max(col).as_py() >= 2**63:
            return pc.cast(col, pa.string())  # beyond int64: the ids are labels, kept as text
        return pc.cast(col, pa.int64())
    if pa.types.is_floating(col.type):
        if len(col) and not pc.all(pc.equal(pc.round(col), col)).as_py():
            raise GraphError("node ids must be integers or strings, not fractional numbers")
        raise GraphError("node ids must be integers or strings; this column was read as "
                         "floating-point numbers (ids of 2^63 or more?)")
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        if pc.all(pc.match_substring_regex(col, _ID_NUMBER.pattern)).as_py():
            try:
                return pc.cast(col, pa.int64())
            except pa.ArrowInvalid:
                return col  # ids of 2^63 or more: labels, kept as text
        return col
    return pc.cast(col, pa.string())


def _as_probs(col: pa.Array, table: tables.Table, p: Path, field: str) -> np.ndarray:
    if pa.types.is_string(col.type):
        ok = pc.match_substring_regex(col, _NUMBER.pattern)
        if not pc.all(ok).as_py():
            row = pc.index(ok, False).as_py()
            raise FormatError(
                f"expected a number for the {field}, found {col[row].as_py()!r}",
                path=p, line=table.line_of(row), field=field,
            )
        col = pc.cast(col, pa.float64(), safe=False)
    values = pc.cast(col, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(~((values >= 0.0) & (values <= 1.0)))
    if bad.size:
        row = int(bad[0])
        hint = ""
        if float(values[row]) > 1 and float(values[row]) == round(float(values[row])):
            hint = ("; if this column is a time, say so: columns='source,target,time' "
                    "(CLI --columns source,target,time)")
        raise GraphError(
            f"{field} {float(values[row])!r} is outside [0, 1]{hint}",
            path=p, line=table.line_of(row), field=field,
        )
    return values


def _parse_columns(spec: Any, ncols: int, names: list[str] | None) -> dict[str, int]:
    """``columns=`` as roles -> positions: "source,target,-,time", a list, or a dict."""
    if isinstance(spec, str):
        spec = [t.strip() for t in spec.split(",")]
    roles: dict[str, int] = {}
    lowered = [n.lower() for n in names] if names else []
    if isinstance(spec, dict):
        for role, where in spec.items():
            if role not in _ROLES:
                raise ParameterError(f"unknown column role {role!r} (roles: "
                                     f"{', '.join(_ROLES)})", field="columns")
            if isinstance(where, str) and not where.isdigit():
                if where.lower() not in lowered:
                    raise ParameterError(f"no column named {where!r} for the {role} "
                                         f"(columns: {', '.join(names or [])})", field="columns")
                roles[role] = lowered.index(where.lower())
            else:
                roles[role] = int(where)
    else:
        for i, role in enumerate(spec):
            role = str(role).strip().lower()
            if role in _IGNORE:
                continue
            if role not in _ROLES:
                raise ParameterError(f"unknown column role {role!r}: use source, target, "
                                     "weight, time or - (ignore)", field="columns")
            if role in roles:
                raise ParameterError(f"column role {role!r} given twice", field="columns")
            roles[role] = i
    for role in ("source", "target"):
        if role not in roles:
            raise ParameterError(f"columns must say which column is the {role}",
                                 field="columns")
    for role, i in roles.items():
        if not 0 <= i < ncols:
            raise ParameterError(f"the {role} column {i + 1} does not exist (the file has "
                                 f"{ncols} columns)", field="columns")
    return roles


@dataclass
class _EdgeColumns:
    """What a text edge list holds, before the graph is built."""

    src: pa.Array
    dst: pa.Array
    probs: np.ndarray | None
    time: pa.Array | None
    time_field: str | None
    table: tables.Table
    sniff: _Sniff
    nm: tuple[int, int] | None
    notes: list[str]

    def line_of(self, row: int) -> int:
        return self.table.line_of(row)


def _read_edge_columns(
    p: Path, *, header: HeaderMode, delimiter: str | None, columns: Any,
    require_weights: bool, limits: Limits | None, want_time: bool,
) -> _EdgeColumns:
    sniff = _sniff(p, delimiter, header, limits)
    if sniff.header == "maybe-nm" and sniff.table_sniff and len(sniff.table_sniff.first) == 1:
        sniff.header = "none"  # the only data line: an edge
    mode = {"names": "names", "nm": "skip", "maybe-nm": "skip", "none": "none"}[sniff.header]
    # pyarrow would read "007" as the number 7: padded ids are read as text.
    table = tables.read_table(
        p, comment=_COMMENTS, header=mode, types="string" if sniff.padded_ids else "infer",
        limits=limits, sniffed=sniff.table_sniff, strip_lines=True)
    if any(pa.types.is_floating(c.type) for c in table.columns[:2]):
        # Ids beyond 2^64 are inferred as floats (losing digits): read them as text.
        table = tables.read_table(p, comment=_COMMENTS, header=mode, types="string",
                                  limits=limits, sniffed=sniff.table_sniff, strip_lines=True)
    notes: list[str] = []
    cols = list(table.columns)
    nm: tuple[int, int] | None = None
    header_line = sniff.leading + 1
    if sniff.header in ("nm", "maybe-nm"):
        nm = (int(sniff.first_tokens[0]), int(sniff.first_tokens[1]))
    if sniff.header == "maybe-nm" and len(cols) == 2:
        nm = _confirm_nm(nm, cols, table.num_rows)
        if nm is None:
            # The first line was an edge after all: put it back.
            a, b = sniff.first_tokens[:2]
            cols = [pa.concat_arrays([pa.array([t]).cast(c.type), c])
                    for t, c in zip((a, b), cols, strict=True)]
            lines = np.concatenate([[header_line], table.line_numbers()])
            table = tables.Table(table.names, cols, table.path, table.dialect, None, lines,
                                 header_line)
            sniff.header = "none"
        else:
            sniff.header = "nm"
            notes.append(
                f"line {header_line} ('{nm[0]} {nm[1]}') was read as an 'n m' header: "
                f"{nm[0]} nodes and {nm[1]} edges fit the data; pass header='none' "
                "(--header none) if it is an edge")
    elif sniff.header == "maybe-nm":
        sniff.header = "nm"  # "n m" above lines of 3 or more fields cannot be an edge

    ncols = len(cols)
    names = sniff.names if sniff.header == "names" else None
    roles = _infer_roles(ncols, names, nm, columns, lambda: cols[2], p,
                         table.line_of(0), notes)

    try:
        src = _as_ids(cols[roles["source"]])
        dst = _as_ids(cols[roles["target"]])
    except GraphError as exc:
        raise FormatError(exc.message, path=p, line=table.line_of(0)) from None
    if pa.types.is_integer(src.type) != pa.types.is_integer(dst.type):
        src, dst = pc.cast(src, pa.string()), pc.cast(dst, pa.string())

    probs = None
    if "weight" in roles:
        w_i = roles["weight"]
        field = names[w_i] if names is not None else "probability"
        probs = _as_probs(cols[w_i], table, p, field)
    elif require_weights:
        raise FormatError("weights='given' but the file has no weight column", path=p)
    if nm is not None and ncols == 4 and columns is None and names is None:
        probs2 = _as_probs(cols[3], table, p, "reverse probability")
        src, dst = pa.concat_arrays([src, dst]), pa.concat_arrays([dst, src])
        probs = np.concatenate([probs, probs2])  # type: ignore[list-item]
    time = None
    time_field = None
    if "time" in roles:
        time = cols[roles["time"]]
        time_field = names[roles["time"]] if names is not None else "time"
    if nm is not None and not pa.types.is_integer(src.type):
        # An "n m" header promises integer node ids: name the first line that breaks it.
        for col in (cols[roles["source"]], cols[roles["target"]]):
            if pa.types.is_string(col.type):
                ok = pc.match_substring_regex(col, _INTEGER.pattern)
                if not pc.all(ok).as_py():
                    row = pc.index(ok, False).as_py()
                    raise FormatError(
                        f"expected an integer node id after the 'n m' header on line "
                        f"{header_line}, found {col[row].as_py()!r}",
                        path=p, line=table.line_of(row),
                    )
    return _EdgeColumns(src, dst, probs, time, time_field, table, sniff, nm, notes)


def _looks_like_time(col: pa.Array) -> bool:
    """A third column of integers not all in [0, 1], or of ISO dates, is a time."""
    if pa.types.is_integer(col.type):
        return bool(len(col)) and pc.max(col).as_py() > 1
    if pa.types.is_string(col.type) and len(col):
        head = col.slice(0, 1000)
        if pc.all(pc.match_substring_regex(head, _INTEGER.pattern)).as_py():
            try:
                return pc.max(pc.cast(head, pa.float64())).as_py() > 1
            except pa.ArrowInvalid:
                return False
        return bool(pc.all(pc.match_substring_regex(head, _ISO_DATE)).as_py())
    return False


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"


def _read_edgelist(
    p: Path,
    *,
    reverse: bool,
    undirected: bool,
    header: HeaderMode,
    delimiter: str | None,
    columns: Any,
    index_base: int | None,
    require_weights: bool,
    self_loops: SelfLoopPolicy,
    duplicates: DuplicatePolicy,
    name: str,
    limits: Limits | None,
) -> Graph:
    sniff = _sniff(p, delimiter, header, limits)
    table_sniff = sniff.table_sniff
    while table_sniff is not None:
        try:
            return _stream_edgelist(
                p, sniff, table_sniff, reverse=reverse, undirected=undirected, columns=columns,
                index_base=index_base, require_weights=require_weights,
                self_loops=self_loops, duplicates=duplicates, name=name, limits=limits)
        except ChunkedReadUnsupported as exc:
            table_sniff = exc.retry  # type: ignore[assignment]
    # Quoted fields, Unicode blanks: the whole file at once.
    ec = _read_edge_columns(p, header=header, delimiter=delimiter, columns=columns,
                            require_weights=require_weights, limits=limits, want_time=False)
    src, dst = ec.src, ec.dst
    n_rows = ec.table.num_rows
    probs = ec.probs if ec.probs is not None else np.ones(len(src), dtype=np.float32)
    if reverse:
        src, dst = dst, src
    nodes = None
    if ec.nm is not None and pa.types.is_integer(src.type):
        nodes = _nodes_from_header(ec.nm[0], src, dst, index_base, p, ec.sniff.leading + 1)
    try:
        labels, s, d = encode_labels(src, dst, nodes)
    except GraphError as exc:
        raise GraphError(exc.message, path=p) from None
    # Free the parsed text columns before the CSR is built (only line numbers are kept).
    table = ec.table
    table.columns = []
    del src, dst
    ec.src = ec.dst = None  # type: ignore[assignment]
    pa.default_memory_pool().release_unused()
    meta: dict[str, Any] = {"source": str(p), "format": "edgelist", "header": ec.sniff.header,
                            "delimiter": ec.table.dialect.delimiter, "reverse": reverse}
    if ec.nm is not None:
        meta["header_n"], meta["header_m"] = ec.nm
    if ec.time is not None:
        meta["time_column"] = ec.time_field
        ec.notes.append(f"the {ec.time_field} column was not kept; read_temporal_graph (CLI "
                        "load) keeps the time of every edge")
    if ec.notes:
        meta["notes"] = ec.notes
    return Graph.from_indices(
        s, d, probs, labels, undirected=undirected, self_loops=self_loops,
        duplicates=duplicates, name=name, meta=meta,
        describe_edge=lambda e: f"{p}:{table.line_of(e % max(n_rows, 1))}",
    )


# -- text edge lists in chunks: the in-memory loader of read_graph ------------------------


class _Lines:
    """File line of every edge row, kept as the rows where the line count jumps (comments,
    blank lines), not one number per row."""

    def __init__(self) -> None:
        self._first: list[int] = []
        self._at: list[np.ndarray] = []
        self._shift: list[np.ndarray] = []
        self.prepended: int | None = None

    def add(self, first_row: int, lines: np.ndarray) -> None:
        shift = lines - np.arange(lines.shape[0], dtype=np.int64)
        at = np.concatenate([[0], np.flatnonzero(np.diff(shift)) + 1]).astype(np.int64)
        self._first.append(first_row)
        self._at.append(at)
        self._shift.append(shift[at])

    def line_of(self, row: int) -> int:
        if self.prepended is not None:
            if row == 0:
                return self.prepended
            row -= 1
        b = int(np.searchsorted(self._first, row, side="right")) - 1
        r = row - self._first[b]
        j = int(np.searchsorted(self._at[b], r, side="right")) - 1
        return int(self._shift[b][j]) + r


class _Interner:
    """Codes of string ids in order of first sight: one open-addressing table over the
    ids' bytes (no Python string per id while reading)."""

    def __init__(self) -> None:
        self.table = np.zeros((1 << 16, 2), dtype=np.uint64)
        self.offsets = np.zeros((1 << 15) + 1, dtype=np.int64)
        self.arena = np.empty(1 << 20, dtype=np.uint8)
        self.count = 0

    def codes(self, data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
              store: _Store | None = None) -> np.ndarray:
        codes = (np.empty(starts.shape[0], dtype=np.int32) if store is None
                 else store.take(starts.shape[0]))
        row = 0
        while True:
            row, self.count = _kernels.intern_spans(data, starts, ends, row, codes, self.table,
                                                    self.arena, self.offsets, self.count)
            if row >= starts.shape[0]:
                return codes
            self._grow(int(ends[row] - starts[row]))

    def _grow(self, size: int) -> None:
        c = self.count
        if 2 * (c + 1) > self.table.shape[0]:
            old = self.table
            self.table = np.zeros((2 * old.shape[0], 2), dtype=np.uint64)
            _kernels.rehash(old, self.table)
            del old
        if c + 2 > self.offsets.shape[0]:
            grown = np.zeros(2 * self.offsets.shape[0], dtype=np.int64)
            grown[: c + 1] = self.offsets[: c + 1]
            self.offsets = grown
        used = int(self.offsets[c])
        if used + size > self.arena.shape[0]:
            arena = np.empty(max(2 * self.arena.shape[0], used + size), dtype=np.uint8)
            arena[:used] = self.arena[:used]
            self.arena = arena

    def sorted_labels(self) -> tuple[np.ndarray, np.ndarray]:
        """The ids sorted (as :func:`encode_labels` sorts them) and each code's rank."""
        c = self.count
        texts = pa.LargeStringArray.from_buffers(
            c, pa.py_buffer(self.offsets[: c + 1]),
            pa.py_buffer(self.arena[: int(self.offsets[c])])).cast(pa.string())
        self.table = np.empty((0, 2), dtype=np.uint64)
        order = pc.sort_indices(texts).to_numpy()
        labels = np.empty(c, dtype=object)
        labels[:] = texts.to_pylist()
        del texts
        self.arena = self.offsets = np.empty(0, dtype=np.uint8)
        labels = labels[order]
        rank = np.empty(c, dtype=np.int32)
        rank[order] = np.arange(c, dtype=np.int32)
        pa.default_memory_pool().release_unused()
        return labels, rank


class _Store:
    """Arrays of edges kept while a file is read, cut from large segments.

    Kept blocks are taken from segments of 64 MiB (allocated by the system as whole
    mappings, pages counted only once written) rather than one small array each: small
    kept arrays between the freed temporaries of each block would pin the process heap,
    and the resident memory would grow by the temporaries too.
    """

    _SEGMENT = 64 << 20

    def __init__(self, dtype: Any, limits: Limits | None = None) -> None:
        self.dtype = np.dtype(dtype)
        self.limits = limits
        self._segment = np.empty(0, dtype=self.dtype)
        self._used = 0

    def take(self, k: int) -> np.ndarray:
        if self._used + k > self._segment.shape[0]:
            size = max(self._SEGMENT // self.dtype.itemsize, k)
            require_memory(size * self.dtype.itemsize, what="the edges read so far",
                           hint="out-of-core loading (downline.graph.edgelist_to_csr) keeps "
                           "the edges on disk", limits=self.limits)
            self._segment = np.empty(size, dtype=self.dtype)
            self._used = 0
        out = self._segment[self._used:self._used + k]
        self._used += k
        return out

    def keep(self, values: np.ndarray) -> np.ndarray:
        out = self.take(values.shape[0])
        np.copyto(out, values, casting="unsafe")
        return out


def _compact(values: np.ndarray, store: _Store) -> np.ndarray:
    if values.size and values.min() >= 0 and values.max() < 2**31 - 1:
        return store.keep(values)
    return values


def _chunk_probs(chunk: tables.Chunk, col: int, field: str, store: _Store) -> np.ndarray:
    """A weight column as float32 probabilities, errors as :func:`_as_probs` words them."""
    a, b = chunk.spans(col)
    values = np.empty(a.shape[0], dtype=np.float64)
    bad, slow = _tk.parse_numbers(chunk.data, a, b, values)
    if bad >= 0:
        text = chunk.data[a[bad]:b[bad]].tobytes().decode("utf-8", "replace")
        raise chunk.error(f"expected a number for the {field}, found {text!r}", bad, field)
    if slow:
        values = pc.cast(chunk.text(col), pa.float64(), safe=False).to_numpy(
            zero_copy_only=False)
    out_of_range = np.flatnonzero(~((values >= 0.0) & (values <= 1.0)))
    if out_of_range.size:
        row = int(out_of_range[0])
        v = float(values[row])
        hint = ""
        if v > 1 and v == round(v):
            hint = ("; if this column is a time, say so: columns='source,target,time' "
                    "(CLI --columns source,target,time)")
        raise chunk.error(f"{field} {v!r} is outside [0, 1]{hint}", row, field, GraphError)
    return store.keep(values)


class _EdgeIds:
    """The id columns of every chunk: raw integers while every id is written as a number,
    else (from the first id that is not, earlier chunks converted) codes of their text."""

    def __init__(self, nm: bool, limits: Limits | None = None) -> None:
        self.text: _Interner | None = None
        self.limits = limits
        self.store = _Store(np.int32, limits)
        self.probs = _Store(np.float32, limits)
        self.blocks: list[list[Any]] = []  # [src, dst, probs, reverse probs]
        self.nm = nm
        self.non_integer: list[int | None] = [None, None]  # first row per column (nm)

    def add(self, chunk: tables.Chunk, cols: tuple[int, int], probs: Any, probs2: Any) -> None:
        if self.text is None:
            src, bad_s = chunk.integers(cols[0])
            dst, bad_d = chunk.integers(cols[1])
            if bad_s < 0 and bad_d < 0:
                self.blocks.append([_compact(src, self.store), _compact(dst, self.store),
                                    probs, probs2])
                return
            del src, dst
            self._to_text()
        assert self.text is not None
        pair = []
        for k, col in enumerate(cols):
            a, b = chunk.spans(col)
            if self.nm and self.non_integer[k] is None:
                r = int(_tk.first_non_integer(chunk.data, a, b))
                if r >= 0:
                    self.non_integer[k] = chunk.first_row + r
            pair.append(self.text.codes(chunk.data, a, b, self.store))
        self.blocks.append([pair[0], pair[1], probs, probs2])

    def _to_text(self) -> None:
        self.text = _Interner()
        self.store = _Store(np.int32, self.limits)
        for block in self.blocks:
            for k in (0, 1):
                data, a, b = _kernels.format_ints(block[k].astype(np.int64, copy=False))
                block[k] = self.text.codes(data, a, b, self.store)

    def prepend(self, first: tuple[str, str]) -> None:
        """The first line was an edge after all (see :func:`_confirm_nm`)."""
        if self.text is None:
            block = [np.array([int(first[0])], np.int64), np.array([int(first[1])], np.int64)]
            block = [_compact(v, self.store) for v in block]
        else:
            raw = (first[0] + first[1]).encode()
            data = np.frombuffer(raw, dtype=np.uint8).copy()
            cut = len(first[0].encode())
            block = [self.text.codes(data, np.array([0], np.int32), np.array([cut], np.int32)),
                     self.text.codes(data, np.array([cut], np.int32),
                                     np.array([len(raw)], np.int32))]
        self.blocks.insert(0, [*block, None, None])

    def bounds(self) -> tuple[int, int]:
        lo = min(int(min(b[0].min(), b[1].min())) for b in self.blocks)
        hi = max(int(max(b[0].max(), b[1].max())) for b in self.blocks)
        return lo, hi

    def integer_labels(self, rows: int) -> np.ndarray:
        """Sorted distinct ids, each block's ids turned into their dense int32 ranks."""
        lo, hi = self.bounds()
        if lo >= 0 and hi < 4 * rows + 1_000_000:
            present = np.zeros(hi + 1, dtype=bool)
            for b in self.blocks:
                _kernels.mark_present(b[0], 0, present)
                _kernels.mark_present(b[1], 0, present)
            labels = np.flatnonzero(present).astype(np.int64)
            del present
            rank = np.zeros(hi + 1, dtype=np.int32)
            rank[labels] = np.arange(labels.shape[0], dtype=np.int32)
            self._remap(0, rank)
            return labels
        labels = np.unique(np.concatenate([np.concatenate([b[0], b[1]]) for b in self.blocks]
                                          ).astype(np.int64))
        for b in self.blocks:
            for k in (0, 1):
                b[k] = np.searchsorted(labels, b[k]).astype(np.int32)
        return labels

    def distinct(self, hi: int) -> int:
        """Number of distinct ids, all in ``[0, hi]``."""
        present = np.zeros(hi + 1, dtype=bool)
        for b in self.blocks:
            _kernels.mark_present(b[0], 0, present)
            _kernels.mark_present(b[1], 0, present)
        return int(np.count_nonzero(present))

    def header_labels(self, base: int, n: int) -> np.ndarray:
        rank = np.arange(n, dtype=np.int32)
        self._remap(base, rank)
        return np.arange(base, base + n, dtype=np.int64)

    def text_labels(self) -> np.ndarray:
        assert self.text is not None
        labels, rank = self.text.sorted_labels()
        self._remap(0, rank)
        return labels

    def _remap(self, base: int, rank: np.ndarray) -> None:
        for b in self.blocks:
            for k in (0, 1):
                out = b[k] if b[k].dtype == np.int32 else np.empty(b[k].shape[0], np.int32)
                _kernels.remap_shifted(b[k], base, rank, out)
                b[k] = out


def _stream_roles(
    chunk: tables.Chunk, names: list[str] | None, nm: tuple[int, int] | None, columns: Any,
    p: Path, notes: list[str],
) -> dict[str, int]:
    """Which column is which, by the rules of :func:`_read_edge_columns`."""
    return _infer_roles(chunk.starts.shape[1], names, nm, columns,
                        lambda: chunk.text(2).slice(0, 1000), p, chunk.line_of(0), notes)


def _infer_roles(
    ncols: int, names: list[str] | None, nm: tuple[int, int] | None, columns: Any,
    third: Callable[[], pa.Array], p: Path, first_line: int | None, notes: list[str],
) -> dict[str, int]:
    """Which column is which: ``columns=`` if given, else the header's names, else the
    shape (2 fields; Wei Chen's ``u v p_uv p_vu`` under an ``n m`` header; a third field
    of probabilities, or of times when ``third()`` looks like times)."""
    if columns is not None:
        return _parse_columns(columns, ncols, names)
    if ncols < 2:
        raise FormatError(
            f"an edge list needs a source and a target on each line; the lines have {ncols} "
            "field", path=p, line=first_line, field="columns")
    roles = {"source": 0, "target": 1}
    if names is not None:
        lowered = [t.lower() for t in names]
        for i, t in enumerate(lowered):
            if t in _SOURCE_NAMES:
                roles["source"] = i
            elif t in _TARGET_NAMES:
                roles["target"] = i
        named_w = [i for i, t in enumerate(lowered) if t in _WEIGHT_NAMES]
        named_t = [i for i, t in enumerate(lowered) if t in _TIME_NAMES
                   and i not in (roles["source"], roles["target"])]
        if named_t:
            roles["time"] = named_t[0]
        if named_w:
            roles["weight"] = named_w[0]
        elif not named_t:
            other = [i for i in range(ncols) if i not in roles.values()]
            if other:
                roles["weight"] = other[0]
    elif nm is not None and ncols == 4:
        roles["weight"] = 2  # Wei Chen's "u v p_uv p_vu"; the 4th is read by the caller
    elif ncols == 3:
        if _looks_like_time(third()):
            roles["time"] = 2
            notes.append("the third column holds times (integers beyond [0, 1] or "
                         "dates), not probabilities; pass columns= to say otherwise")
        else:
            roles["weight"] = 2
    elif ncols > 3:
        raise FormatError(
            f"the lines have {ncols} fields; say which are which with columns= (CLI "
            "--columns, e.g. source,target,weight,-,time; '-' ignores a column)",
            path=p, line=first_line, field="columns")
    return roles


def _stream_edgelist(
    p: Path, sniff: _Sniff, table_sniff: tables.Sniffed, *, reverse: bool, undirected: bool,
    columns: Any, index_base: int | None, require_weights: bool,
    self_loops: SelfLoopPolicy, duplicates: DuplicatePolicy, name: str,
    limits: Limits | None,
) -> Graph:
    """:func:`_read_edgelist` one block of the file at a time (see the module docstring)."""
    header_mode = sniff.header
    if header_mode == "maybe-nm" and len(table_sniff.first) == 1:
        header_mode = "none"
    mode = {"names": "names", "nm": "skip", "maybe-nm": "skip", "none": "none"}[header_mode]
    nm: tuple[int, int] | None = None
    if header_mode in ("nm", "maybe-nm"):
        nm = (int(sniff.first_tokens[0]), int(sniff.first_tokens[1]))
    header_line = sniff.leading + 1
    notes: list[str] = []
    ids = _EdgeIds(nm is not None, limits)
    lines = _Lines()
    roles: dict[str, int] | None = None
    wei_chen = False
    rows = 0
    dialect = table_sniff.dialect
    for chunk in tables.iter_chunks(p, comment=_COMMENTS, header=mode, limits=limits,
                                    sniffed=table_sniff):
        if roles is None:
            ncols = chunk.starts.shape[1]
            if header_mode == "maybe-nm" and ncols != 2:
                header_mode = "nm"  # "n m" above lines of 3 or more fields cannot be an edge
            names = sniff.names if header_mode == "names" else None
            roles = _stream_roles(chunk, names, nm if header_mode == "nm" else None, columns,
                                  p, notes)
            if "weight" not in roles and require_weights:
                raise FormatError("weights='given' but the file has no weight column", path=p)
            w_field = (names[roles["weight"]] if names is not None and "weight" in roles
                       else "probability")
            wei_chen = (header_mode == "nm" and ncols == 4 and columns is None
                        and names is None)
        probs = (_chunk_probs(chunk, roles["weight"], w_field, ids.probs)
                 if "weight" in roles else None)
        probs2 = _chunk_probs(chunk, 3, "reverse probability", ids.probs) if wei_chen else None
        ids.add(chunk, (roles["source"], roles["target"]), probs, probs2)
        lines.add(rows, chunk.lines)
        rows += chunk.num_rows
        del chunk, probs, probs2
    assert roles is not None
    if header_mode == "maybe-nm":
        confirmed = None
        if ids.text is None and nm is not None:
            n, m = nm
            lo, hi = ids.bounds()
            if not (lo < 0 or hi > n or (hi == n and lo == 0)
                    or m not in (rows, 2 * rows, rows // 2)) and ids.distinct(hi) <= n:
                confirmed = nm
        if confirmed is None:
            ids.prepend((sniff.first_tokens[0], sniff.first_tokens[1]))
            lines.prepended = header_line
            rows += 1
            header_mode = "none"
            nm = None
        else:
            header_mode = "nm"
            notes.append(
                f"line {header_line} ('{nm[0]} {nm[1]}') was read as an 'n m' header: "
                f"{nm[0]} nodes and {nm[1]} edges fit the data; pass header='none' "
                "(--header none) if it is an edge")
    if nm is not None and ids.text is not None:
        for k, role in enumerate(("source", "target")):
            row = ids.non_integer[k]
            if row is not None:
                found = _text_of_row(p, lines.line_of(row), roles[role], table_sniff)
                raise FormatError(
                    f"expected an integer node id after the 'n m' header on line "
                    f"{header_line}, found {found!r}", path=p, line=lines.line_of(row))
    if ids.text is not None:
        labels = ids.text_labels()
    elif nm is not None:
        n = nm[0]
        lo, hi = ids.bounds()
        base = index_base
        if base is None:
            base = 0 if (lo >= 0 and hi <= n - 1) else 1
        if base not in (0, 1):
            raise ParameterError("index_base must be 0 or 1", field="index_base")
        if lo < base or hi > n - 1 + base:
            raise FormatError(f"header says {n} nodes, but the ids run from {lo} to {hi}",
                              path=p, line=header_line)
        labels = ids.header_labels(base, n)
    else:
        labels = ids.integer_labels(rows)
    if labels.shape[0] >= 2**31 - 1:
        raise GraphError("more than 2^31 - 1 nodes are not supported", path=p)
    blocks: list[Any] = []
    for b in ids.blocks:
        s, d = (b[1], b[0]) if reverse else (b[0], b[1])
        blocks.append((s, d, b[2]))
    if wei_chen:
        for b in ids.blocks:
            s, d = (b[0], b[1]) if reverse else (b[1], b[0])
            blocks.append((s, d, b[3]))
    ids.blocks = []
    if undirected:
        blocks += [(d, s, pr) for s, d, pr in blocks]
    meta: dict[str, Any] = {"source": str(p), "format": "edgelist", "header": header_mode,
                            "delimiter": dialect.delimiter, "reverse": reverse}
    if header_mode == "nm" and nm is not None:
        meta["header_n"], meta["header_m"] = nm
    if "time" in roles:
        time_field = (sniff.names[roles["time"]] if header_mode == "names" else "time")
        meta["time_column"] = time_field
        notes.append(f"the {time_field} column was not kept; read_temporal_graph (CLI "
                     "load) keeps the time of every edge")
    if notes:
        meta["notes"] = notes
    n_rows = max(rows, 1)
    return Graph.from_blocks(
        blocks, labels, undirected=undirected, self_loops=self_loops, duplicates=duplicates,
        name=name, meta=meta, rows=n_rows,
        describe_edge=lambda e: f"{p}:{lines.line_of(e % n_rows)}",
    )


def _text_of_row(p: Path, line: int, col: int, sn: tables.Sniffed) -> str:
    """Field ``col`` of file line ``line`` (an error message's value)."""
    with tables.open_bytes(p) as fh:
        for i, raw in enumerate(fh, start=1):
            if i == line:
                text = raw.decode("utf-8", "replace")
                if i == 1 and sn.dialect.bom:
                    text = text.lstrip("\ufeff")
                fields = tables.split_fields(text.strip(), sn.dialect.delimiter)
                return fields[col] if col < len(fields) else text.strip()
    return ""


def _confirm_nm(
    nm: tuple[int, int] | None, cols: list[pa.Array], rows: int
) -> tuple[int, int] | None:
    """Is an ambiguous first line ``n m`` a node/edge count header?

    Only when it is consistent with the data: every id fits ``n`` nodes (0- or 1-based),
    ``n`` is at least the number of distinct ids, and ``m`` is the number of data lines
    (or twice it or half it, for files listing each undirected edge once or twice).
    """
    if nm is None or rows == 0:
        return None
    try:
        src, dst = _as_ids(cols[0]), _as_ids(cols[1])
    except GraphError:
        return None
    if not (pa.types.is_integer(src.type) and pa.types.is_integer(dst.type)):
        return None
    n, m = nm
    lo = min(pc.min(src).as_py(), pc.min(dst).as_py())
    hi = max(pc.max(src).as_py(), pc.max(dst).as_py())
    if lo < 0 or hi > n or (hi == n and lo == 0) or m not in (rows, 2 * rows, rows // 2):
        return None
    distinct = len(pc.unique(pa.chunked_array([src, dst])))
    return nm if distinct <= n else None


def _nodes_from_header(
    n: int, src: pa.Array, dst: pa.Array, index_base: int | None, p: Path, line: int
) -> np.ndarray:
    lo = min(pc.min(src).as_py(), pc.min(dst).as_py())
    hi = max(pc.max(src).as_py(), pc.max(dst).as_py())
    if index_base is None:
        index_base = 0 if (lo >= 0 and hi <= n - 1) else 1
    if index_base not in (0, 1):
        raise ParameterError("index_base must be 0 or 1", field="index_base")
    if lo < index_base or hi > n - 1 + index_base:
        raise FormatError(
            f"header says {n} nodes, but the ids run from {lo} to {hi}",
            path=p, line=line,
        )
    return np.arange(index_base, index_base + n, dtype=np.int64)


# -- parquet ------------------------------------------------------------------------


def _parquet_ids(col: pa.Array, p: Path, field: str) -> pa.Array:
    """Parquet id columns: integers (int64 range) or strings; anything else is refused."""
    t = col.type
    if pa.types.is_integer(t):
        if pa.types.is_unsigned_integer(t) and len(col) and pc.max(col).as_py() >= 2**63:
            return pc.cast(col, pa.string())  # beyond int64: labels kept as text
        return pc.cast(col, pa.int64())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return pc.cast(col, pa.string())
    if pa.types.is_dictionary(t) and pa.types.is_string(t.value_type):
        return pc.cast(col, pa.string())
    kind = ("floating-point numbers" if pa.types.is_floating(t) else
            "booleans" if pa.types.is_boolean(t) else
            "lists" if pa.types.is_list(t) or pa.types.is_large_list(t) else str(t))
    raise FormatError(f"node ids must be integers or strings, not {kind} ({t})",
                      path=p, field=field)


def _read_parquet_columns(
    p: Path, columns: Any = None, require_weights: bool = False,
) -> tuple[pa.Array, pa.Array, np.ndarray | None, pa.Array | None, str | None, Any]:
    try:
        table = pq.read_table(p)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FormatError(f"cannot read parquet: {exc}", path=p) from None
    names = [c.lower() for c in table.column_names]
    if len(names) < 2:
        raise FormatError("a parquet edge list needs source and target columns", path=p)
    if columns is not None:
        roles = _parse_columns(columns, len(names), table.column_names)
    else:
        roles = {"source": next((i for i, c in enumerate(names) if c in _SOURCE_NAMES), 0),
                 "target": next((i for i, c in enumerate(names) if c in _TARGET_NAMES), 1)}
        w = next((i for i, c in enumerate(names) if c in _WEIGHT_NAMES), None)
        t = next((i for i, c in enumerate(names) if c in _TIME_NAMES
                  and i not in roles.values()), None)
        if w is not None:
            roles["weight"] = w
        if t is not None:
            roles["time"] = t
    if "weight" not in roles and require_weights:
        raise FormatError("weights='given' but no weight column (weight, p, ...)", path=p)
    cname = table.column_names
    src = table.column(roles["source"]).combine_chunks()
    dst = table.column(roles["target"]).combine_chunks()
    for arr, i in ((src, roles["source"]), (dst, roles["target"])):
        if arr.null_count:
            row = pc.index(pc.is_null(arr), True).as_py()
            raise FormatError(f"missing node id in row {row + 1}", path=p, field=cname[i])
    src = _parquet_ids(src, p, cname[roles["source"]])
    dst = _parquet_ids(dst, p, cname[roles["target"]])
    if pa.types.is_integer(src.type) != pa.types.is_integer(dst.type):
        src, dst = pc.cast(src, pa.string()), pc.cast(dst, pa.string())
    probs = None
    if "weight" in roles:
        i = roles["weight"]
        w = table.column(i).combine_chunks()
        if not (pa.types.is_floating(w.type) or pa.types.is_integer(w.type)) or \
                pa.types.is_boolean(w.type):
            raise FormatError(f"the weight column is not numeric ({w.type})", path=p,
                              field=cname[i])
        probs = pc.cast(w, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~((probs >= 0) & (probs <= 1)))
        if bad.size:
            j = int(bad[0])
            raise GraphError(f"probability {float(probs[j])!r} in row {j + 1} is outside "
                             "[0, 1]", path=p, field=cname[i])
    time = None
    tfield = None
    if "time" in roles:
        time = table.column(roles["time"]).combine_chunks()
        tfield = cname[roles["time"]]
    return src, dst, probs, time, tfield, None


def _read_parquet(
    p: Path, *, reverse: bool, undirected: bool, require_weights: bool,
    self_loops: SelfLoopPolicy, duplicates: DuplicatePolicy, name: str,
    columns: Any = None,
) -> Graph:
    src, dst, probs, time, tfield, _ = _read_parquet_columns(p, columns, require_weights)
    if reverse:
        src, dst = dst, src
    meta: dict[str, Any] = {"source": str(p), "format": "parquet"}
    if time is not None:
        meta["time_column"] = tfield
    try:
        return Graph.from_edges(src, dst, probs, undirected=undirected, self_loops=self_loops,
                                duplicates=duplicates, name=name, meta=meta)
    except InputError as exc:
        raise type(exc)(exc.message, path=p, field=exc.field) from None


# -- writers ------------------------------------------------------------------------


def _edge_table(graph: Graph, weights: bool) -> pa.Table:
    frame = graph.edges()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table if weights else table.drop(["p"])


def write_edgelist(
    graph: Graph, path: str | os.PathLike[str], *, delimiter: str = "\t", weights: bool = True,
    header: bool = False,
) -> Path:
    """Write ``source target [p]`` lines with the user's node ids.

    Parameters
    ----------
    graph : Graph
    path : str or PathLike
    delimiter : str, default tab
    weights : bool, default True
        Write the probability column.
    header : bool, default False
        Write a ``source target p`` names line first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> g = Graph.from_edges([1, 2], [2, 3], probs=0.5)
    >>> out = write_edgelist(g, pathlib.Path(tempfile.mkdtemp()) / "g.tsv")
    >>> out.read_text().splitlines()[0]
    '1\\t2\\t0.5'
    """
    out = Path(path)
    tmp = out.with_name(out.name + ".tmp")
    # Only comma files are read with a quote character, so only they get quotes.
    quoting = "needed" if delimiter == "," else "none"
    try:
        pacsv.write_csv(
            _edge_table(graph, weights), tmp,
            write_options=pacsv.WriteOptions(
                include_header=header, delimiter=delimiter, quoting_style=quoting
            ),
        )
    except pa.ArrowInvalid as exc:
        tmp.unlink(missing_ok=True)
        raise GraphError(f"a node id cannot be written unquoted with this delimiter: {exc}",
                         path=out) from None
    os.replace(tmp, out)
    return out


def write_parquet(graph: Graph, path: str | os.PathLike[str]) -> Path:
    """Write the edge list (``source, target, p``) as Parquet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> g = Graph.from_edges(["a"], ["b"])
    >>> out = write_parquet(g, pathlib.Path(tempfile.mkdtemp()) / "g.parquet")
    >>> read_graph(out).number_of_edges()
    1
    """
    out = Path(path)
    tmp = out.with_name(out.name + ".tmp")
    pq.write_table(_edge_table(graph, True), tmp)
    os.replace(tmp, out)
    return out
