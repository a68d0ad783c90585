"""The one reader of text tables: every area reads its CSV, TSV and edge lists through here.

What it takes care of, so that no area does it again:

* **Compression** by content (not by name): gzip, bz2, xz and zstd. A compressed file may
  decompress to at most :meth:`Limits.decompressed_cap` bytes (a gzip bomb is refused); a
  truncated or corrupt archive is a :class:`~downline.errors.FormatError`.
* **Encoding**: UTF-8, with or without a BOM; the first bad byte is reported by line.
* **Lines**: LF or CRLF; blank lines and comment lines (``#`` by default; a tuple of
  prefixes such as ``("#", "%")`` for edge lists) anywhere; blanks around fields trimmed.
* **Separators**: comma, tab, semicolon, ``|`` or runs of blanks, guessed from the first
  data lines unless given; double quotes around fields.
* **Bounds**: at most ``max_fields`` fields and ``max_line_bytes`` bytes per line
  (:class:`~downline.common.limits.Limits`), checked before anything is parsed, so a
  2 MB line of 300,000 fields is one error, not gigabytes of columns.
* **Line numbers**: every row knows its 1-based line in the file (comments and blanks
  count), so errors name ``file:line`` and the field.

:func:`read_table` gives the whole table; :func:`iter_chunks` gives it in chunks of rows,
one block of the file at a time, for loaders whose memory must stay near the size of
what they build (edge lists of millions of lines, out-of-core CSR building).

Plain files take pyarrow's multithreaded CSV reader; a file with what that reader cannot
take (comments or blanks inside the data, runs of spaces, ragged lines) is split into
lines and fields with pyarrow compute kernels, still without a Python loop per line.
Errors are always those of the second route, so they are the same whatever the route.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_bytes(b"\\xef\\xbb\\xbf# members\\r\\nid;name\\r\\n1; ann\\r\\n\\r\\n2;bob\\r\\n")
>>> t = read_table(p)
>>> t.names, t.column("name").to_pylist(), t.line_of(1)
(['id', 'name'], ['ann', 'bob'], 5)
>>> t.dialect.delimiter
';'
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from downline.common import _table_kernels as _tk
from downline.common.limits import Limits, default_limits
from downline.errors import ChunkedReadUnsupported, DownlineError, FormatError, LimitError

__all__ = [
    "Chunk",
    "Dialect",
    "Sniffed",
    "Table",
    "iter_chunks",
    "open_bytes",
    "read_bytes",
    "read_parquet_frame",
    "read_table",
    "sniff",
    "split_fields",
]

HeaderMode = Literal["names", "none", "skip"]
Comment = str | Sequence[str] | None

_HEAD_BYTES = 1 << 16
_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}
_BOM = b"\xef\xbb\xbf"
_GUESS_ORDER = (",", "\t", ";", "|")


# -- bytes in: compression, caps, truncation ------------------------------------------


def compression_of(path: str | os.PathLike[str]) -> str | None:
    """The compression of a file by its first bytes: "gzip", "bz2", "xz", "zstd" or None.

    Examples
    --------
    >>> import tempfile, pathlib, gzip
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
    >>> _ = p.write_bytes(gzip.compress(b"a b\\n"))
    >>> compression_of(p)
    'gzip'
    """
    p = _check_file(path)
    with p.open("rb") as fh:
        head = fh.read(6)
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return name
    return None


def _check_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise FormatError("file not found", path=p)
    if p.is_dir():
        raise FormatError("is a directory, not a file", path=p)
    return p


def _file_size(p: Path, lim: Limits) -> int:
    """The size of ``p`` on disk, refused above ``lim.max_input_bytes``."""
    size = p.stat().st_size
    if lim.max_input_bytes is not None and size > lim.max_input_bytes:
        raise LimitError(f"the file has {size:,} bytes, more than the limit of "
                         f"{lim.max_input_bytes:,} (DOWNLINE_MAX_INPUT_BYTES)", path=p)
    return size


class _Capped(io.RawIOBase):
    """A decompressing stream that refuses to give more than ``cap`` bytes."""

    def __init__(self, inner: Any, cap: int, path: Path, kind: str, limits: Limits) -> None:
        self._inner, self._cap, self._path, self._kind = inner, cap, path, kind
        self._limits = limits
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            n = self._inner.readinto(b)
        except (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
            raise FormatError(_archive_message(self._kind, exc), path=self._path) from None
        self.total += n
        if self.total > self._cap:
            raise LimitError(
                f"the {self._kind} file decompresses to more than {self._cap:,} bytes "
                f"({self._limits.max_ratio:g}x its size); if it is genuine, raise "
                "DOWNLINE_MAX_DECOMPRESSION_RATIO or DOWNLINE_MIN_DECOMPRESSED_BYTES",
                path=self._path,
            )
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def _archive_message(kind: str, exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError) or "end-of-stream" in text or "truncated" in text.lower():
        return f"the {kind} file is truncated (it ends before its end-of-stream marker)"
    return f"the {kind} file is corrupt ({text})"


def open_bytes(path: str | os.PathLike[str], *, limits: Limits | None = None) -> io.BufferedReader:
    """Open a file for reading bytes, decompressing it when it is compressed.

    Parameters
    ----------
    path : str or PathLike
    limits : Limits, optional
        ``max_input_bytes`` and the decompression cap apply.

    Returns
    -------
    BufferedReader
        Reads raise :class:`~downline.errors.FormatError` for a truncated or corrupt
        archive and :class:`~downline.errors.LimitError` past the decompression cap.

    Examples
    --------
    >>> import tempfile, pathlib, bz2
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bz2"
    >>> _ = p.write_bytes(bz2.compress(b"1 2\\n"))
    >>> with open_bytes(p) as fh:
    ...     fh.read()
    b'1 2\\n'
    """
    lim = default_limits(limits)
    p = _check_file(path)
    size = _file_size(p, lim)
    kind = compression_of(p)
    try:
        if kind is None:
            return p.open("rb")
        if kind == "gzip":
            inner: Any = gzip.open(p, "rb")
        elif kind == "bz2":
            inner = bz2.open(p, "rb")
        elif kind == "xz":
            inner = lzma.open(p, "rb")
        else:
            if not pa.Codec.is_available("zstd"):
                raise FormatError("zstd-compressed, but this pyarrow build cannot read zstd",
                                  path=p)
            inner = pa.CompressedInputStream(pa.OSFile(str(p), "rb"), "zstd")
            inner = _ArrowStream(inner)
    except OSError as exc:
        raise FormatError(f"cannot read file ({exc.strerror or exc})", path=p) from None
    return io.BufferedReader(_Capped(inner, lim.decompressed_cap(size), p, kind, lim),
                             buffer_size=1 << 20)


class _ArrowStream:
    """An Arrow input stream seen as a Python stream with ``readinto``."""

    def __init__(self, stream: Any) -> None:
        self._s = stream

    def readinto(self, b: Any) -> int:
        try:
            data = self._s.read(len(b))
        except pa.ArrowException as exc:
            raise OSError(str(exc)) from None
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._s.close()


def read_bytes(path: str | os.PathLike[str], *, limits: Limits | None = None) -> pa.Buffer:
    """The whole content of a file, decompressed and capped, as an Arrow buffer.

    Uncompressed files are memory-mapped (no copy). Errors as :func:`open_bytes`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"1 2\\n")
    >>> read_bytes(p).to_pybytes()
    b'1 2\\n'
    """
    lim = default_limits(limits)
    p = _check_file(path)
    if compression_of(p) is None:
        size = _file_size(p, lim)
        if size == 0:
            return pa.py_buffer(b"")
        try:
            return pa.memory_map(str(p), "r").read_buffer()
        except (OSError, pa.ArrowException) as exc:
            raise FormatError(f"cannot read file ({exc})", path=p) from None
    with open_bytes(p, limits=lim) as fh:
        try:
            return pa.py_buffer(fh.read())
        except OSError as exc:
            raise FormatError(f"cannot read file ({exc})", path=p) from None


# -- the dialect ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """How a text table is written.

    Attributes
    ----------
    delimiter : str
        One character, or ``" "`` for runs of blanks (spaces and tabs).
    quote : bool
        Double quotes may enclose fields (any one-character separator).
    comment : tuple of str
        Prefixes of comment lines.
    bom : bool
        The file starts with a UTF-8 byte-order mark.
    compression : str or None
    guessed : bool
        The delimiter was guessed (not given).
    from_tab : bool
        Runs of blanks taken after a guessed tab left the lines ragged.
    """

    delimiter: str
    quote: bool
    comment: tuple[str, ...]
    bom: bool = False
    compression: str | None = None
    guessed: bool = True
    from_tab: bool = False


@dataclass(frozen=True)
class Sniffed:
    """The start of a text table: its dialect and first data lines.

    Attributes
    ----------
    dialect : Dialect
    leading : int
        Comment and blank lines before the first data line.
    first : list of list of str
        Fields of the first data lines (up to 50), split with the dialect.
    raw_first : list of str
        Those lines as written (trimmed).
    first_line : int
        1-based line number of the first data line.
    """

    dialect: Dialect
    leading: int
    first: list[list[str]]
    raw_first: list[str]
    first_line: int


def _comments(comment: Comment) -> tuple[str, ...]:
    if comment is None:
        return ()
    if isinstance(comment, str):
        return (comment,) if comment else ()
    return tuple(c for c in comment if c)


def split_fields(line: str, delimiter: str, quote: bool = False) -> list[str]:
    """Split one line into trimmed fields (used on the first lines and in messages).

    Examples
    --------
    >>> split_fields('a, "b, c" ,d', ",", quote=True)
    ['a', 'b, c', 'd']
    >>> split_fields("1   2\\t3", " ")
    ['1', '2', '3']
    """
    if delimiter == " ":
        return line.split()
    if quote and '"' in line:
        try:
            row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
        except (csv.Error, StopIteration):
            row = line.split(delimiter)
        return [t.strip() for t in row]
    return [t.strip() for t in line.split(delimiter)]


def _guess_delimiter(lines: list[str]) -> str:
    probe = lines[1:6] if len(lines) > 1 else lines[:1]
    for cand in _GUESS_ORDER:
        if all(cand in ln for ln in probe) and (cand in lines[0] or len(lines) == 1):
            return cand
    for cand in _GUESS_ORDER:
        if all(cand in ln for ln in probe):
            return cand
    for cand in _GUESS_ORDER:
        # Quoted line breaks split some lines: the header's separator in most lines.
        if cand in lines[0] and 2 * sum(cand in ln for ln in probe) > len(probe):
            return cand
    return " "


def _utf8_error(buf: pa.Buffer, p: Path | None, bom: bool) -> FormatError:
    data = memoryview(buf)
    start = 3 if bom else 0
    # Find the first bad byte without decoding everything in Python at once.
    step = 1 << 20
    pos = start
    while pos < len(data):
        chunk = bytes(data[pos : pos + step + 4])
        try:
            chunk.decode("utf-8")
            pos += step
            continue
        except UnicodeDecodeError as exc:
            if exc.start >= step and exc.reason.startswith("unexpected end"):
                pos += step
                continue
            bad = pos + exc.start
            line = bytes(data[:bad]).count(b"\n") + 1
            column = bad - (bytes(data[:bad]).rfind(b"\n") + 1) + 1
            return FormatError(
                f"not UTF-8 text (byte 0x{bytes(data[bad:bad + 1])[0]:02x} at column {column}); "
                "save the file "
                "as UTF-8", path=p, line=line)
    return FormatError("not UTF-8 text", path=p)


def _limit_line(p: Path | None, line: int, lim: Limits, nbytes: int) -> LimitError:
    return LimitError(
        f"the line has {nbytes:,} bytes or more, more than the limit of "
        f"{lim.max_line_bytes:,} (DOWNLINE_MAX_LINE_BYTES)", path=p, line=line)


def _limit_fields(p: Path | None, line: int, lim: Limits, n: int) -> LimitError:
    return LimitError(
        f"the line has {n:,} fields, more than the limit of {lim.max_fields:,} "
        "(DOWNLINE_MAX_FIELDS)", path=p, line=line)


def _sniff_buffer(buf: pa.Buffer, p: Path | None, delimiter: str | None, comment: Comment,
                  lim: Limits, compression: str | None, partial: bool = False,
                  strip_lines: bool = False) -> Sniffed:
    window = _HEAD_BYTES + 8
    if buf.size > window and b"\n" not in memoryview(buf)[:window].tobytes():
        # A first line longer than the sniffing window: measure it, then look past it.
        nl = _find_newline(buf, 0)
        size = nl if nl >= 0 else buf.size
        if size > lim.max_line_bytes:
            raise _limit_line(p, 1, lim, size)
        window = size + _HEAD_BYTES
    head = memoryview(buf)[:window].tobytes()
    bom = head.startswith(_BOM)
    if bom:
        head = head[3:]
    if not head.strip():
        raise FormatError("the file is empty", path=p)
    complete = not partial and len(head) + (3 if bom else 0) >= buf.size
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if complete or exc.start < len(head) - 4:
            raise _utf8_error(buf, p, bom) from None
        text = head[: exc.start].decode("utf-8")
    lines = text.split("\n")
    if not complete:
        lines = lines[:-1]
    prefixes = _comments(comment)
    leading = 0
    data: list[str] = []
    numbers: list[int] = []
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if len(line) > lim.max_line_bytes:
            raise _limit_line(p, i, lim, len(line.encode("utf-8")))
        if not s or (prefixes and s.startswith(prefixes)):
            if not data:
                leading += 1
            continue
        # A tab at the end may end an empty field, unless blanks at line ends are not fields.
        data.append(s if strip_lines else line.rstrip("\r").strip(" "))
        numbers.append(i)
        if len(data) >= 50:
            break
    if not data:
        if complete:
            raise FormatError("the file has no data lines (only comments or blanks)", path=p)
        raise FormatError(f"no data line in the first {_HEAD_BYTES:,} bytes (only comments "
                          "or blanks)", path=p)
    given = delimiter is not None
    if delimiter is None:
        delimiter = _guess_delimiter(data)
    elif delimiter in ("\\s+", "whitespace", "space", "spaces") or (
            delimiter.isspace() and delimiter != "\t"):
        delimiter = " "
    elif delimiter in ("tab", "\\t"):
        delimiter = "\t"
    elif len(delimiter) != 1:
        raise FormatError(f"the delimiter must be one character, 'tab' or 'whitespace', "
                          f"not {delimiter!r}", path=p, field="delimiter")
    quote = delimiter != " "
    fields = [split_fields(ln, delimiter, quote) for ln in data]
    for tokens, number in zip(fields, numbers, strict=True):
        if len(tokens) > lim.max_fields:
            raise _limit_fields(p, number, lim, len(tokens))
    dialect = Dialect(delimiter, quote, prefixes, bom, compression, not given)
    return Sniffed(dialect, leading, fields, data, leading + 1)


def _find_newline(buf: pa.Buffer, start: int) -> int:
    view = memoryview(buf)
    step = 1 << 20
    pos = start
    while pos < len(view):
        chunk = bytes(view[pos : pos + step])
        k = chunk.find(b"\n")
        if k >= 0:
            return pos + k
        pos += step
    return -1


def sniff(path: str | os.PathLike[str], *, delimiter: str | None = None,
          comment: Comment = "#", limits: Limits | None = None,
          strip_lines: bool = False) -> Sniffed:
    """Look at the start of a text table: dialect, leading comments, first data lines.

    Parameters
    ----------
    path : str or PathLike
    delimiter : str, optional
        Given separator (``","``, ``"\\t"``, ``";"``, ``"|"``, ``"tab"``, ``"whitespace"``);
        guessed by default.
    comment : str or sequence of str or None, default "#"
        Prefixes of comment lines.
    limits : Limits, optional
    strip_lines : bool, default False
        As for :func:`read_table`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.txt"
    >>> _ = p.write_text("# SNAP\\n1\\t2\\n2\\t3\\n")
    >>> s = sniff(p)
    >>> s.dialect.delimiter, s.leading, s.first[0]
    ('\\t', 1, ['1', '2'])
    """
    lim = default_limits(limits)
    p = _check_file(path)
    with open_bytes(p, limits=lim) as fh:
        head = fh.read(_HEAD_BYTES + 8)
        while b"\n" not in head and len(head) <= lim.max_line_bytes:
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
        if b"\n" in head and len(head) - head.find(b"\n") < _HEAD_BYTES:
            head += fh.read(_HEAD_BYTES)
        rest = fh.read(1)
    buf = pa.py_buffer(head)
    if b"\n" not in head and len(head) > lim.max_line_bytes:
        raise _limit_line(p, 1, lim, len(head))
    return _sniff_buffer(buf, p, delimiter, comment, lim, compression_of(p), bool(rest),
                         strip_lines)


# -- the table --------------------------------------------------------------------------


@dataclass
class Table:
    """Columns read from a text table, with the file line of every row.

    Attributes
    ----------
    names : list of str
        Column names (from the header line; ``f1, f2, ...`` without one).
    columns : list of pyarrow.Array
        One array per column: inferred types (int64, double, string) on the fast route,
        strings on the line-splitting route or with ``types="string"``.
    path : str or None
    dialect : Dialect
    header : list of str or None
        The first data line's fields when it was taken as a header or skipped.
    lines : ndarray of int64 or None
        1-based file line of each row; None means ``first_line + row``.
    first_line : int
        File line of row 0 when ``lines`` is None.
    """

    names: list[str]
    columns: list[pa.Array]
    path: str | None
    dialect: Dialect
    header: list[str] | None = None
    lines: np.ndarray | None = None
    first_line: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0

    def line_of(self, row: int) -> int:
        """The 1-based file line of data row ``row``."""
        if self.lines is not None:
            return int(self.lines[row])
        return self.first_line + int(row)

    def line_numbers(self) -> np.ndarray:
        """File line of every row (int64)."""
        if self.lines is not None:
            return self.lines
        return np.arange(self.first_line, self.first_line + self.num_rows, dtype=np.int64)

    def index(self, name: str) -> int:
        """Position of column ``name`` (case and blanks ignored)."""
        key = name.strip().lower()
        for i, n in enumerate(self.names):
            if n.strip().lower() == key:
                return i
        raise FormatError(f"no column {name!r} (columns: {', '.join(self.names)})",
                          path=self.path, field=name)

    def column(self, name: str | int) -> pa.Array:
        """A column by name or position."""
        return self.columns[name if isinstance(name, int) else self.index(name)]

    def error(self, message: str, row: int | None = None, field: str | None = None,
              cls: type[FormatError] = FormatError) -> FormatError:
        """An error naming this file, the line of ``row`` and ``field``."""
        return cls(message, path=self.path, line=None if row is None else self.line_of(row),
                   field=field)

    def as_strings(self) -> Table:
        """The same table with every column cast to string."""
        cols = [c if pa.types.is_string(c.type) else pc.cast(c, pa.string())
                for c in self.columns]
        return Table(self.names, cols, self.path, self.dialect, self.header, self.lines,
                     self.first_line, list(self.notes))

    def to_pandas(self) -> Any:
        """A DataFrame of the columns (index: the file line of each row)."""
        # lazy: pandas costs 0.3 s; the reader returns arrays
        import pandas as pd

        frame = pd.DataFrame({n: c.to_pandas() for n, c in zip(self.names, self.columns,
                                                                strict=True)})
        frame.index = pd.Index(self.line_numbers(), name="line")
        return frame


def read_table(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    comment: Comment = "#",
    header: HeaderMode = "names",
    types: Literal["infer", "string"] = "infer",
    limits: Limits | None = None,
    sniffed: Sniffed | None = None,
    strip_lines: bool = False,
) -> Table:
    """Read a text table (CSV, TSV, edge list; optionally compressed) into Arrow columns.

    Parameters
    ----------
    path : str or PathLike
        The file; gzip, bz2, xz and zstd are recognised by content.
    delimiter : str, optional
        ``","``, ``"\\t"`` (or ``"tab"``), ``";"``, ``"|"`` or ``"whitespace"`` (runs of
        blanks); guessed from the first data lines by default.
    comment : str or sequence of str or None, default "#"
        Lines starting with one of these (after blanks) are skipped, as are blank lines.
    header : {"names", "none", "skip"}, default "names"
        ``"names"``: the first data line holds column names. ``"none"``: every line is
        data (columns named ``f1, f2, ...``). ``"skip"``: the first data line is not
        data and is returned in :attr:`Table.header` (an ``n m`` line, say).
    types : {"infer", "string"}, default "infer"
        ``"infer"`` lets the fast route type columns (int64, double, string); callers must
        accept strings too (the line-splitting route keeps text). ``"string"`` keeps
        every field as text.
    limits : Limits, optional
        Bounds on size, decompression, fields and line length (defaults from the
        environment, see :mod:`downline.common.limits`).
    sniffed : Sniffed, optional
        The result of :func:`sniff`, when the caller already looked.
    strip_lines : bool, default False
        Blanks at the ends of a line are not fields (edge lists: ``1<TAB>2<TAB>`` has two
        fields). By default a separator at the end of a line ends an empty field.

    Returns
    -------
    Table

    Raises
    ------
    FormatError
        Missing, empty, non-UTF-8, truncated or corrupt file; a line with another number of
        fields than the header (naming the line); an unterminated quote.
    LimitError
        A bound of ``limits`` exceeded.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.txt"
    >>> _ = p.write_text("% KONECT\\n1   2\\n2 3\\n\\n3\\t1\\n")
    >>> t = read_table(p, header="none", comment=("#", "%"))
    >>> t.names, t.num_rows, t.line_of(2)
    (['f1', 'f2'], 3, 5)
    """
    if header not in ("names", "none", "skip"):
        raise FormatError(f"header must be 'names', 'none' or 'skip', not {header!r}",
                          field="header")
    lim = default_limits(limits)
    p = _check_file(path)
    buf = read_bytes(p, limits=lim)
    compression = compression_of(p)
    sn = sniffed or _sniff_buffer(buf, p, delimiter, comment, lim, compression,
                                  strip_lines=strip_lines)
    try:
        table = _fast(buf, p, sn, header, types, strip_lines)
    except DownlineError:
        raise
    except (pa.ArrowException, ValueError, TypeError):
        table = None
    if table is None:
        table = _robust(buf, p, sn, header, lim, strip_lines)
    return table


def _names(sn: Sniffed, header: HeaderMode, ncols: int) -> tuple[list[str], list[str] | None]:
    if header == "names":
        names = [n.lstrip("\ufeff").strip() or f"f{i + 1}" for i, n in enumerate(sn.first[0])]
        return names, sn.first[0]
    if header == "skip":
        return [f"f{i + 1}" for i in range(ncols)], sn.first[0]
    return [f"f{i + 1}" for i in range(ncols)], None


def _fast(buf: pa.Buffer, p: Path, sn: Sniffed, header: HeaderMode,
          types: str, strip_lines: bool = False) -> Table | None:
    d = sn.dialect
    if d.delimiter == " " and not all(
            "\t" not in ln and "" not in ln.split(" ") for ln in sn.raw_first):
        return None  # runs of blanks: only the line-splitting route takes them
    skip = sn.leading + (0 if header == "none" else 1)
    body = sn.first[1] if header != "none" and len(sn.first) > 1 else sn.first[0]
    if header != "none" and len(sn.first) < 2:
        return None
    ncols = len(sn.first[0]) if header == "names" else len(body)
    if ncols == 0:
        return None
    names = [f"c{i}" for i in range(ncols)]
    source = pa.BufferReader(buf)
    read_opts = pacsv.ReadOptions(skip_rows=skip, column_names=names, block_size=1 << 24)
    parse_opts = pacsv.ParseOptions(
        delimiter=d.delimiter, quote_char='"' if d.quote else False, double_quote=d.quote,
        escape_char=False, newlines_in_values=False, ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(
        strings_can_be_null=False, quoted_strings_can_be_null=False,
        column_types={n: pa.string() for n in names} if types == "string" else None)
    if sn.dialect.bom and skip == 0:
        return None  # pyarrow would keep the BOM in the first field
    quotes = int(np.count_nonzero(np.frombuffer(buf, dtype=np.uint8) == 34)) if d.quote else 0
    if quotes % 2:
        return None  # an unterminated quote somewhere: pyarrow would accept it
    table = pacsv.read_csv(source, read_options=read_opts, parse_options=parse_opts,
                           convert_options=convert)
    if table.num_rows == 0:
        return None
    cols = []
    for c in table.columns:
        col = c.combine_chunks() if c.num_chunks != 1 else c.chunk(0)
        if col.null_count:
            return None
        if pa.types.is_string(col.type):
            col = pc.utf8_trim_whitespace(col)
        elif not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
            col = pc.cast(col, pa.string())  # dates, booleans: the caller decides
        cols.append(col)
    if quotes and any(pa.types.is_string(c.type) and pc.any(pc.match_substring(c, "\n")).as_py()
                      for c in cols):
        return None  # a quoted line break: rows and lines differ, the other route maps them
    first = cols[0]
    if pa.types.is_string(first.type):
        if d.comment and pc.any(pc.starts_with(first, d.comment[0])).as_py():
            return None
        for prefix in d.comment[1:]:
            if pc.any(pc.starts_with(first, prefix)).as_py():
                return None
        if strip_lines and any(pa.types.is_string(c.type) and pc.any(pc.equal(c, "")).as_py()
                               for c in cols):
            return None  # an empty field may be a blank at a line end
        empty = pc.equal(first, "")
        if pc.any(empty).as_py():
            for col in cols[1:]:
                if not pa.types.is_string(col.type):
                    break
                empty = pc.and_(empty, pc.equal(col, ""))
            else:
                if pc.any(empty).as_py():
                    return None  # a blank line (pyarrow reads it as a row of empty fields)
    names_out, head = _names(sn, header, ncols)
    return Table(names_out, cols, str(p), d, head, None, skip + 1)


def _lines_of(buf: pa.Buffer, p: Path, bom: bool) -> pa.Array:
    """Every line of the buffer as a large_string array (LF split; CR trimmed later)."""
    start = 3 if bom else 0
    data = buf if start == 0 else buf.slice(start)
    whole = pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, data.size], dtype=np.int64).tobytes()), data)
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        raise _utf8_error(buf, p, bom) from None
    return pc.split_pattern(whole, "\n")[0].values


def _robust(buf: pa.Buffer, p: Path, sn: Sniffed, header: HeaderMode, lim: Limits,
            strip_lines: bool = False) -> Table:
    d = sn.dialect
    lines = _lines_of(buf, p, d.bom)
    lengths = pc.binary_length(lines).to_numpy(zero_copy_only=False)
    if lengths.size and int(lengths.max()) > lim.max_line_bytes:
        row = int(np.argmax(lengths > lim.max_line_bytes))
        raise _limit_line(p, row + 1, lim, int(lengths[row]))
    trimmed = pc.utf8_trim_whitespace(lines)
    keep = pc.greater(pc.binary_length(trimmed), 0)
    for prefix in d.comment:
        keep = pc.and_(keep, pc.invert(pc.starts_with(trimmed, prefix)))
    keep_np = keep.to_numpy(zero_copy_only=False)
    continued = None
    if d.quote:
        odd = pc.count_substring(lines, '"').to_numpy(zero_copy_only=False) % 2
        if odd.any():
            # Lines inside a quoted value (a line break in a field) are kept as they are.
            inside = ((np.cumsum(odd) - odd) % 2).astype(bool)
            keep_np = keep_np | inside
            keep = pa.array(keep_np)
            continued = inside[keep_np]
    numbers = np.flatnonzero(keep_np).astype(np.int64) + 1
    # Split what was written (a tab at the end may end an empty field), CR dropped.
    data = (trimmed if d.delimiter == " " or strip_lines
            else pc.utf8_rtrim(lines, "\r")).filter(keep)
    # Memory: keep one text copy alive at a time (a file is several times its size here).
    del lines
    alt_source = trimmed.filter(keep) if (d.guessed and d.delimiter == "\t"
                                          and not strip_lines) else None
    del trimmed
    pa.default_memory_pool().release_unused()
    if len(data) == 0:
        raise FormatError("the file has no data lines (only comments or blanks)", path=p)
    start = 0 if header == "none" else 1
    head = None if header == "none" else sn.first[0]
    if d.quote and pc.any(pc.match_substring(data, '"')).as_py():
        cols, counts, numbers = _split_quoted(data, d, p, numbers, lim, continued)
    else:
        tokens = _split_plain(data, d.delimiter)
        counts = pc.list_value_length(tokens).to_numpy(zero_copy_only=False)
        if alt_source is None:
            alt_source = data if d.delimiter == "\t" else None
        del data
        if d.guessed and d.delimiter == "\t" and len(counts) > start:
            ragged = np.any(counts[start:] != counts[start])
            if ragged:
                # A tab file with some lines in spaces (SNAP mirrors): blanks separate.
                alt = _split_plain(alt_source, " ")
                alt_counts = pc.list_value_length(alt).to_numpy(zero_copy_only=False)
                if not np.any(alt_counts != alt_counts[start]):
                    tokens, counts = alt, alt_counts
                    d = Dialect(" ", False, d.comment, d.bom, d.compression, True)
        del alt_source
        cols = None
    if counts.size and int(counts.max()) > lim.max_fields:
        row = int(np.argmax(counts > lim.max_fields))
        raise _limit_fields(p, int(numbers[row]), lim, int(counts[row]))
    if counts.size <= start:
        raise FormatError("the file has a header line but no data lines", path=p,
                          line=int(numbers[0]))
    ncols = len(head) if header == "names" else int(counts[start])
    body = counts[start:]
    bad = np.flatnonzero(body != ncols)
    if bad.size:
        row = int(bad[0]) + start
        what = (f"the header ({', '.join(head)})" if header == "names"
                else "the lines before")
        raise FormatError(f"expected {ncols} fields like {what}, found {int(counts[row])}",
                          path=p, line=int(numbers[row]))
    if cols is None:
        body_tokens = tokens[start:] if start else tokens
        del tokens
        cols = [pc.cast(pc.list_element(body_tokens, i), pa.string()) for i in range(ncols)]
        del body_tokens
        pa.default_memory_pool().release_unused()
    else:
        cols = [c[start:] for c in cols]
    names, head_out = _names(sn, header, ncols)
    return Table(names, cols, str(p), d, head_out, numbers[start:], int(numbers[start]))


def _split_plain(data: pa.Array, delimiter: str) -> pa.Array:
    if delimiter == " ":
        return pc.utf8_split_whitespace(data)
    tokens = pc.split_pattern(data, delimiter)
    return type(tokens).from_arrays(tokens.offsets, pc.utf8_trim_whitespace(tokens.flatten()))


def _split_quoted(data: pa.Array, d: Dialect, p: Path, numbers: np.ndarray,
                  lim: Limits, continued: np.ndarray | None = None
                  ) -> tuple[list[pa.Array], np.ndarray, np.ndarray]:
    """Quoted CSV lines: pyarrow parses the kept lines; a row may span lines."""
    odd = pc.count_substring(data, '"').to_numpy(zero_copy_only=False) % 2
    starts = np.ones(len(data), bool) if continued is None else ~continued
    if int(odd.sum()) % 2:
        last = int(np.flatnonzero(starts)[-1])
        raise FormatError("unterminated quote: the quoted field opened here never ends",
                          path=p, line=int(numbers[last]))
    row_numbers = numbers[starts]
    multiline = not bool(starts.all())
    ended = pc.binary_join_element_wise(data, pa.scalar("", data.type),
                                        pa.scalar("\n", data.type))
    offsets = np.frombuffer(ended.buffers()[1], dtype=np.int64)[ended.offset:]
    joined = ended.buffers()[2].slice(int(offsets[0]), int(offsets[len(ended)] - offsets[0]))
    try:
        table = pacsv.read_csv(
            pa.BufferReader(joined),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=d.delimiter, quote_char='"',
                                             double_quote=True, newlines_in_values=multiline,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(strings_can_be_null=False,
                                                  quoted_strings_can_be_null=False,
                                                  check_utf8=False),
        )
    except pa.ArrowInvalid:
        table = None
    if table is not None and table.num_rows == len(row_numbers):
        cols = [pc.utf8_trim_whitespace(pc.cast(c.combine_chunks(), pa.string()))
                for c in table.columns]
        return cols, np.full(len(row_numbers), table.num_columns, dtype=np.int64), row_numbers
    # Find the line at fault with Python's csv module (only on this error path).
    expected = None
    texts = data.to_pylist()
    rows_text = []
    for i, line in enumerate(texts):
        if starts[i]:
            rows_text.append(line)
        else:
            rows_text[-1] += "\n" + line
    for i, line in enumerate(rows_text):
        numbers_i = row_numbers
        try:
            rows = list(csv.reader(io.StringIO(line), delimiter=d.delimiter, strict=True))
        except csv.Error as exc:
            raise FormatError(f"malformed quoting ({exc})", path=p, line=int(numbers_i[i])) \
                from None
        n = len(rows[0]) if rows else 0
        if n > lim.max_fields:
            raise _limit_fields(p, int(numbers_i[i]), lim, n)
        if expected is None:
            expected = n
        elif n != expected:
            raise FormatError(f"expected {expected} fields like the lines before, found {n}",
                              path=p, line=int(numbers_i[i]))
    raise FormatError("cannot parse the quoted fields", path=p)


# -- the chunked route --------------------------------------------------------------------


@dataclass
class Chunk:
    """Rows of one block of a text table: where each field is in the block's bytes.

    Fields stay bytes until asked for: :meth:`integers` parses a column of ids written as
    numbers, :meth:`text` makes an Arrow string column, :meth:`spans` gives the positions
    for compiled code (string ids hashed without making strings).

    Attributes
    ----------
    data : ndarray of uint8
        The block (whole lines, UTF-8 checked).
    starts, ends : ndarray of int32, shape (rows, columns)
        ``data[starts[r, c]:ends[r, c]]`` is field ``c`` of row ``r`` (trimmed).
    lines : ndarray of int64
        1-based file line of each row.
    path : str
    first_row : int
        Index of the chunk's first row among the table's data rows.
    """

    data: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    lines: np.ndarray
    path: str
    first_row: int

    @property
    def num_rows(self) -> int:
        """Number of data rows in the chunk."""
        return int(self.lines.shape[0])

    def line_of(self, row: int) -> int:
        """The 1-based file line of chunk row ``row``."""
        return int(self.lines[row])

    def spans(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end positions (contiguous int32) of column ``col``'s fields."""
        return (np.ascontiguousarray(self.starts[:, col]),
                np.ascontiguousarray(self.ends[:, col]))

    def integers(self, col: int) -> tuple[np.ndarray, int]:
        """Column ``col`` as int64 when every field is written as a number is written
        (``0``, ``-4``, ``17``; not ``007``, ``+5`` or beyond int64), with -1; else the
        values parsed so far and the first row that is not such a number."""
        out = np.zeros(self.num_rows, dtype=np.int64)
        bad = int(_tk.parse_ids(self.data, self.starts[:, col], self.ends[:, col], out))
        return out, bad

    def text(self, col: int) -> pa.Array:
        """Column ``col`` as an Arrow string array."""
        a, b = self.spans(col)
        values, offsets = _tk.gather(self.data, a, b)
        return pa.LargeStringArray.from_buffers(
            a.shape[0], pa.py_buffer(offsets), pa.py_buffer(values)).cast(pa.string())

    def error(self, message: str, row: int | None = None, field: str | None = None,
              cls: type[FormatError] = FormatError) -> FormatError:
        """An error naming this file, the line of chunk row ``row`` and ``field``."""
        return cls(message, path=self.path, line=None if row is None else self.line_of(row),
                   field=field)


