"""Reading and validating a table of distributors' posts.

A posts table has the columns ``post_id, member_id, platform, url, posted_at, text`` and
optionally ``image`` (a path, relative to the table's folder) and ``library_item`` (the
id of the approved item the distributor says they shared). It comes as CSV/TSV or JSON Lines
(also compressed: gzip, bz2, xz, zstd) or Parquet. Structural faults (a missing column, an empty
post id, a date that cannot be read, a post id twice in the file) raise a
:class:`~downline.errors.FormatError` naming the file, line and field; nothing is stored
then. Faults of single posts against the tree (unknown member, posted before joining)
are reported as issues by :func:`downline.compliance.ingest_posts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from downline.common.tables import open_bytes, read_table
from downline.errors import FormatError

__all__ = ["OPTIONAL_COLUMNS", "POST_COLUMNS", "PostsTable", "read_posts"]

POST_COLUMNS = ("post_id", "member_id", "platform", "url", "posted_at", "text")
"""Columns every posts table has (``platform`` and ``url`` may be blank)."""

OPTIONAL_COLUMNS = ("image", "library_item")
"""Columns a posts table may have."""

MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class PostsTable:
    """A validated posts table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The posts in file order, columns :data:`POST_COLUMNS` + :data:`OPTIONAL_COLUMNS`
        (text; ``posted_at`` as naive UTC ``datetime64``) and ``line``, the line (CSV,
        JSONL) or row (Parquet, DataFrame) each post came from, 1-based.
    path : str or None
        The file read (None for a DataFrame).
    base_dir : Path or None
        The folder image paths are relative to.
    """

    frame: pd.DataFrame
    path: str | None
    base_dir: Path | None

    def __len__(self) -> int:
        return len(self.frame)


def _read_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The raw table (text cells) and the file line of each row.

    CSV and TSV go through the shared reader :func:`downline.common.tables.read_table`
    (compression, BOM, CRLF, quoting, size bounds, line numbers); JSON Lines are read
    line by line from :func:`downline.common.tables.open_bytes` (same decompression and
    bounds); Parquet through pandas.
    """
    name = path.name.lower()
    for ext in (".gz", ".bz2", ".xz", ".zst"):
        name = name.removesuffix(ext)
    try:
        if name.endswith(".parquet"):
            frame = pd.read_parquet(path)
            frame = frame.astype(object).where(frame.notna(), None)
            return frame, np.arange(1, len(frame) + 1)
        if name.endswith((".jsonl", ".ndjson")):
            rows, lines = [], []
            with open_bytes(path) as fh:
                for lineno, raw in enumerate(fh, start=1):
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise FormatError(f"not valid JSON ({exc.msg})", path=path,
                                          line=lineno) from exc
                    if not isinstance(obj, dict):
                        raise FormatError("each line must be a JSON object", path=path,
                                          line=lineno)
                    rows.append(obj)
                    lines.append(lineno)
            return pd.DataFrame(rows), np.asarray(lines, dtype=np.int64)
        if name.endswith((".csv", ".tsv", ".txt")):
            table = read_table(path, delimiter="\t" if name.endswith(".tsv") else ",",
                               comment=None, types="string")
            frame = pd.DataFrame({n: c.to_pylist() for n, c in
                                  zip(table.names, table.columns, strict=True)})
            lines = table.line_numbers()
            if table.lines is None and len(frame):
                # The reader's fast route numbers rows as first_line + row; a quoted text
                # with line breaks pushes every later row down.
                breaks = sum(frame[c].fillna("").str.count("\n").to_numpy()
                             for c in frame.columns)
                lines = lines + np.concatenate(([0], np.cumsum(breaks)[:-1]))
            return frame, lines
    except FormatError:
        raise
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", path=path) from exc
    except (ValueError, OSError) as exc:
        raise FormatError(f"cannot read the table ({str(exc).splitlines()[0][:200]})",
                          path=path) from exc
    raise FormatError("posts tables must be .csv, .tsv, .jsonl or .parquet (optionally "
                      "compressed)", path=path)


