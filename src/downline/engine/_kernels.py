"""Compiled kernels of out-of-core CSR building (they run over memory-mapped arrays)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def count_and_mark(src, dst, present, outdeg):
    """Mark the ids seen and count out-degrees (ids index ``present``/``outdeg``)."""
    for e in range(src.shape[0]):
        present[src[e]] = True
        present[dst[e]] = True
        outdeg[src[e]] += 1


@njit(cache=True)
def scatter_keys(src, dst, rank, fill, keys, first_edge):
    """Write ``rank[dst] << 33 | edge number`` into each source row's next free slot."""
    for j in range(src.shape[0]):
        u = rank[src[j]]
        keys[fill[u]] = (np.uint64(rank[dst[j]]) << np.uint64(33)) | np.uint64(first_edge + j)
        fill[u] += 1