_CHUNK_BYTES = 4 << 20


def _raw_blocks(p: Path, lim: Limits, block_bytes: int, bom: bool
                ) -> Iterator[tuple[np.ndarray, int]]:
    """Blocks of whole lines (decompressed, capped) with the file line of their first byte.

    Each block is a fresh array, so only the block being parsed is held (a memory map of
    the whole file would count the file in the process's resident memory).
    """
    line = 1
    carry = np.empty(0, dtype=np.uint8)
    first = True
    with open_bytes(p, limits=lim) as fh:
        while True:
            buf = np.empty(carry.shape[0] + block_bytes, dtype=np.uint8)
            buf[: carry.shape[0]] = carry
            filled = carry.shape[0]
            try:
                while filled < buf.shape[0]:
                    got = fh.readinto(memoryview(buf)[filled:])
                    if not got:
                        break
                    filled += got
            except OSError as exc:
                raise FormatError(f"cannot read file ({exc})", path=p) from None
            eof = filled < buf.shape[0]
            block = buf[:filled]
            if first:
                first = False
                if bom and block[:3].tobytes() == _BOM:
                    block = block[3:]
            if eof:
                cut = block.shape[0]
            else:
                nl = np.flatnonzero(block[-min(block.shape[0], lim.max_line_bytes + 2):] == 10)
                if nl.size == 0:
                    if block.shape[0] > lim.max_line_bytes:
                        # No line end in the last max_line_bytes: the last line is too long.
                        ends = np.flatnonzero(block == 10)
                        start = int(ends[-1]) + 1 if ends.size else 0
                        raise _limit_line(p, line + int(ends.size), lim,
                                          int(block.shape[0]) - start)
                    carry = block.copy()
                    continue
                cut = block.shape[0] - min(block.shape[0], lim.max_line_bytes + 2) \
                    + int(nl[-1]) + 1
            out = block[:cut]
            carry = block[cut:].copy()
            if out.shape[0]:
                yield out, line
                line += int(_tk.count_newlines(out, 0, out.shape[0]))
            if eof:
                return


