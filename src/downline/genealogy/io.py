"""Reading and writing member tables: CSV (any common dialect), Parquet, DataFrames.

Parsing and line bookkeeping live here; what makes a valid tree is decided in
:mod:`downline.genealogy.tree`.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from downline.errors import FormatError, ParameterError
from downline.genealogy.tree import COLUMNS, Genealogy, _from_frame

__all__ = ["read_genealogy", "write_genealogy"]

_PARQUET = (".parquet", ".pq")
_TOKENIZE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
# A blank line inside the text (it is already stripped at both ends).
_BLANK_LINE = re.compile(r"\n[ \t\f\v\r]*\n")
_BLANK_LINE_BYTES = re.compile(rb"\n[ \t\f\v\r]*\n")
_BOM = b"\xef\xbb\xbf"
# Bytes whose presence sends a CSV file to the pandas reader: quotes, comments, NUL.
_NOT_PLAIN = (b'"', b"#", b"\x00")
# Turned off by tests to compare with the pandas reader, which defines the result.
_ARROW_CSV = True


def read_genealogy(
    source: str | PathLike[str] | pd.DataFrame, *, sep: str | None = None
) -> Genealogy:
    """Read a member table and build its sponsor tree.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A CSV file (optionally ``.gz``), a Parquet file (``.parquet``, ``.pq``) or a
        DataFrame. Columns: ``member_id``, ``sponsor_id``, ``joined_at`` and optionally
        ``left_at``, ``rank``, ``volume``. CSV files may have a BOM, CRLF line ends,
        blank lines, ``#`` comment lines and blanks around fields.
    sep : str, optional
        The CSV field separator; by default guessed from the header (comma, tab,
        semicolon, else runs of blanks).

    Returns
    -------
    Genealogy

    Raises
    ------
    FormatError
        Missing, empty or non-UTF-8 file; a line with too many fields; a missing column;
        an unreadable date or volume. The message names the file and line (the header is
        line 1).
    GenealogyError
        Duplicate ids, unknown sponsors or sponsor cycles, all listed at once.

    Notes
    -----
    In CSV files ids that are all plain integers are read as ints, any other ids as
    text. Lookups accept either form (``"12"`` finds member ``12``).

    Examples
    --------
    >>> import pandas as pd
    >>> gen = read_genealogy(pd.DataFrame({
    ...     "member_id": ["a", "b"], "sponsor_id": ["", "a"],
    ...     "joined_at": ["2024-01-01", "2024-02-01"]}))
    >>> list(gen.roots)
    ['a']
    """
    if isinstance(source, pd.DataFrame):
        return _from_frame(source)
    if not isinstance(source, str | PathLike):
        raise ParameterError(
            f"expected a file path or a DataFrame, got {type(source).__name__}", field="source"
        )
    path = Path(source)
    if not path.exists():
        raise FormatError("file not found", path=path)
    if path.is_dir():
        raise FormatError("is a directory, expected a member table file", path=path)
    if path.suffix.lower() in _PARQUET:
        return _read_parquet(path)
    return _read_csv(path, sep)


def _read_parquet(path: Path) -> Genealogy:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a bad file
        raise FormatError(f"not a readable Parquet file ({exc})", path=path) from exc
    if len(frame) == 0:
        raise FormatError("empty file: no members", path=path)
    return _from_frame(frame, path=str(path))


def _read_csv(path: Path, sep: str | None) -> Genealogy:
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            raw = gzip.decompress(raw)
        except OSError as exc:
            raise FormatError(f"not a readable gzip file ({exc})", path=path) from exc
    if _ARROW_CSV:
        gen = _read_plain_csv(raw, path, sep)
        if gen is not None:
            return gen
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        line = raw.count(b"\n", 0, exc.start + bom) + 1
        byte = raw[exc.start + bom : exc.start + bom + 1].hex()
        raise FormatError(
            f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8", path=path, line=line
        ) from exc
    body, numbers = _content(text)
    if numbers.size == 0:
        raise FormatError("empty file: expected a header line and members", path=path)
    if numbers.size == 1:
        raise FormatError("no members: the file has only a header", path=path, line=numbers[0])
    first = body.split("\n", 1)[0]
    delimiter = sep if sep is not None else _guess_sep(first)
    header = _split_header(first, delimiter)
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise _tokenize_error(exc, path, numbers, header) from exc
    lines: np.ndarray | None = numbers[1:]
    if len(frame) != numbers.size - 1:
        # Quoted fields spanning lines: rows no longer map to lines one to one.
        lines = None
    return _from_frame(frame, path=str(path), lines=lines, numeric_text=True)


def _read_plain_csv(raw: bytes, path: Path, sep: str | None) -> Genealogy | None:
    """Read a plain CSV file with pyarrow, or None to leave it to the pandas reader.

    Plain means the pandas reader would see the same cells: one separator character other
    than a space, no quotes, comments, blank lines or lone carriage returns, and every line
    with as many fields as the header. The cells then go to the same ``_from_frame`` as
    the pandas reader's. Any failure returns None, so that errors are always reported by
    the pandas reader, with their line numbers.
    """
    str_dtype = pd.api.types.pandas_dtype(str)
    if not (isinstance(str_dtype, pd.StringDtype) and str(str_dtype.storage).startswith("pyarrow")):
        return None  # the pandas reader gives other columns (older pandas)
    start = 3 if raw.startswith(_BOM) else 0
    end = len(raw.rstrip())
    if end <= start or raw[end - 1] >= 0x80 or 0x1C <= raw[end - 1] <= 0x1F:
        return None  # empty, or may end in blanks only str.strip() knows
    if any(raw.find(byte, start, end) >= 0 for byte in _NOT_PLAIN):
        return None
    if raw.find(b"\r", start, end) >= 0 and raw.count(b"\r", start, end) != raw.count(
        b"\r\n", start, end
    ):
        return None
    if _BLANK_LINE_BYTES.search(raw, start, end):
        return None
    header_end = raw.find(b"\n", start, end)
    if header_end < 0 or raw.startswith(_BOM, header_end + 1):
        return None  # pyarrow would drop a BOM opening the data, pandas keeps it
    try:
        header = raw[start:header_end].decode("utf-8").removesuffix("\r")
    except UnicodeDecodeError:
        return None
    delimiter = sep if sep is not None else _guess_sep(header)
    if len(delimiter) != 1 or delimiter in " \r\n":
        return None
    names = header.split(delimiter)
    wanted: dict[str, int] = {}
    for position, name in enumerate(names):
        wanted.setdefault(name.strip().lower(), position)
    keep = [position for key, position in wanted.items() if key in COLUMNS]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(memoryview(raw)[header_end + 1 : end]),
            read_options=pa_csv.ReadOptions(
                column_names=[f"f{i}" for i in range(len(names))], block_size=4 << 20
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char=False,
                double_quote=False,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                # Every column, so that all of the file is checked to be UTF-8.
                column_types={f"f{i}": pa.string() for i in range(len(names))},
                strings_can_be_null=False,
            ),
        )
        frame = pd.DataFrame(
            {
                names[i].strip(): pd.Series(str_dtype.__from_arrow__(table[f"f{i}"]), copy=False)
                for i in sorted(keep)
            }
        )
        lines = np.arange(2, len(frame) + 2, dtype=np.int64)
        return _from_frame(frame, path=str(path), lines=lines, numeric_text=True)
    except Exception:
        # Whatever went wrong (a short line, invalid UTF-8, a bad value, a bad tree), the
        # pandas reader reads the file again and reports it.
        return None


def _content(text: str) -> tuple[str, np.ndarray]:
    """The text without blank and ``#`` comment lines, and the file line of each kept line."""
    text = text.rstrip().replace("\r\n", "\n")
    if not text:
        return "", np.zeros(0, dtype=np.int64)
    if "\r" not in text and "#" not in text and not _BLANK_LINE.search(text):
        # The common case, kept fast: nothing to drop, line k of the body is line k.
        return text, np.arange(1, text.count("\n") + 2, dtype=np.int64)
    kept: list[str] = []
    numbers: list[int] = []
    for number, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.strip()
        if stripped and not stripped.startswith("#"):
            kept.append(line_text)
            numbers.append(number)
    return "\n".join(kept), np.asarray(numbers, dtype=np.int64)


