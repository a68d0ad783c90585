"""Edge lists too large to parse in memory, turned into memory-mapped CSR arrays.

:func:`edgelist_to_csr` streams a text or Parquet edge list in batches (the chunked route
of :mod:`downline.common.tables`, the project's one text-table reader, or Parquet row
groups), never holding more than one batch of text, and writes the CSR arrays as ``.npy``
files that :func:`open_csr` maps read-only. An execution backend on Dask ships such
arrays as their file names, and each worker maps the same files (see
:mod:`downline.engine`).

Three passes over the input: (1) which ids occur and the out-degree of each; (2) every
edge's packed ``(target, edge number)`` key scattered into its source row, and its
probability in file order; (3) each row sorted, self-loops and duplicates handled (the
first occurrence wins, as in :func:`downline.read_graph`), CSR written.

Node ids must be non-negative integers (SNAP, research graphs); files with string ids
are for :func:`downline.read_graph`. The nodes are the ids that occur in an edge (an
``n m`` header's count of isolated nodes is not used). Memory: about 9 bytes per id up
to the largest id, plus one batch; the edge-sized arrays live in files.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from downline.common import _table_kernels as _tk
from downline.common import tables
from downline.common.limits import Limits
from downline.errors import ChunkedReadUnsupported, FormatError, GraphError
from downline.graph import _kernels
from downline.graph._core import Graph
from downline.graph.io import _COMMENTS
from downline.graph.io import _sniff as sniff_text

__all__ = ["edgelist_to_csr", "open_csr"]

_BATCH_BYTES = 16 << 20


def _batches(path: Path, header: str, limits: Limits | None
             ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """``(sources, targets, probabilities or None)`` of each batch of edges, in file order."""
    if path.suffix.lower() in (".parquet", ".pq"):
        first = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=4_000_000):
            yield _parquet_columns(batch, path, first)
            first += batch.num_rows
        return
    found = sniff_text(path, None, header, limits)  # type: ignore[arg-type]
    mode = "names" if found.header == "names" else "skip" if found.likely_nm else "none"
    try:
        chunks = tables.iter_chunks(path, comment=_COMMENTS, header=mode, limits=limits,
                                    sniffed=found.table_sniff, block_bytes=_BATCH_BYTES)
        for chunk in chunks:
            yield _chunk_columns(chunk, path)
    except ChunkedReadUnsupported as exc:
        raise FormatError(f"out-of-core loading reads plain edge lists ({exc}); use "
                          "downline.read_graph for this file", path=path) from None


def _ids(values: np.ndarray, bad: int, what: str, chunk: tables.Chunk) -> np.ndarray:
    if bad >= 0:
        raise chunk.error("out-of-core loading needs integer node ids; use "
                          f"downline.read_graph for string ids (the {what} is not one)", bad)
    negative = np.flatnonzero(values < 0)
    if negative.size:
        raise chunk.error("node ids must be non-negative", int(negative[0]))
    return values


def _chunk_columns(chunk: tables.Chunk, path: Path
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    if chunk.starts.shape[1] < 2:
        raise chunk.error("expected at least two fields (source and target)", 0)
    src = _ids(*chunk.integers(0), "source", chunk)
    dst = _ids(*chunk.integers(1), "target", chunk)
    if chunk.starts.shape[1] < 3:
        return src, dst, None
    a, b = chunk.spans(2)
    p = np.empty(a.shape[0], dtype=np.float64)
    bad, slow = _tk.parse_numbers(chunk.data, a, b, p)
    if bad >= 0:
        raise chunk.error("expected a number for the probability", int(bad), "probability")
    if slow:
        p = pc.cast(chunk.text(2), pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    _check_probs(p, path, chunk.first_row, chunk.line_of)
    return src, dst, p


def _parquet_columns(batch: pa.RecordBatch, path: Path, first_row: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    if batch.num_columns < 2:
        raise FormatError("expected at least two fields (source and target)", path=path)
    out = []
    for i in (0, 1):
        col = batch.column(i)
        if not pa.types.is_integer(col.type):
            raise FormatError(
                "out-of-core loading needs integer node ids; use downline.read_graph for "
                f"string ids (found {col.type} in field {i + 1} near row {first_row + 1})",
                path=path,
            )
        arr = col.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        if arr.size and arr.min() < 0:
            raise FormatError("node ids must be non-negative", path=path)
        out.append(arr)
    if batch.num_columns < 3:
        return out[0], out[1], None
    p = pc.cast(batch.column(2), pa.float64()).to_numpy(zero_copy_only=False)
    _check_probs(p, path, first_row, None)
    return out[0], out[1], p


def _check_probs(p: np.ndarray, path: Path, first_row: int, line_of: Any) -> None:
    bad = np.flatnonzero(~((p >= 0) & (p <= 1)))
    if bad.size:
        row = int(bad[0])
        raise GraphError(f"probability {float(p[row])!r} in data row {first_row + row + 1} "
                         "is outside [0, 1]", path=path,
                         line=None if line_of is None else line_of(row))


def edgelist_to_csr(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    self_loops: str = "drop",
    duplicates: str = "drop",
    header: str = "auto",
    progress: Callable[[int, int | None], None] | None = None,
    limits: Limits | None = None,
) -> Path:
    """Convert an edge list to CSR arrays in ``out_dir`` without loading it whole.

    Parameters
    ----------
    path : str or PathLike
        Text (``u v [p]``, read by the shared table reader in blocks: any separator,
        ``#``/``%`` comments and blank lines anywhere, CRLF, compression, an optional
        ``n m`` or names header) or Parquet (first columns source, target[, p]).
    out_dir : str or PathLike
        Folder for ``indptr.npy``, ``indices.npy``, ``probs.npy``, ``labels.npy`` and
        ``meta.json``; written to a temporary folder first and renamed when complete.
    self_loops, duplicates : {"drop", "keep"}
        As in :meth:`downline.graph.Graph.from_edges`.
    header : {"auto", "none", "nm", "names"}
        As in :func:`downline.read_graph`, except that a first line that could be an
        ``n m`` header or an edge is read as an edge (pass ``header="nm"``).
    progress : callable, optional
        ``progress(edges_read, None)`` after each batch of each pass.
    limits : Limits, optional
        Bounds on size, decompression, fields and line length, as for
        :func:`downline.read_graph`.

    Returns
    -------
    Path
        The folder, to pass to :func:`open_csr`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "g.txt").write_text("0 1\\n1 2\\n2 0\\n")
    >>> open_csr(edgelist_to_csr(d / "g.txt", d / "csr")).number_of_edges()
    3
    """
    src_path = Path(path)
    if not src_path.exists():
        raise FormatError("no such file", path=src_path)
    out = Path(out_dir)
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        return _convert(src_path, out, tmp, self_loops, duplicates, header, progress, limits)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _convert(src_path: Path, out: Path, tmp: Path, self_loops: str, duplicates: str,
             header: str, progress: Callable[[int, int | None], None] | None,
             limits: Limits | None) -> Path:
    # Pass 1: ids present and out-degrees.
    present = np.zeros(1 << 20, dtype=bool)
    outdeg = np.zeros(1 << 20, dtype=np.int64)
    m = 0
    weighted = False
    for s, d, p in _batches(src_path, header, limits):
        weighted = p is not None
        hi = int(max(s.max(initial=0), d.max(initial=0)))
        if hi >= present.shape[0]:
            size = max(hi + 1, 2 * present.shape[0])
            present = np.concatenate([present, np.zeros(size - present.shape[0], bool)])
            outdeg = np.concatenate([outdeg, np.zeros(size - outdeg.shape[0], np.int64)])
        _kernels.count_and_mark(s, d, present, outdeg)
        m += s.shape[0]
        if progress:
            progress(m, None)
    if m == 0:
        raise FormatError("the file has no edges", path=src_path)
    labels = np.flatnonzero(present).astype(np.int64)
    rank = (np.cumsum(present) - 1).astype(np.int64)
    n = labels.shape[0]
    indptr0 = np.zeros(n + 1, dtype=np.int64)
    indptr0[1:] = np.cumsum(outdeg[labels])
    del present, outdeg

    # Pass 2: keys scattered into rows, probabilities in file order (both on disk).
    keys = np.lib.format.open_memmap(tmp / "_keys.npy", mode="w+", dtype=np.uint64, shape=(m,))
    probs_in_order = np.lib.format.open_memmap(tmp / "_p.npy", mode="w+", dtype=np.float32,
                                               shape=(m,))
    fill = indptr0[:-1].copy()
    done = 0
    for s, d, p in _batches(src_path, header, limits):
        _kernels.scatter_keys(s, d, rank, fill, keys, done)
        probs_in_order[done:done + s.shape[0]] = 1.0 if p is None else p
        done += s.shape[0]
        if progress:
            progress(done, None)

    # Pass 3: sort rows, apply policies, write the CSR arrays.
    indices = np.lib.format.open_memmap(tmp / "indices_full.npy", mode="w+", dtype=np.int32,
                                        shape=(m,))
    probs = np.lib.format.open_memmap(tmp / "probs_full.npy", mode="w+", dtype=np.float32,
                                      shape=(m,))
    indptr = np.zeros(n + 1, dtype=np.int64)
    _kernels.sort_rows(indptr0, keys)
    dup_code = _kernels.DUP_KEEP if duplicates == "keep" else _kernels.DUP_DROP
    k, _, n_self, n_dup = _kernels.emit_rows(indptr0, keys, probs_in_order,
                                                  self_loops == "drop", dup_code, indices,
                                                  probs, indptr)
    k = int(k)
    for name, arr in (("indices", indices), ("probs", probs)):
        final = np.lib.format.open_memmap(tmp / f"{name}.npy", mode="w+", dtype=arr.dtype,
                                          shape=(k,))
        final[:] = arr[:k]
        final.flush()
        del final
    del keys, probs_in_order, indices, probs
    for name in ("_keys.npy", "_p.npy", "indices_full.npy", "probs_full.npy"):
        (tmp / name).unlink()
    np.save(tmp / "indptr.npy", indptr)
    np.save(tmp / "labels.npy", labels)
    meta: dict[str, Any] = {
        "source": str(src_path), "format": "edgelist", "out_of_core": True,
        "weights": "given" if weighted else "ones", "self_loops": self_loops,
        "duplicates": duplicates, "self_loops_dropped": int(n_self),
        "duplicates_found": int(n_dup), "undirected": False,
        "name": src_path.name.split(".")[0],
    }
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def open_csr(folder: str | os.PathLike[str]) -> Graph:
    """Open CSR arrays written by :func:`edgelist_to_csr` as a read-only, memory-mapped
    :class:`~downline.graph.Graph`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "g.txt").write_text("5 7\\n7 9\\n")
    >>> open_csr(edgelist_to_csr(d / "g.txt", d / "csr")).labels.tolist()
    [5, 7, 9]
    """
    root = Path(folder)
    if not (root / "meta.json").exists():
        raise FormatError("not a CSR folder made by edgelist_to_csr", path=root)
    meta = json.loads((root / "meta.json").read_text())
    meta["csr_folder"] = str(root.resolve())
    arrays = {name: np.load(root / f"{name}.npy", mmap_mode="r")
              for name in ("indptr", "indices", "probs")}
    labels = np.load(root / "labels.npy")
    return Graph(arrays["indptr"], arrays["indices"], arrays["probs"], labels,
                 name=meta.get("name", root.name), meta=meta)