def _check_utf8(block: np.ndarray, p: Path, line: int) -> None:
    whole = pa.LargeStringArray.from_buffers(
        1, pa.py_buffer(np.array([0, block.shape[0]], dtype=np.int64)), pa.py_buffer(block))
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        err = _utf8_error(pa.py_buffer(block), p, False)
        raise FormatError(err.message, path=p,
                          line=None if err.line is None else err.line + line - 1) from None


def iter_chunks(
    path: str | os.PathLike[str],
    *,
    delimiter: str | None = None,
    comment: Comment = "#",
    header: HeaderMode = "names",
    columns: int | None = None,
    limits: Limits | None = None,
    sniffed: Sniffed | None = None,
    block_bytes: int | None = None,
) -> Iterator[Chunk]:
    """Read a text table in chunks of rows, one block of the file at a time.

    The same table as :func:`read_table` with ``strip_lines=True`` (the same dialect,
    comments, blank lines, header, line numbers, bounds and errors), but held one block
    (4 MiB by default) at a time, its fields as positions in the block's bytes.

    Parameters
    ----------
    path, delimiter, comment, header, limits, sniffed
        As for :func:`read_table`.
    columns : int, optional
        How many leading columns to give positions for (default: all of them).
    block_bytes : int, optional
        Size of the blocks read.

    Yields
    ------
    Chunk

    Raises
    ------
    FormatError, LimitError
        As :func:`read_table`, when the block holding the fault is reached.
    ChunkedReadUnsupported
        A file this route does not take (quoted fields, non-ASCII blanks, a tab file
        with lines in spaces): read it with :func:`read_table`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.txt"
    >>> _ = p.write_text("# edges\\nsource target\\n1  2\\n\\n2\\t3\\n")
    >>> [(c.integers(0)[0].tolist(), c.lines.tolist()) for c in iter_chunks(p)]
    [([1, 2], [3, 5])]
    """
    if header not in ("names", "none", "skip"):
        raise FormatError(f"header must be 'names', 'none' or 'skip', not {header!r}",
                          field="header")
    lim = default_limits(limits)
    p = _check_file(path)
    sn = sniffed or sniff(p, delimiter=delimiter, comment=comment, limits=lim,
                          strip_lines=True)
    d = sn.dialect
    head = sn.first[0] if header == "names" else None
    expected = len(head) if head is not None else None
    width = columns
    if width is None:
        width = expected if expected is not None else max(len(r) for r in sn.first)
    prefixes = np.zeros((max(len(d.comment), 1), max([len(c.encode()) for c in d.comment],
                                                        default=1)), dtype=np.uint8)
    prefix_lens = np.zeros(max(len(d.comment), 1), dtype=np.int64)
    for k, c in enumerate(d.comment):
        raw = c.encode()
        prefixes[k, : len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        prefix_lens[k] = len(raw)
    delim = 0 if d.delimiter == " " else ord(d.delimiter)
    rows_before = 0
    header_done = header == "none"
    header_line = None
    for block, line in _raw_blocks(p, lim, block_bytes or _CHUNK_BYTES, d.bom):
        _check_utf8(block, p, line)
        if d.quote and np.any(block == 34):
            raise ChunkedReadUnsupported("quoted fields")
        if np.any(block >= 0x80) and _tk.has_unicode_space(block):
            raise ChunkedReadUnsupported("non-ASCII blanks")
        rows, starts, ends, counts, at, status, where, value = _tk.split_block(
            block, delim, prefixes, prefix_lens, width, lim.max_fields, lim.max_line_bytes)
        if status == _tk.LONG_LINE:
            raise _limit_line(p, line + int(where), lim, int(value))
        if status == _tk.TOO_MANY_FIELDS:
            raise _limit_fields(p, line + int(where), lim, int(value))
        starts, ends, counts = starts[:rows], ends[:rows], counts[:rows]
        lines = at[:rows].astype(np.int64) + line
        if not header_done and rows:
            header_done = True
            header_line = int(lines[0])
            starts, ends, counts, lines = starts[1:], ends[1:], counts[1:], lines[1:]
        if expected is None and counts.shape[0]:
            expected = int(counts[0])
        if counts.shape[0]:
            bad = np.flatnonzero(counts != expected)
            if bad.size:
                if d.guessed and d.delimiter == "\t":
                    # As read_table does: blanks separate when tabs leave lines ragged.
                    blanks = Dialect(" ", d.quote, d.comment, d.bom, d.compression, True, True)
                    raise ChunkedReadUnsupported(
                        "a tab file with lines in spaces",
                        retry=Sniffed(blanks, sn.leading, sn.first, sn.raw_first,
                                      sn.first_line))
                if d.from_tab:
                    raise ChunkedReadUnsupported("ragged with tabs and with blanks")
                what = (f"the header ({', '.join(head)})" if head is not None
                        else "the lines before")
                r = int(bad[0])
                raise FormatError(f"expected {expected} fields like {what}, found "
                                  f"{int(counts[r])}", path=p, line=int(lines[r]))
            if width > expected:
                starts, ends = starts[:, :expected], ends[:, :expected]
        del counts
        if lines.shape[0]:
            yield Chunk(block, starts, ends, lines, str(p), rows_before)
            rows_before += int(lines.shape[0])
    if rows_before == 0:
        if header_line is not None and header != "none":
            raise FormatError("the file has a header line but no data lines", path=p,
                              line=header_line)
        raise FormatError("the file has no data lines (only comments or blanks)", path=p)


def read_parquet_frame(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Any:
    """A Parquet file as a pandas DataFrame of plain columns, or a clear error.

    Columns of nested, binary or null type are refused naming the column (they hold no
    ids, dates or numbers a table of people or edges can use); a truncated or corrupt file
    is a :class:`~downline.errors.FormatError`.

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
    >>> pq.write_table(pa.table({"a": [1, 2]}), p)
    >>> read_parquet_frame(p)["a"].tolist()
    [1, 2]
    """
    # lazy: pyarrow.parquet costs 60 ms; only Parquet files need it
    import pyarrow.parquet as pq

    lim = default_limits(limits)
    p = _check_file(path)
    _file_size(p, lim)  # refuses a file over the size limit
    try:
        table = pq.read_table(p)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FormatError(f"not a readable Parquet file ({str(exc).splitlines()[0][:200]})",
                          path=p) from None
    for name, col in zip(table.column_names, table.columns, strict=True):
        t = col.type
        if (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
                or pa.types.is_fixed_size_binary(t) or pa.types.is_null(t)):
            raise FormatError(f"column {name!r} is of type {t}, not ids, dates, numbers or "
                              "text", path=p, field=name)
    try:
        return table.to_pandas()
    except (pa.ArrowException, ValueError, OverflowError) as exc:
        raise FormatError(f"cannot convert the Parquet columns ({exc})", path=p) from None
