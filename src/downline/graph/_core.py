"""The immutable directed graph held as CSR arrays, with the user's node labels.

An edge ``u -> v`` means influence flows from ``u`` to ``v`` (``v`` follows ``u``, or
``u`` sponsored ``v``). Out-edges of node ``i`` are ``indices[indptr[i]:indptr[i+1]]``
with probabilities ``probs[...]`` at the same positions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from downline.common.limits import require_memory
from downline.errors import GraphError, ParameterError
from downline.graph import _kernels
from downline.graph.weights import apply_scheme

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CSR", "DuplicatePolicy", "Graph", "SelfLoopPolicy", "build_csr"]

SelfLoopPolicy = Literal["drop", "keep"]
DuplicatePolicy = Literal["drop", "keep", "error"]

_DUP_CODES = {"keep": _kernels.DUP_KEEP, "drop": _kernels.DUP_DROP, "error": _kernels.DUP_ERROR}


class CSR(NamedTuple):
    """Compressed sparse rows: ``indices[indptr[i]:indptr[i+1]]`` are row ``i``'s entries.

    ``edge_ids`` maps each entry of a reverse CSR to its position in the forward arrays
    (for the forward CSR it is ``None``).
    """

    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    edge_ids: np.ndarray | None = None


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False, repr=False)
class Graph:
    """An immutable directed graph with edge probabilities.

    Build one with :func:`downline.read_graph`, :meth:`Graph.from_edges` or
    :func:`downline.graph.from_networkx`; do not call the constructor with arrays you
    still mean to modify (they are made read-only).

    Parameters
    ----------
    indptr : ndarray of int64, shape (n + 1,)
        Row offsets of the out-edges.
    indices : ndarray of int32, shape (m,)
        Edge targets, sorted within each row.
    probs : ndarray of float32, shape (m,)
        Edge probabilities (influence weights) in [0, 1].
    labels : ndarray, shape (n,)
        The user's node ids (int64 or object/str), in dense-index order.
    name : str
        A name for reports (the file stem when read from a file).
    meta : dict
        How the graph was built (source file, policies, counts of dropped edges).

    Examples
    --------
    >>> g = Graph.from_edges(["a", "a", "b"], ["b", "c", "c"], probs=[0.5, 0.5, 1.0])
    >>> g.number_of_nodes(), g.number_of_edges()
    (3, 3)
    >>> g.successors("a")
    ['b', 'c']
    """

    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    labels: np.ndarray
    name: str = "graph"
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.labels.shape[0]
        if self.indptr.dtype != np.int64 or self.indptr.shape != (n + 1,):
            raise GraphError("indptr must be int64 of length n + 1")
        if self.indices.dtype != np.int32 or self.probs.dtype != np.float32:
            raise GraphError("indices must be int32 and probs float32")
        if self.indices.shape != self.probs.shape or self.indptr[-1] != self.indices.shape[0]:
            raise GraphError("indices, probs and indptr disagree on the number of edges")
        for a in (self.indptr, self.indices, self.probs, self.labels):
            _readonly(a)

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_edges(
        cls,
        sources: Sequence[Any] | np.ndarray | pa.Array,
        targets: Sequence[Any] | np.ndarray | pa.Array,
        probs: Sequence[float] | np.ndarray | float | None = None,
        *,
        nodes: Sequence[Any] | np.ndarray | None = None,
        undirected: bool = False,
        self_loops: SelfLoopPolicy = "drop",
        duplicates: DuplicatePolicy = "drop",
        name: str = "graph",
        meta: dict[str, Any] | None = None,
    ) -> Graph:
        """Build a graph from parallel arrays of source and target labels.

        Parameters
        ----------
        sources, targets : array-like
            Node ids as the user knows them (integers or strings), one per edge.
        probs : array-like or float, optional
            Edge probabilities in [0, 1]; a scalar applies to every edge. Default 1.0.
        nodes : array-like, optional
            Every node id, to keep isolated nodes; edges may not name others.
        undirected : bool, default False
            Store every edge in both directions (with the same probability).
        self_loops : {"drop", "keep"}, default "drop"
            Self-loops carry no influence in the cascade models, so they are dropped.
        duplicates : {"drop", "keep", "error"}, default "drop"
            ``"drop"`` keeps the first of repeated ``(u, v)`` pairs (after
            ``undirected`` doubling), ``"keep"`` keeps all (a multigraph: each copy is an
            independent chance in IC and counts in weighted-cascade in-degrees),
            ``"error"`` raises naming the first repeated pair.

        Returns
        -------
        Graph

        Examples
        --------
        >>> g = Graph.from_edges([1, 2], [2, 3], undirected=True)
        >>> g.number_of_edges()
        4
        """
        src_lab = _as_arrow(sources)
        dst_lab = _as_arrow(targets)
        if len(src_lab) != len(dst_lab):
            raise GraphError("sources and targets have different lengths")
        labels, src, dst = encode_labels(src_lab, dst_lab, nodes)
        m = src.shape[0]
        if probs is None:
            p = np.ones(m, dtype=np.float64)
        elif np.isscalar(probs):
            p = np.full(m, float(probs))  # type: ignore[arg-type]
        else:
            p = np.asarray(probs, dtype=np.float64)
            if p.shape != (m,):
                raise GraphError(f"probs has {p.shape[0]} entries for {m} edges")
        bad = np.flatnonzero(~((p >= 0.0) & (p <= 1.0)))
        if bad.size:
            i = int(bad[0])
            raise GraphError(
                f"edge probability {float(p[i])!r} of edge {i} ({src_lab[i]} -> {dst_lab[i]}) "
                "is outside [0, 1]",
                field="probability",
            )
        return cls.from_indices(
            src, dst, p, labels,
            undirected=undirected, self_loops=self_loops, duplicates=duplicates,
            name=name, meta=meta,
        )

    @classmethod
    def from_indices(
        cls,
        src: np.ndarray,
        dst: np.ndarray,
        probs: np.ndarray,
        labels: np.ndarray,
        *,
        undirected: bool = False,
        self_loops: SelfLoopPolicy = "drop",
        duplicates: DuplicatePolicy = "drop",
        name: str = "graph",
        meta: dict[str, Any] | None = None,
        describe_edge: Any = None,
    ) -> Graph:
        """Build a graph from dense int indices into ``labels`` (validated by the caller).

        ``describe_edge(i)`` names input edge ``i`` in error messages (a file line, say).
        """
        src = np.ascontiguousarray(src, dtype=np.int32)
        dst = np.ascontiguousarray(dst, dtype=np.int32)
        probs = np.ascontiguousarray(probs, dtype=np.float32)
        blocks: list[EdgeBlock | None] = [(src, dst, probs)]
        if undirected:
            blocks.append((dst, src, probs))
        return cls.from_blocks(blocks, labels, undirected=undirected, self_loops=self_loops,
                               duplicates=duplicates, name=name, meta=meta,
                               describe_edge=describe_edge, rows=src.shape[0])

    @classmethod
    def from_blocks(
        cls,
        blocks: list[EdgeBlock | None],
        labels: np.ndarray,
        *,
        undirected: bool = False,
        self_loops: SelfLoopPolicy = "drop",
        duplicates: DuplicatePolicy = "drop",
        name: str = "graph",
        meta: dict[str, Any] | None = None,
        describe_edge: Any = None,
        rows: int | None = None,
    ) -> Graph:
        """Build a graph from blocks of dense ``(src, dst, probs or None)`` edges, in order.

        The blocks are the edges in input order (an undirected graph's reverse edges are
        blocks after all the forward ones); a block with ``probs`` None has probability
        1.0. Entries of ``blocks`` are set to None as they are used (so the caller's
        arrays can be freed while the CSR is built), except with ``duplicates="error"``.
        ``rows`` is the number of input lines (edge ``e`` is named by line ``e % rows``).
        """
        if self_loops not in ("drop", "keep"):
            raise ParameterError(f"self_loops must be 'drop' or 'keep', not {self_loops!r}")
        if duplicates not in _DUP_CODES:
            raise ParameterError(
                f"duplicates must be 'drop', 'keep' or 'error', not {duplicates!r}"
            )
        n = int(labels.shape[0])
        kept = list(blocks) if duplicates == "error" else None
        indptr, indices, out_probs, n_self, n_dup = build_csr(
            blocks, n, self_loops == "drop", _DUP_CODES[duplicates])
        if duplicates == "error" and n_dup and kept is not None:
            # The error path: the first repeated pair in input order, by the sorting kernel.
            src = np.concatenate([b[0] for b in kept if b is not None])
            dst = np.concatenate([b[1] for b in kept if b is not None])
            probs = np.ones(src.shape[0], dtype=np.float32)
            first_dup = int(_kernels.csr_from_edges(src, dst, probs, n, self_loops == "drop",
                                                    _DUP_CODES[duplicates])[3])
            m_in = rows if rows is not None else src.shape[0]
            e = first_dup % m_in if m_in else 0
            where = describe_edge(e) if describe_edge else f"edge {e}"
            raise GraphError(
                f"duplicate edge {labels[src[first_dup]]} -> {labels[dst[first_dup]]} "
                f"({where}); pass duplicates='drop' or 'keep'",
                field="duplicates",
            )
        info = dict(meta or {})
        info.update(
            undirected=bool(undirected),
            self_loops=self_loops,
            duplicates=duplicates,
            self_loops_dropped=int(n_self),
            duplicates_found=int(n_dup),
        )
        return cls(indptr, indices, out_probs, labels, name=name, meta=info)

    # -- networkx-like answers ----------------------------------------------------
    def number_of_nodes(self) -> int:
        """Number of nodes, isolated ones included."""
        return int(self.labels.shape[0])

    def number_of_edges(self) -> int:
        """Number of directed edges (arcs) stored."""
        return int(self.indices.shape[0])

    def __len__(self) -> int:
        return self.number_of_nodes()

    def __repr__(self) -> str:
        return (
            f"Graph(name={self.name!r}, nodes={self.number_of_nodes():,}, "
            f"edges={self.number_of_edges():,})"
        )

    @property
    def n(self) -> int:
        """Number of nodes (short form used by kernels)."""
        return self.number_of_nodes()

    @property
    def m(self) -> int:
        """Number of edges (short form used by kernels)."""
        return self.number_of_edges()

    @property
    def csr(self) -> CSR:
        """The forward CSR arrays."""
        return CSR(self.indptr, self.indices, self.probs)

    @cached_property
    def reverse(self) -> CSR:
        """The reverse CSR (in-edges), built once on first use.

        ``reverse.indices[reverse.indptr[v]:reverse.indptr[v+1]]`` are the in-neighbours
        of ``v``; ``reverse.edge_ids`` gives each in-edge's forward position, and
        ``reverse.probs`` its probability.
        """
        rindptr, rindices, edge_ids = _kernels.transpose_csr(self.indptr, self.indices, self.n)
        rprobs = self.probs[edge_ids]
        return CSR(*(_readonly(a) for a in (rindptr, rindices, rprobs, edge_ids)))

    def out_degree(self) -> np.ndarray:
        """Out-degree of every node, in dense-index order."""
        return np.diff(self.indptr)

    def in_degree(self) -> np.ndarray:
        """In-degree of every node, in dense-index order."""
        return np.bincount(self.indices, minlength=self.n).astype(np.int64)

    # -- labels ---------------------------------------------------------------------
    @cached_property
    def _label_index(self) -> dict[Any, int]:
        return {label: i for i, label in enumerate(self.labels.tolist())}

    def index_of(self, ids: Iterable[Any] | Any) -> np.ndarray:
        """Dense indices of the given node ids.

        Integer-labelled graphs also accept the ids as strings (as read from a seeds file).

        Raises
        ------
        GraphError
            Naming the ids that are not in the graph.

        Examples
        --------
        >>> g = Graph.from_edges(["x"], ["y"])
        >>> g.index_of(["y", "x"]).tolist()
        [1, 0]
        """
        if isinstance(ids, str) or not isinstance(ids, Iterable):
            ids = [ids]
        ids = list(ids)
        lookup = self._label_index
        numeric = self.labels.dtype.kind in "iu"
        out = np.empty(len(ids), dtype=np.int32)
        missing = []
        for j, raw in enumerate(ids):
            key = raw
            if numeric and not isinstance(raw, int | np.integer):
                try:
                    key = int(str(raw).strip())
                except ValueError:
                    key = raw
            elif not numeric:
                key = str(raw)
            i = lookup.get(key)
            if i is None:
                missing.append(raw)
            else:
                out[j] = i
        if missing:
            shown = ", ".join(map(str, missing[:10]))
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise GraphError(
                f"{len(missing)} node id(s) not in graph {self.name!r}: {shown}{more}"
            )
        return out

    def label_of(self, indices: Iterable[int] | np.ndarray) -> list[Any]:
        """The user's ids of dense indices, as Python values."""
        return self.labels[np.asarray(indices, dtype=np.int64)].tolist()

    def successors(self, node: Any) -> list[Any]:
        """Labels of the out-neighbours of ``node`` (given by its label)."""
        i = int(self.index_of([node])[0])
        return self.label_of(self.indices[self.indptr[i] : self.indptr[i + 1]])

    def predecessors(self, node: Any) -> list[Any]:
        """Labels of the in-neighbours of ``node`` (given by its label)."""
        i = int(self.index_of([node])[0])
        r = self.reverse
        return self.label_of(r.indices[r.indptr[i] : r.indptr[i + 1]])

    def edges(self) -> pd.DataFrame:
        """The edge list as a DataFrame with columns ``source, target, p`` (labels)."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), self.out_degree())
        # lazy: pandas costs 0.3 s; graph does not need it otherwise
        import pandas as pd

        return pd.DataFrame(
            {
                "source": self.labels[src],
                "target": self.labels[self.indices],
                "p": self.probs.astype(np.float64),
            }
        )

    # -- probabilities ------------------------------------------------------------
    def with_probs(self, probs: np.ndarray, scheme: str) -> Graph:
        """A graph with the same structure and new edge probabilities (arrays shared)."""
        probs = np.ascontiguousarray(probs, dtype=np.float32)
        if probs.shape != self.probs.shape:
            raise GraphError("one probability per edge is needed")
        bad = np.flatnonzero(~((probs >= 0) & (probs <= 1)))
        if bad.size:
            i = int(bad[0])
            raise GraphError(f"probability {float(probs[i])!r} of edge {i} outside [0, 1]")
        meta = dict(self.meta, weights=scheme)
        g = Graph(self.indptr, self.indices, probs, self.labels, name=self.name, meta=meta)
        if "reverse" in self.__dict__:
            # Structure is shared, so the reverse arrays are too: only the probabilities move.
            r = self.reverse
            g.__dict__["reverse"] = CSR(r.indptr, r.indices, _readonly(probs[r.edge_ids]),
                                        r.edge_ids)
        return g

    def with_weights(self, scheme: str, *, seed: int | np.random.Generator | None = None) -> Graph:
        """A graph with edge probabilities set by a named scheme.

        Parameters
        ----------
        scheme : str
            ``"wc"`` (weighted cascade, 1 / in-degree of the target), ``"uniform:P"``,
            ``"trivalency"`` (each edge drawn from {0.1, 0.01, 0.001}; needs ``seed``
            for reproducibility) or ``"given"`` (keep the probabilities as loaded).
        seed : int or numpy.random.Generator, optional
            Randomness for ``"trivalency"``.

        Examples
        --------
        >>> g = Graph.from_edges([0, 1, 2], [2, 2, 0]).with_weights("wc")
        >>> g.probs.tolist()
        [0.5, 0.5, 1.0]
        """
        return apply_scheme(self, scheme, seed=seed)


EdgeBlock = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]


def build_csr(blocks: list[EdgeBlock | None], n: int, drop_self_loops: bool,
              dup_code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """CSR arrays from blocks of dense edges, by counting: out-degrees, then each edge
    scattered into its row, then each row sorted by target and cleaned in place.

    Memory: the blocks, plus the finished arrays (int32 targets, float32 probabilities
    only when a block has them); each block is released (set to None) once scattered.
    Rows are sorted stably, so among repeated ``(u, v)`` pairs the first in input order
    is the one kept, as :func:`_kernels.csr_from_edges` does.

    Returns ``indptr, indices, probs, self-loops dropped, duplicates found``.
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    has_probs = False
    for b in blocks:
        if b is not None:
            _kernels.add_degrees(b[0], indptr[1:])
            has_probs = has_probs or b[2] is not None
    np.cumsum(indptr, out=indptr)
    m = int(indptr[-1])
    require_memory(4 * m * (2 if has_probs else 1) + 16 * (n + 1),
                   what=f"the CSR arrays of {m:,} edges and {n:,} nodes")
    indices = np.empty(m, dtype=np.int32)
    out_probs = np.empty(m if has_probs else 0, dtype=np.float32)
    # indptr[u] is row u's next free slot while scattering, then shifted back.
    fill = indptr[:-1]
    none = np.empty(0, dtype=np.float32)
    for i, b in enumerate(blocks):
        if b is None:
            continue
        src, dst, p = b
        if has_probs and p is None:
            p = np.ones(src.shape[0], dtype=np.float32)
        _kernels.scatter_edges(src, dst, none if p is None else p, has_probs, fill, indices,
                               out_probs)
        blocks[i] = None
        del src, dst, p, b
    indptr[1:] = indptr[:-1].copy()
    indptr[0] = 0
    k, n_self, n_dup = _kernels.finish_rows(indptr, indices, out_probs, has_probs,
                                            drop_self_loops, dup_code)
    k = int(k)
    if k < m:
        indices.resize(k, refcheck=False)
        if has_probs:
            out_probs.resize(k, refcheck=False)
    if not has_probs:
        out_probs = np.ones(k, dtype=np.float32)
    return indptr, indices, out_probs, int(n_self), int(n_dup)


