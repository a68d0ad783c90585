"""RR sets kept where they were sampled, for collections larger than this process holds.

:class:`RemoteRRSets` has the part of :class:`~downline.influence.rrsets.RRSets`'s
interface that IMM and OPIM-C use, but its chunks stay on the execution backend's workers
(merged into one block per worker-sized group). Greedy maximum coverage then runs in
rounds: every block counts, for each node, the sets it would newly cover, the counts are
summed here (one array of n integers per block per round), the best node is chosen and
sent back with the next round. Each round reads every stored id once, so this is slower
than the in-memory lazy greedy, but only O(n) crosses the network per block and round.
Chunks use the same random streams as :class:`RRSets`, and ties go to the smaller index
as in the lazy greedy, so both give the same seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.rrsets import CHUNK_SIZE, Model, _chunk_on_worker, _shared_arrays

__all__ = ["RemoteRRSets"]

CHUNKS_PER_BLOCK = 16


def _concat(*chunks: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    sizes = [c[0].shape[0] - 1 for c in chunks]
    offsets = np.zeros(sum(sizes) + 1, dtype=np.int64)
    members = np.concatenate([c[1] for c in chunks]).astype(np.int32, copy=False)
    pos, base = 0, 0
    for (off, mem), size in zip(chunks, sizes, strict=True):
        offsets[pos + 1 : pos + size + 1] = off[1:] + base
        pos += size
        base += mem.shape[0]
    return offsets, members


def _block_counts(block: tuple[np.ndarray, np.ndarray], chosen: np.ndarray,
                  n: int) -> tuple[np.ndarray, int]:
    mask = np.zeros(n, dtype=np.bool_)
    mask[chosen] = True
    counts, covered = _kernels.uncovered_counts(block[0], block[1], mask, n)
    return counts, int(covered)


def _block_gains(block: tuple[np.ndarray, np.ndarray], seeds: np.ndarray,
                 n: int) -> np.ndarray:
    return _kernels.ordered_coverage(block[0], block[1], seeds, n)


def _block_size(block: tuple[np.ndarray, np.ndarray]) -> tuple[int, int, int]:
    return block[0].shape[0] - 1, block[1].shape[0], block[0].nbytes + block[1].nbytes


class RemoteRRSets:
    """A growing collection of RR sets held on an execution backend's workers.

    Parameters
    ----------
    graph, model, entropy, stream
        As in :class:`~downline.influence.rrsets.RRSets`.
    backend : downline.engine.Backend
        Where the sets are sampled and kept.
    """

    def __init__(self, graph: Graph, model: Model, entropy: int, stream: int,
                 backend: Any) -> None:
        self.graph = graph
        self.model = model
        self.entropy = entropy
        self.stream = stream
        self.backend = backend
        self._blocks: list[Any] = []
        self._chunks = 0

    def __len__(self) -> int:
        return self._chunks * CHUNK_SIZE

    def extend_to(self, total: int, progress: Callable[[int], None] | None = None) -> None:
        """Sample whole chunks on the workers until at least ``total`` sets are held."""
        need = -(-(int(total) - len(self)) // CHUNK_SIZE)
        if need <= 0:
            return
        shared = _shared_arrays(self.graph, self.model)
        jobs = [(self.entropy, self.stream, i) for i in range(self._chunks, self._chunks + need)]
        handles = self.backend.keep(_chunk_on_worker, shared, jobs)
        for start in range(0, len(handles), CHUNKS_PER_BLOCK):
            group = handles[start : start + CHUNKS_PER_BLOCK]
            self._blocks.append(self.backend.merge(_concat, group))
        self._chunks += need
        if progress is not None:
            for _ in range(need):
                progress(CHUNK_SIZE)

    def sizes(self) -> tuple[int, int, int]:
        """Sets, stored ids and bytes, summed over the blocks."""
        parts = self.backend.apply(_block_size, self._blocks)
        return tuple(int(sum(p[i] for p in parts)) for i in range(3))  # type: ignore[return-value]

    def stored_ids(self) -> int:
        """Number of node ids stored on the workers."""
        return self.sizes()[1]

    def nbytes(self) -> int:
        """Bytes of the sets on the workers."""
        return self.sizes()[2]

    def greedy(self, k: int, want_bound: bool) -> tuple[np.ndarray, np.ndarray, int, float]:
        """Greedy maximum coverage by rounds (see the module docstring).

        Returns what :func:`downline.influence._kernels.greedy_max_coverage` returns:
        seeds, their marginal coverages, the sets covered and the bound on the optimum.
        """
        n = self.graph.n
        seeds = np.empty(k, dtype=np.int32)
        gains = np.zeros(k, dtype=np.int64)
        chosen = np.zeros(n, dtype=np.bool_)
        total = 0
        bound = np.inf
        for i in range(k + 1):
            parts = self.backend.apply(_block_counts, self._blocks, seeds[:i].copy(), n)
            counts = np.sum([p[0] for p in parts], axis=0)
            total = int(sum(p[1] for p in parts))
            if i > 0:
                gains[i - 1] = total - int(gains[: i - 1].sum())
            if want_bound:
                bound = min(bound, float(total + np.sort(counts)[n - k:].sum()))
            if i == k:
                break
            counts[chosen] = -1
            pick = int(np.argmax(counts))  # first maximum: ties go to the smaller index
            if counts[pick] <= 0:
                pick = int(np.flatnonzero(~chosen)[0])
            seeds[i] = pick
            chosen[pick] = True
        if not want_bound:
            bound = total / (1.0 - np.exp(-1.0))
        return seeds, gains, total, bound

    def coverage_fraction(self, seeds: np.ndarray) -> tuple[np.ndarray, float]:
        """Marginal coverage of ``seeds`` in order, and the covered fraction of all sets."""
        seeds = np.asarray(seeds, dtype=np.int32)
        parts = self.backend.apply(_block_gains, self._blocks, seeds, self.graph.n)
        gains = np.sum(parts, axis=0).astype(np.int64)
        return gains, float(gains.sum()) / max(len(self), 1)
