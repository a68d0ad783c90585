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

import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from downline.errors import FormatError, GraphError, InputError, ParameterError
from downline.graph._core import DuplicatePolicy, Graph, SelfLoopPolicy
from downline.graph.convert import from_networkx

__all__ = ["read_graph", "write_edgelist", "write_parquet"]

GraphFormat = Literal["edgelist", "graphml", "gexf", "parquet"]
HeaderMode = Literal["auto", "none", "nm", "names"]

_SNIFF_BYTES = 1 << 16
_COMMENT_PREFIXES = ("#", "%")
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
    index_base: int | None = None,
    seed: int | np.random.Generator | None = None,
    name: str | None = None,
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
        First data line of a text file: ``n m`` counts, column names, or an edge.
    delimiter : str, optional
        Field separator of a text file; detected by default (comma, tab, semicolon,
        or runs of whitespace).
    index_base : int, optional
        With an ``n m`` header, the first node id (0 or 1); detected by default.
    seed : int or Generator, optional
        For ``weights="trivalency"``.
    name : str, optional
        Name of the graph (default: the file name without extension).

    Returns
    -------
    Graph

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
            index_base=index_base, require_weights=(weights == "given"), **policies,
        )
    elif fmt in ("graphml", "gexf"):
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
            require_weights=(weights == "given"), **policies,
        )
    else:
        raise ParameterError(f"unknown graph format {fmt!r}", field="format")
    if graph.number_of_edges() == 0:
        raise FormatError("the graph has no edges", path=p)
    if weights is not None and weights != "given":
        graph = graph.with_weights(weights, seed=seed)
    return graph


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


@dataclass
class _Sniff:
    leading: int  # comment/blank lines before the first data line
    delimiter: str  # "," "\t" ";" or " " (runs of whitespace)
    header: str  # "none", "nm", "names", "maybe-nm"
    names: list[str]
    first_tokens: list[str]
    padded_ids: bool = False  # ids such as "007" in the first lines: keep ids as text


def _open_head(p: Path) -> bytes:
    opener = gzip.open if p.suffix.lower() == ".gz" else open
    try:
        with opener(p, "rb") as fh:
            return fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise FormatError(f"cannot read file: {exc}", path=p) from None


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return line.split()
    tokens = [t.strip() for t in line.split(delimiter)]
    if delimiter == ",":
        tokens = [t[1:-1] if len(t) > 1 and t[0] == t[-1] == '"' else t for t in tokens]
    return tokens


def _sniff(p: Path, delimiter: str | None, header: HeaderMode) -> _Sniff:
    head = _open_head(p)
    if not head.strip():
        raise FormatError("the file is empty", path=p)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    truncated = len(head) >= _SNIFF_BYTES - 3
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not (truncated and exc.start >= len(head) - 4):
            raise _utf8_error(p) from None
        text = head[: exc.start].decode("utf-8")
    lines = text.splitlines()
    if truncated and lines:
        lines = lines[:-1]
    leading = 0
    for line in lines:
        s = line.strip()
        if s and not s.startswith(_COMMENT_PREFIXES):
            break
        leading += 1
    data = [ln.strip() for ln in lines[leading:] if ln.strip()]
    data = [ln for ln in data if not ln.startswith(_COMMENT_PREFIXES)]
    if not data:
        raise FormatError("the file has no data lines (only comments or blanks)", path=p)
    if delimiter is None:
        probe = data[1:6] if len(data) > 1 else data[:1]
        delimiter = " "
        for cand in (",", "\t", ";"):
            if all(cand in ln for ln in probe):
                delimiter = cand
                break
    elif delimiter.isspace():
        delimiter = " " if delimiter == " " else delimiter
    first = _split(data[0], delimiter)
    if len(first) < 2 and delimiter != " ":
        first = data[0].split()
    second = _split(data[1], delimiter) if len(data) > 1 else []
    mode = header
    if header == "auto":
        mode = "none"
        lowered = {t.lower() for t in first}
        non_numeric = [t for t in first if not _NUMBER.match(t)]
        if lowered & (_SOURCE_NAMES | _TARGET_NAMES | _WEIGHT_NAMES) and non_numeric:
            mode = "names"
        elif non_numeric and second and all(_NUMBER.match(t) for t in second[:2]):
            mode = "names"
        elif len(first) == 2 and all(_ID_NUMBER.match(t) for t in first):
            if len(second) not in (0, 2):
                mode = "nm"
            elif delimiter != " " and len(data[0].split(delimiter)) != 2:
                mode = "nm"  # "n m" separated by a space in a tab/comma file
            else:
                mode = "maybe-nm"
    padded = any(_PADDED.match(t) for ln in data[:50] for t in _split(ln, delimiter)[:2])
    return _Sniff(leading, delimiter, mode, first if mode == "names" else [], first, padded)


