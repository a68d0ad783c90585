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


@njit(cache=True)
def finish_rows(indptr0, keys, probs_in_order, drop_self_loops, keep_duplicates, indices,
                probs, indptr):
    """Sort each row, apply the self-loop and duplicate policies, write the CSR arrays.

    Returns the number of edges written, self-loops dropped and duplicates found.
    """
    mask = (np.uint64(1) << np.uint64(33)) - np.uint64(1)
    shift = np.uint64(33)
    n = indptr0.shape[0] - 1
    k = 0
    n_self = 0
    n_dup = 0
    for u in range(n):
        a = indptr0[u]
        b = indptr0[u + 1]
        row = keys[a:b].copy()
        row.sort()
        last_v = -1
        for j in range(b - a):
            v = np.int64(row[j] >> shift)
            e = np.int64(row[j] & mask)
            if v == u and drop_self_loops:
                n_self += 1
                continue
            if v == last_v:
                n_dup += 1
                if not keep_duplicates:
                    continue
            indices[k] = v
            probs[k] = probs_in_order[e]
            k += 1
            last_v = v
        indptr[u + 1] = k
    return k, n_self, n_dup