def _guess_sep(header: str) -> str:
    for candidate in (",", "\t", ";", "|"):
        if candidate in header:
            return candidate
    return r"\s+"


def _split_header(header: str, sep: str) -> list[str]:
    if sep == r"\s+":
        return header.split()
    return next(csv.reader([header], delimiter=sep))


def _tokenize_error(
    exc: pd.errors.ParserError, path: Path, numbers: np.ndarray, header: list[str]
) -> FormatError:
    match = _TOKENIZE.search(str(exc))
    if match is None:
        return FormatError(f"cannot parse as CSV ({exc})", path=path)
    expected, stream_line, saw = (int(g) for g in match.groups())
    line = int(numbers[stream_line - 1]) if stream_line - 1 < numbers.size else None
    return FormatError(
        f"expected {expected} fields ({', '.join(h.strip() for h in header)}), found {saw}",
        path=path,
        line=line,
    )


def write_genealogy(gen: Genealogy, path: str | PathLike[str]) -> Path:
    """Write the member table of ``gen`` as CSV (or Parquet for ``.parquet``/``.pq``).

    Dates are written as ``YYYY-MM-DD``, roots with an empty ``sponsor_id``. The file
    reads back into an equal tree with :func:`read_genealogy`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from downline.genealogy import generate_genealogy
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "tree.csv"
    >>> _ = write_genealogy(generate_genealogy(50, seed=1), out)
    >>> len(read_genealogy(out))
    50
    """
    path = Path(path)
    frame = gen.to_frame()
    if path.suffix.lower() in _PARQUET:
        frame.to_parquet(path, index=False)
        return path
    for col in ("joined_at", "left_at"):
        dates = frame[col].to_numpy().astype("datetime64[D]")
        text = np.datetime_as_string(dates, unit="D").astype(object)
        text[np.isnat(dates)] = ""
        frame[col] = text
    frame["volume"] = np.round(frame["volume"].to_numpy(), 2)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