def _as_arrow(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        return pa.array(arr.astype(np.int64, copy=False))
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise GraphError("node ids must be integers or strings, not fractional numbers")
        return pa.array(arr.astype(np.int64))
    return pa.array([str(v) for v in arr.tolist()], type=pa.string())


def encode_labels(
    src: pa.Array, dst: pa.Array, nodes: Sequence[Any] | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Map label arrays to dense int32 indices; labels are sorted.

    Integer ids stay integers (int64 labels); anything else becomes strings. With
    ``nodes`` given, those are all the nodes and an edge naming another is an error.
    """
    integer = pa.types.is_integer(src.type) and pa.types.is_integer(dst.type)
    node_arr = None if nodes is None else _as_arrow(nodes)
    if node_arr is not None and integer and not pa.types.is_integer(node_arr.type):
        integer = False
    if not integer:
        src = pc.cast(src, pa.string())
        dst = pc.cast(dst, pa.string())
        if node_arr is not None:
            node_arr = pc.cast(node_arr, pa.string())
    else:
        src = pc.cast(src, pa.int64())
        dst = pc.cast(dst, pa.int64())
        if node_arr is not None:
            node_arr = pc.cast(node_arr, pa.int64())

    if integer:
        s = src.to_numpy(zero_copy_only=False)
        d = dst.to_numpy(zero_copy_only=False)
        if node_arr is not None:
            labels = np.unique(node_arr.to_numpy(zero_copy_only=False))
            if labels.shape[0] != len(node_arr):
                raise GraphError("the node list names some node twice", field="nodes")
            si = np.searchsorted(labels, s)
            di = np.searchsorted(labels, d)
            _check_known(labels, s, si, "source")
            _check_known(labels, d, di, "target")
            return labels, si.astype(np.int32), di.astype(np.int32)
        if s.size == 0:
            return np.empty(0, dtype=np.int64), s.astype(np.int32), d.astype(np.int32)
        lo = min(int(s.min()), int(d.min()))
        hi = max(int(s.max()), int(d.max()))
        if lo >= 0 and hi < 4 * s.size + 1_000_000:
            # Dense-ish ids (the common case): a presence table beats sorting.
            present = np.zeros(hi + 1, dtype=bool)
            present[s] = True
            present[d] = True
            labels = np.flatnonzero(present).astype(np.int64)
            del present
            # int32 ranks: no 64-bit temporaries of the edge-sized index arrays.
            rank = np.zeros(hi + 1, dtype=np.int32)
            rank[labels] = np.arange(labels.shape[0], dtype=np.int32)
            return labels, rank[s], rank[d]
        labels, inverse = np.unique(np.concatenate([s, d]), return_inverse=True)
        inverse = inverse.astype(np.int32)
        return labels, inverse[: s.size], inverse[s.size :]

    base = node_arr if node_arr is not None else pa.chunked_array([src, dst])
    uniq = pc.unique(base)
    uniq = uniq.take(pc.sort_indices(uniq))
    if node_arr is not None and len(uniq) != len(node_arr):
        raise GraphError("the node list names some node twice", field="nodes")
    si = pc.index_in(src, value_set=uniq)
    di = pc.index_in(dst, value_set=uniq)
    for name, arr, idx in (("source", src, si), ("target", dst, di)):
        if idx.null_count:
            j = pc.index(pc.is_null(idx), True).as_py()
            raise GraphError(f"edge {j} names {name} {arr[j].as_py()!r}, not in the node list")
    labels = np.array(uniq.to_pylist(), dtype=object)
    return (
        labels,
        si.to_numpy(zero_copy_only=False).astype(np.int32),
        di.to_numpy(zero_copy_only=False).astype(np.int32),
    )


def _check_known(labels: np.ndarray, values: np.ndarray, pos: np.ndarray, what: str) -> None:
    clipped = np.minimum(pos, labels.shape[0] - 1)
    bad = np.flatnonzero((pos >= labels.shape[0]) | (labels[clipped] != values))
    if bad.size:
        j = int(bad[0])
        raise GraphError(f"edge {j} names {what} {values[j]}, not in the node list")