def _text(values: pd.Series) -> pd.Series:
    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    return values.map(one)


def read_posts(source: str | PathLike[str] | pd.DataFrame) -> PostsTable:
    """Read and validate a posts table.

    Parameters
    ----------
    source : path or DataFrame
        A ``.csv``/``.tsv`` (``.gz`` too), ``.jsonl`` or ``.parquet`` file, or a
        DataFrame with the same columns. Column names are matched ignoring case and
        surrounding blanks; other columns are ignored.

    Returns
    -------
    PostsTable

    Raises
    ------
    downline.errors.FormatError
        A missing column, an empty ``post_id`` or ``member_id``, a ``posted_at`` that is
        not a date, a text longer than 100,000 characters, or a post id that appears
        twice (both lines are named).

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_posts(pd.DataFrame({"post_id": ["p1"], "member_id": [7],
    ...     "platform": ["instagram"], "url": [""], "posted_at": ["2025-03-01 10:00"],
    ...     "text": ["Loving my new serum! #ad"]}))
    >>> t.frame.loc[0, "member_id"], str(t.frame.loc[0, "posted_at"])
    ('7', '2025-03-01 10:00:00')
    """
    if isinstance(source, pd.DataFrame):
        raw, lines, path, base = source.reset_index(drop=True), None, None, None
        lines = np.arange(1, len(raw) + 1)
    else:
        p = Path(source)
        raw, lines = _read_table(p)
        path, base = str(p), p.parent
    where = "row" if path is None or path.lower().endswith(".parquet") else "line"
    columns = {str(c).strip().lower(): c for c in raw.columns}
    missing = [c for c in POST_COLUMNS if c not in columns]
    if missing:
        raise FormatError(
            f"missing column(s) {', '.join(missing)} (found: "
            f"{', '.join(map(str, raw.columns)) or 'none'})", path=path, line=1,
            field=missing[0])
    frame = pd.DataFrame({c: _text(raw[columns[c]]) if c in columns else ""
                          for c in (*POST_COLUMNS, *OPTIONAL_COLUMNS)})
    frame["text"] = raw[columns["text"]].map(lambda v: "" if v is None or
                                              (isinstance(v, float) and np.isnan(v)) else str(v))
    frame["line"] = np.asarray(lines, dtype=np.int64)
    for col in ("post_id", "member_id"):
        empty = np.flatnonzero((frame[col] == "").to_numpy())
        if empty.size:
            raise FormatError(f"empty {col} ({empty.size} {where}(s))", path=path,
                              line=int(frame["line"].iloc[empty[0]]), field=col)
    long = np.flatnonzero(frame["text"].str.len().to_numpy() > MAX_TEXT_CHARS)
    if long.size:
        raise FormatError(f"text longer than {MAX_TEXT_CHARS:,} characters", path=path,
                          line=int(frame["line"].iloc[long[0]]), field="text")
    dup = frame["post_id"].duplicated(keep=False).to_numpy()
    if dup.any():
        first = frame.loc[dup, "post_id"].iloc[0]
        at = frame.loc[frame["post_id"] == first, "line"].tolist()
        raise FormatError(f"post_id {first!r} appears more than once ({where}s "
                          f"{', '.join(map(str, at[:5]))}); "
                          f"{int(dup.sum())} rows share an id", path=path,
                          line=int(at[1]), field="post_id")
    posted = pd.to_datetime(frame["posted_at"], errors="coerce", utc=True, format="mixed")
    bad = np.flatnonzero(posted.isna().to_numpy())
    if bad.size:
        value = frame["posted_at"].iloc[bad[0]]
        raise FormatError(f"posted_at {value!r} is not a date or time ({bad.size} "
                          f"{where}(s))", path=path, line=int(frame["line"].iloc[bad[0]]),
                          field="posted_at")
    frame["posted_at"] = posted.dt.tz_localize(None).astype("datetime64[us]")
    return PostsTable(frame, path, base)
