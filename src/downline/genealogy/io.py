"""Reading and writing member tables: CSV (any common dialect), Parquet, DataFrames.

Parsing and line bookkeeping live here; what makes a valid tree is decided in
:mod:`downline.genealogy.tree`.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from downline.common import tables
from downline.errors import FormatError, ParameterError
from downline.genealogy.tree import COLUMNS, Genealogy, _from_frame

__all__ = ["check_output_path", "read_genealogy", "write_genealogy"]

_PARQUET = (".parquet", ".pq")
# Kept for benchmarks/bench_genealogy.py, which compares routes; the shared reader has one.
_ARROW_CSV = True


def read_genealogy(
    source: str | PathLike[str] | pd.DataFrame, *, sep: str | None = None
) -> Genealogy:
    """Read a member table and build its sponsor tree.

    Parameters
    ----------
    source : str, path or pandas.DataFrame
        A CSV file (gzip, bz2, xz or zstd compressed is fine), a Parquet file
        (``.parquet``, ``.pq``) or a DataFrame. Columns: ``member_id``, ``sponsor_id``,
        ``joined_at`` and optionally ``left_at``, ``rank``, ``volume``. CSV files may have
        a BOM, CRLF line ends, blank lines, ``#`` comment lines, quoted fields and blanks
        around fields; they are read by :func:`downline.common.tables.read_table` with its
        bounds (fields per line, line length, decompressed size).
    sep : str, optional
        The CSV field separator; by default guessed from the first lines (comma, tab,
        semicolon, ``|``, else runs of blanks).

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
    frame = tables.read_parquet_frame(path)
    if len(frame) == 0:
        raise FormatError("empty file: no members", path=path)
    return _from_frame(frame, path=str(path))


def _read_csv(path: Path, sep: str | None) -> Genealogy:
    """Read a members text table through the shared reader and validate the tree.

    The reader gives every field as text with the file line of each row; plain files come
    from pyarrow's CSV reader, anything else (comments, blank lines, quotes, runs of
    blanks) from its line-splitting route, with the same cells either way.
    """
    table = tables.read_table(path, delimiter=_delimiter(sep), comment="#", header="names",
                              types="string")
    wanted: dict[str, int] = {}
    for position, name in enumerate(table.names):
        wanted.setdefault(name.strip().lower(), position)
    keep = sorted(position for key, position in wanted.items() if key in COLUMNS)
    if not keep:
        keep = list(range(len(table.names)))  # let the validator name what is missing
    str_dtype = pd.api.types.pandas_dtype(str)
    arrow_backed = isinstance(str_dtype, pd.StringDtype) and str(
        str_dtype.storage).startswith("pyarrow")
    columns = {}
    for i in keep:
        col = table.columns[i]
        columns[table.names[i].strip()] = (
            pd.Series(str_dtype.__from_arrow__(col), copy=False) if arrow_backed
            else pd.Series(col.to_pylist(), dtype=object))
    frame = pd.DataFrame(columns)
    return _from_frame(frame, path=str(path), lines=table.line_numbers(), numeric_text=True)


def _delimiter(sep: str | None) -> str | None:
    if sep is None:
        return None
    return "whitespace" if sep in (r"\s+", " ") else sep


_OUTPUT_SUFFIXES = (".csv", *_PARQUET)


def check_output_path(path: str | PathLike[str]) -> Path:
    """Check where a member table would be written, before any work starts.

    The format follows the extension (``.csv``, ``.parquet`` or ``.pq``); another
    extension is refused rather than written as CSV, and the folder must exist.

    Raises
    ------
    ParameterError
        An extension of another format (``.xlsx``, ``.json``, none).
    FormatError
        A missing folder, a folder given as the file, or a folder that is not writable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_output_path(pathlib.Path(tempfile.mkdtemp()) / "tree.csv").suffix
    '.csv'
    """
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in _OUTPUT_SUFFIXES:
        raise ParameterError(
            f"cannot write {suffix or 'a file without extension'}: the format follows the "
            "extension, .csv, .parquet or .pq", field="out")
    folder = out.parent
    if not folder.exists():
        raise FormatError(f"the folder {folder} does not exist", path=out)
    if not folder.is_dir():
        raise FormatError(f"{folder} is not a folder", path=out)
    if out.is_dir():
        raise FormatError("is a directory, not a file name", path=out)

    if not os.access(folder, os.W_OK):
        raise FormatError(f"the folder {folder} is not writable", path=out)
    return out


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
    path = check_output_path(path)
    frame = gen.to_frame()
    tmp = path.with_name(path.name + ".tmp")
    try:
        if path.suffix.lower() in _PARQUET:
            frame.to_parquet(tmp, index=False)
        else:
            _write_csv(frame, tmp)

        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FormatError(f"cannot write the file ({exc.strerror or exc})", path=path) from None
    return path


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    for col in ("joined_at", "left_at"):
        dates = frame[col].to_numpy().astype("datetime64[D]")
        text = np.datetime_as_string(dates, unit="D").astype(object)
        text[np.isnat(dates)] = ""
        frame[col] = text
    frame["volume"] = np.round(frame["volume"].to_numpy(), 2)
    frame.to_csv(path, index=False, lineterminator="\n")