def _utf8_error(p: Path) -> FormatError:
    opener = gzip.open if p.suffix.lower() == ".gz" else open
    with opener(p, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return FormatError(
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                    "save the file as UTF-8",
                    path=p, line=lineno,
                )
    return FormatError("not UTF-8 text", path=p)


@dataclass
class _Columns:
    columns: list[pa.Array]  # string or numeric arrays, one per field
    lines: np.ndarray | None  # 1-based line number of each row (None: first_line + row)
    first_line: int

    def line_of(self, row: int) -> int:
        return int(self.lines[row]) if self.lines is not None else self.first_line + row


def _fast_parse(p: Path, sniff: _Sniff, skip: int) -> _Columns | None:
    """pyarrow's CSV reader; None when the file needs the line-splitting path."""
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(
                skip_rows=skip, autogenerate_column_names=True, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sniff.delimiter,
                quote_char='"' if sniff.delimiter == "," else False,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _utf8_error(p) from None
        return None
    if table.num_columns < 2 or table.num_rows == 0:
        return None
    cols = [c.combine_chunks() for c in table.columns]
    for c in cols:
        if c.null_count:
            return None
        if pa.types.is_string(c.type) and (
            pc.any(pc.starts_with(c, "#")).as_py() or pc.any(pc.equal(c, "")).as_py()
        ):
            return None
    return _Columns(cols, None, skip + 1)


def _robust_parse(p: Path, sniff: _Sniff) -> _Columns:
    """Read lines as one string column, drop comments and blanks, split with pyarrow."""
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(column_names=["line"], block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter="\x1f", quote_char=False, escape_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={"line": pa.string()}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower():
            raise _utf8_error(p) from None
        raise FormatError(f"cannot split the file into lines: {exc}", path=p) from None
    lines = table.column("line").combine_chunks()
    if len(lines) and lines[0].as_py().startswith("\ufeff"):
        lines = pa.concat_arrays([pa.array([lines[0].as_py()[1:]]), lines[1:]])
    trimmed = pc.utf8_trim_whitespace(lines)
    keep = pc.and_(
        pc.greater(pc.utf8_length(trimmed), 0),
        pc.invert(pc.or_(pc.starts_with(trimmed, "#"), pc.starts_with(trimmed, "%"))),
    )
    line_numbers = np.flatnonzero(keep.to_numpy(zero_copy_only=False)) + 1
    data = trimmed.filter(keep)
    if sniff.delimiter == " ":
        tokens = pc.utf8_split_whitespace(data)
    else:
        # Split on the literal separator, then trim blanks around each field.
        tokens = pc.split_pattern(data, sniff.delimiter)
        tokens = pa.ListArray.from_arrays(
            tokens.offsets, pc.utf8_trim_whitespace(tokens.flatten())
        )
    counts = pc.list_value_length(tokens).to_numpy(zero_copy_only=False)
    if sniff.header in ("nm", "maybe-nm", "names"):
        start = 1
    else:
        start = 0
    if counts.size <= start:
        raise FormatError("the file has no edges", path=p)
    ncols = int(counts[start])
    body = counts[start:]
    if ncols < 2:
        raise FormatError(
            "expected at least two fields (source and target), found 1",
            path=p, line=int(line_numbers[start]),
        )
    bad = np.flatnonzero(body != ncols)
    if bad.size:
        row = int(bad[0]) + start
        raise FormatError(
            f"expected {ncols} fields like the lines before, found {int(counts[row])}",
            path=p, line=int(line_numbers[row]),
        )
    head_tokens = tokens[:start]
    body_tokens = tokens[start:]
    columns = [pc.list_element(body_tokens, i) for i in range(ncols)]
    if start:
        # keep the header line available to the caller as row -1 via sniff.first_tokens
        sniff.first_tokens = [t.as_py() for t in head_tokens[0].values]
    return _Columns(columns, line_numbers[start:], 0)


def _as_ids(col: pa.Array) -> pa.Array:
    if pa.types.is_integer(col.type):
        return pc.cast(col, pa.int64())
    if pa.types.is_floating(col.type):
        raise GraphError("node ids must be integers or strings, not fractional numbers")
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        if pc.all(pc.match_substring_regex(col, _ID_NUMBER.pattern)).as_py():
            return pc.cast(col, pa.int64())
        return col
    return pc.cast(col, pa.string())


def _as_probs(col: pa.Array, parsed: _Columns, p: Path, field: str) -> np.ndarray:
    if pa.types.is_string(col.type):
        ok = pc.match_substring_regex(col, _NUMBER.pattern)
        if not pc.all(ok).as_py():
            row = pc.index(ok, False).as_py()
            raise FormatError(
                f"expected a number for the {field}, found {col[row].as_py()!r}",
                path=p, line=parsed.line_of(row), field=field,
            )
        col = pc.cast(col, pa.float64())
    values = pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False)
    bad = np.flatnonzero(~((values >= 0.0) & (values <= 1.0)))
    if bad.size:
        row = int(bad[0])
        raise GraphError(
            f"{field} {float(values[row])!r} is outside [0, 1]",
            path=p, line=parsed.line_of(row), field=field,
        )
    return values


def _read_edgelist(
    p: Path,
    *,
    reverse: bool,
    undirected: bool,
    header: HeaderMode,
    delimiter: str | None,
    index_base: int | None,
    require_weights: bool,
    self_loops: SelfLoopPolicy,
    duplicates: DuplicatePolicy,
    name: str,
) -> Graph:
    if header not in ("auto", "none", "nm", "names"):
        raise ParameterError(f"header must be auto, none, nm or names, not {header!r}")
    sniff = _sniff(p, delimiter, header)
    skip = sniff.leading + (1 if sniff.header in ("nm", "names", "maybe-nm") else 0)
    # pyarrow would read "007" as the number 7: padded ids take the line-splitting path,
    # which keeps every field as text until the ids are known to be numbers.
    parsed = None if sniff.padded_ids else _fast_parse(p, sniff, skip)
    if parsed is None:
        parsed = _robust_parse(p, sniff)
    cols = parsed.columns
    nm: tuple[int, int] | None = None
    if sniff.header in ("nm", "maybe-nm"):
        nm = (int(sniff.first_tokens[0]), int(sniff.first_tokens[1]))

    # Column roles.
    src_i, dst_i, w_i, w2_i = 0, 1, (2 if len(cols) > 2 else None), None
    if sniff.header == "names":
        lowered = [t.lower() for t in sniff.names]
        for i, t in enumerate(lowered):
            if t in _SOURCE_NAMES:
                src_i = i
            elif t in _TARGET_NAMES:
                dst_i = i
        named_w = [i for i, t in enumerate(lowered) if t in _WEIGHT_NAMES]
        w_i = named_w[0] if named_w else (
            next((i for i in range(len(cols)) if i not in (src_i, dst_i)), None)
        )
    elif nm is not None and len(cols) == 4:
        w2_i = 3  # Wei Chen's "u v p_uv p_vu"
    try:
        src = _as_ids(cols[src_i])
        dst = _as_ids(cols[dst_i])
    except GraphError as exc:
        raise FormatError(exc.message, path=p, line=parsed.line_of(0)) from None
    if pa.types.is_integer(src.type) != pa.types.is_integer(dst.type):
        src, dst = pc.cast(src, pa.string()), pc.cast(dst, pa.string())

    if sniff.header == "maybe-nm":
        nm = _confirm_nm(nm, src, dst, len(src))
        if nm is None:
            # The first line was an edge after all: put it back.
            a, b = sniff.first_tokens[:2]
            src = pa.concat_arrays([pa.array([a]).cast(src.type), src])
            dst = pa.concat_arrays([pa.array([b]).cast(dst.type), dst])
            cols = [pa.concat_arrays([pa.array([t]).cast(c.type), c])
                    for t, c in zip(sniff.first_tokens, cols, strict=False)]
            if parsed.lines is not None:
                parsed.lines = np.concatenate([[parsed.lines[0] - 1], parsed.lines])
            else:
                parsed.first_line -= 1

    n_rows = len(src)
    if w_i is not None:
        field = sniff.names[w_i] if sniff.header == "names" else "probability"
        probs = _as_probs(cols[w_i], parsed, p, field)
    elif require_weights:
        raise FormatError("weights='given' but the file has no weight column", path=p)
    else:
        probs = np.ones(len(src))
    if w2_i is not None:
        probs2 = _as_probs(cols[w2_i], parsed, p, "reverse probability")
        src, dst = pa.concat_arrays([src, dst]), pa.concat_arrays([dst, src])
        probs = np.concatenate([probs, probs2])
    if reverse:
        src, dst = dst, src

    if nm is not None and not pa.types.is_integer(src.type):
        # An "n m" header promises integer node ids: name the first line that breaks it.
        for col in (cols[src_i], cols[dst_i]):
            if pa.types.is_string(col.type):
                ok = pc.match_substring_regex(col, _INTEGER.pattern)
                if not pc.all(ok).as_py():
                    row = pc.index(ok, False).as_py()
                    raise FormatError(
                        f"expected an integer node id after the 'n m' header on line "
                        f"{sniff.leading + 1}, found {col[row].as_py()!r}",
                        path=p, line=parsed.line_of(row),
                    )
    nodes = None
    if nm is not None and pa.types.is_integer(src.type):
        nodes = _nodes_from_header(nm[0], src, dst, index_base, p, sniff.leading + 1)
    from downline.graph._core import encode_labels

    try:
        labels, s, d = encode_labels(src, dst, nodes)
    except GraphError as exc:
        raise GraphError(exc.message, path=p) from None
    meta = {"source": str(p), "format": "edgelist", "header": sniff.header,
            "delimiter": sniff.delimiter, "reverse": reverse}
    if nm is not None:
        meta["header_n"], meta["header_m"] = nm
    return Graph.from_indices(
        s, d, probs, labels, undirected=undirected, self_loops=self_loops,
        duplicates=duplicates, name=name, meta=meta,
        describe_edge=lambda e: f"{p}:{parsed.line_of(e % max(n_rows, 1))}",
    )


def _confirm_nm(
    nm: tuple[int, int] | None, src: pa.Array, dst: pa.Array, rows: int
) -> tuple[int, int] | None:
    """Is an ambiguous first line ``a b`` a node/edge count header?"""
    if nm is None or not pa.types.is_integer(src.type) or rows == 0:
        return None
    n, m = nm
    hi = max(pc.max(src).as_py(), pc.max(dst).as_py())
    if hi <= n and m in (rows, 2 * rows, rows // 2):
        return nm
    return None


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


def _read_parquet(
    p: Path, *, reverse: bool, undirected: bool, require_weights: bool,
    self_loops: SelfLoopPolicy, duplicates: DuplicatePolicy, name: str,
) -> Graph:
    try:
        table = pq.read_table(p)
    except (pa.ArrowException, OSError) as exc:
        raise FormatError(f"cannot read parquet: {exc}", path=p) from None
    names = [c.lower() for c in table.column_names]
    if len(names) < 2:
        raise FormatError("a parquet edge list needs source and target columns", path=p)
    src_i = next((i for i, c in enumerate(names) if c in _SOURCE_NAMES), 0)
    dst_i = next((i for i, c in enumerate(names) if c in _TARGET_NAMES), 1)
    w_i = next((i for i, c in enumerate(names) if c in _WEIGHT_NAMES), None)
    if w_i is None and require_weights:
        raise FormatError("weights='given' but no weight column (weight, p, ...)", path=p)
    src = table.column(src_i).combine_chunks()
    dst = table.column(dst_i).combine_chunks()
    if src.null_count or dst.null_count:
        raise FormatError("source/target columns contain nulls", path=p)
    probs = None
    if w_i is not None:
        w = table.column(w_i).combine_chunks()
        if not (pa.types.is_floating(w.type) or pa.types.is_integer(w.type)):
            raise FormatError("the weight column is not numeric", path=p,
                              field=table.column_names[w_i])
        probs = pc.cast(w, pa.float64()).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(~((probs >= 0) & (probs <= 1)))
        if bad.size:
            i = int(bad[0])
            raise GraphError(f"probability {float(probs[i])!r} in row {i} is outside [0, 1]",
                             path=p, field=table.column_names[w_i])
    if reverse:
        src, dst = dst, src
    try:
        return Graph.from_edges(src, dst, probs, undirected=undirected, self_loops=self_loops,
                                duplicates=duplicates, name=name,
                                meta={"source": str(p), "format": "parquet"})
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
