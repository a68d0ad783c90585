"""Collections of reverse-reachable (RR) sets, sampled in independent chunks.

A collection grows in chunks of a fixed number of RR sets. Chunk ``i`` of stream ``s`` is
drawn from its own random stream, derived from the user's seed as
``SeedSequence(entropy, spawn_key=(s, i))`` (what ``SeedSequence(seed).spawn`` would
hand out), so a chunk is a pure function of (graph, model, stream, index): chunks can run
on any thread or worker, in any order, and the collection is the same. They run on an
execution backend of :mod:`downline.engine`: in this process on ``threads`` threads (the
numba samplers release the GIL), or on a Dask cluster.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from downline import cascade
from downline.common.rng import stream_seeds
from downline.engine import LocalBackend, default_threads
from downline.errors import GraphError
from downline.graph import Graph
from downline.influence import _kernels

__all__ = ["CHUNK_SIZE", "Model", "RRSets", "check_model", "sample_chunk"]

Model = Literal["ic", "lt"]

CHUNK_SIZE = 4096
"""RR sets per chunk; fixed so that a seed names the same collection on any machine."""

def check_model(graph: Graph, model: str) -> Model:
    """Validate ``model`` for ``graph``: IC or LT (checked by
    :func:`downline.cascade.check_model`, the one place of that rule), and a graph with
    edges."""
    name = cascade.check_model(graph, model, migration=False)
    if graph.number_of_edges() == 0:
        raise GraphError(f"graph {graph.name!r} has no edges: nothing can spread")
    return name  # type: ignore[return-value]


def _chunk_state(entropy: int, stream: int, index: int) -> np.uint64:
    return stream_seeds(entropy, 1, key=(stream,), start=index)[0]


def sample_chunk(
    graph: Graph, model: Model, entropy: int, stream: int, index: int,
    count: int = CHUNK_SIZE, stop: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Chunk ``index`` of ``stream``: ``(offsets, members)`` of ``count`` RR sets.

    With ``stop`` (dense node indices, HIST's sentinel set) a set ends at the first of
    those nodes it reaches and is stored as that node alone
    (:func:`downline.influence._kernels.sample_ic_until`).
    """
    return _sample(_shared_arrays(graph, model), _chunk_state(entropy, stream, index), count,
                   stop)


_SHARED: weakref.WeakKeyDictionary[Graph, dict[str, dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _shared_arrays(graph: Graph, model: Model) -> dict[str, Any]:
    """What every sampler needs, one mapping per (graph, model) so it is built and
    shipped once: the reverse CSR and, under IC, ``log(1 - p)`` of the nodes whose
    in-edges share one probability, the others' in-edges sorted by decreasing
    probability (:func:`downline.influence._kernels.sort_in_edges`)."""
    per_model = _SHARED.setdefault(graph, {})
    if model not in per_model:
        r = graph.reverse
        indices, probs, logq = r.indices, r.probs, None
        if model == "ic":
            logq = _kernels.uniform_in_logq(r.indptr, r.probs, graph.n)
            if np.isnan(logq).any():
                indices, probs = _kernels.sort_in_edges(r.indptr, r.indices, r.probs, logq,
                                                        graph.n)
        per_model[model] = {"rindptr": r.indptr, "rindices": indices, "rprobs": probs,
                            "n": graph.n, "model": model, "logq": logq}
    return per_model[model]


def _sample(shared: dict[str, Any], state: np.uint64, count: int,
            stop: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    # Always the *_until kernels (an empty mask stops nowhere), so that one compiled
    # kernel per model serves every method.
    n = shared["n"]
    mask = np.zeros(0 if stop is None or len(stop) == 0 else n, dtype=np.bool_)
    if mask.shape[0]:
        mask[np.asarray(stop, dtype=np.int64)] = True
    if shared["model"] == "lt":
        offsets, members, _ = _kernels.sample_lt_until(
            shared["rindptr"], shared["rindices"], shared["rprobs"], n, count, state, mask)
    else:
        offsets, members, _ = _kernels.sample_ic_until(
            shared["rindptr"], shared["rindices"], shared["rprobs"], shared["logq"], n,
            count, state, mask)
    return offsets, members


def _chunk_on_worker(shared: dict[str, Any], job: tuple[Any, ...]) -> tuple[
        np.ndarray, np.ndarray]:
    """One chunk of RR sets on an execution backend (same stream as :func:`sample_chunk`):
    ``job`` is ``(entropy, stream, index)``, optionally followed by the stopping nodes
    (or None) and the chunk's count (default :data:`CHUNK_SIZE`)."""
    entropy, stream, index = job[:3]
    stop = job[3] if len(job) > 3 else None
    count = job[4] if len(job) > 4 else CHUNK_SIZE
    return _sample(shared, _chunk_state(entropy, stream, index), count, stop)


class RRSets:
    """A growing collection of RR sets held as flat arrays.

    Parameters
    ----------
    graph : Graph
    model : {"ic", "lt"}
    entropy : int
        Root seed (see :func:`downline.common.rng.root_seed`).
    stream : int
        Which family of streams to draw from; collections with different streams are
        independent.
    threads : int, optional
        Threads of this process sampling chunks at once (default: the number of CPUs).
        The result does not depend on it.
    backend : downline.engine.Backend, optional
        Sample the chunks there instead (a Dask cluster, say): the reverse CSR is
        broadcast to the workers once per graph and model, each chunk is one task, and
        the sets are gathered here in chunk order, so the collection is the same.
    stop : array of int, optional
        Dense indices of nodes at which every set stops (HIST's sentinel set): a set
        that reaches one is stored as that node alone. Coverage of any seed set that
        contains all of them is then the same as on full RR sets.
    first_chunk : int, optional
        Chunk ``i`` holds ``min(CHUNK_SIZE, first_chunk * 2^i)`` sets (default: every
        chunk :data:`CHUNK_SIZE`), for collections that start small and double; a
        pure function of the index too, so the collection is still the same anywhere.
    """

    def __init__(
        self, graph: Graph, model: Model, entropy: int, stream: int = 0,
        threads: int | None = None, backend: Any = None, stop: np.ndarray | None = None,
        first_chunk: int = CHUNK_SIZE,
    ) -> None:
        self.graph = graph
        self.threads = default_threads(threads)
        self.backend = backend if backend is not None else LocalBackend(threads=self.threads)
        self.model = model
        self.entropy = entropy
        self.stream = stream
        self.stop = None if stop is None or len(stop) == 0 else np.asarray(stop, np.int32)
        self.first_chunk = min(max(int(first_chunk), 1), CHUNK_SIZE)
        self._offsets = np.zeros(1024, dtype=np.int64)
        self._members = np.empty(1 << 16, dtype=np.int32)
        self._count = 0
        self._chunks = 0
        self._index: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return self._count

    @property
    def offsets(self) -> np.ndarray:
        """int64 offsets, one more than the number of sets."""
        return self._offsets[: self._count + 1]

    @property
    def members(self) -> np.ndarray:
        """int32 node ids of all sets, back to back."""
        return self._members[: self._offsets[self._count]]

    def stored_ids(self) -> int:
        """Number of node ids stored (the sum of the set sizes)."""
        return int(self._offsets[self._count])

    def nbytes(self) -> int:
        """Bytes allocated for the sets and their inverted index (when built)."""
        used = self._members.nbytes + self._offsets.nbytes
        if self._index is not None:
            used += self._index[0].nbytes + self._index[1].nbytes
        return used

    def compact(self) -> None:
        """Release the spare capacity of the growing buffers."""
        self._members = self.members.copy()
        self._offsets = self.offsets.copy()

    def extend_to(
        self, total: int, progress: Callable[[int], None] | None = None
    ) -> None:
        """Sample whole chunks until the collection holds at least ``total`` sets."""
        counts: list[int] = []
        planned = self._count
        while planned < int(total):
            counts.append(self._chunk_count(self._chunks + len(counts)))
            planned += counts[-1]
        if not counts:
            return
        shared = _shared_arrays(self.graph, self.model)  # built here, before threads share it
        if self.stop is None and self.first_chunk == CHUNK_SIZE:
            jobs = [(self.entropy, self.stream, self._chunks + j) for j in range(len(counts))]
        else:
            jobs = [(self.entropy, self.stream, self._chunks + j, self.stop, c)
                    for j, c in enumerate(counts)]
        for (offsets, members), count in zip(
                self.backend.imap(_chunk_on_worker, shared, jobs), counts, strict=True):
            self._append(offsets, members)
            if progress is not None:
                progress(count)
        self._chunks += len(counts)
        self._index = None

    def _chunk_count(self, index: int) -> int:
        if self.first_chunk >= CHUNK_SIZE or index >= 12:
            return CHUNK_SIZE
        return min(CHUNK_SIZE, self.first_chunk << index)

    def _append(self, offsets: np.ndarray, members: np.ndarray) -> None:
        count = offsets.shape[0] - 1
        base = self._offsets[self._count]
        if self._count + count + 1 > self._offsets.shape[0]:
            grown = np.empty(max(2 * self._offsets.shape[0], self._count + count + 1), np.int64)
            grown[: self._count + 1] = self._offsets[: self._count + 1]
            self._offsets = grown
        end = base + members.shape[0]
        if end > self._members.shape[0]:
            grown_m = np.empty(max(2 * self._members.shape[0], end), np.int32)
            grown_m[:base] = self._members[:base]
            self._members = grown_m
        self._members[base:end] = members
        self._offsets[self._count + 1 : self._count + count + 1] = offsets[1:] + base
        self._count += count

    def inverted_index(self) -> tuple[np.ndarray, np.ndarray]:
        """node -> RR-set ids in CSR form (built once per size of the collection)."""
        if self._index is None:
            self.compact()
            self._index = _kernels.invert(self.offsets, self.members, self.graph.n)
        return self._index

    def node_counts(self) -> np.ndarray:
        """How many sets contain each node."""
        return np.bincount(self.members, minlength=self.graph.n).astype(np.int64)

    def coverage_fraction(self, seeds: np.ndarray) -> tuple[np.ndarray, float]:
        """Marginal coverage of ``seeds`` in order, and the covered fraction of all sets."""
        gains = _kernels.ordered_coverage(
            self.offsets, self.members, np.asarray(seeds, dtype=np.int32), self.graph.n
        )
        return gains, float(gains.sum()) / max(self._count, 1)
