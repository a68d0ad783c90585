"""Compiled kernels of the graph core: CSR construction and edge clean-up.

Everything here works on flat NumPy arrays of dense node indices; the Python around it
(:mod:`downline.graph._core`) deals with labels, policies and error messages.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Duplicate-edge policies, as passed to ``csr_from_edges``.
DUP_KEEP = 0
DUP_DROP = 1
DUP_ERROR = 2


@njit(cache=True)
def counting_sort_by_source(src, dst, n):
    """Return ``(indptr, order)``: the CSR offsets and the stable permutation by source."""
    m = src.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        indptr[src[e] + 1] += 1
    for u in range(n):
        indptr[u + 1] += indptr[u]
    fill = indptr[:-1].copy()
    order = np.empty(m, dtype=np.int64)
    for e in range(m):
        u = src[e]
        order[fill[u]] = e
        fill[u] += 1
    return indptr, order


@njit(cache=True)
def csr_from_edges(src, dst, probs, n, drop_self_loops, dup_policy):
    """Build CSR arrays from an edge list of dense indices.

    Rows are sorted by target; among duplicate ``(u, v)`` pairs the first one in input
    order comes first (and is the one kept by ``DUP_DROP``).

    Returns
    -------
    indptr, indices, out_probs, first_dup, n_self_loops, n_duplicates
        ``first_dup`` is the input position of the first duplicate found (-1 if none),
        used by the caller to name the offending line under ``DUP_ERROR``.
    """
    indptr0, order = counting_sort_by_source(src, dst, n)
    m = src.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(m, dtype=np.int32)
    out_probs = np.empty(m, dtype=np.float32)
    n_self = 0
    n_dup = 0
    first_dup = -1
    k = 0
    for u in range(n):
        a = indptr0[u]
        b = indptr0[u + 1]
        row = order[a:b]
        targets = dst[row]
        within = np.argsort(targets, kind="mergesort")
        last = -1
        for j in range(b - a):
            e = row[within[j]]
            v = dst[e]
            if v == u and drop_self_loops:
                n_self += 1
                continue
            if v == last:
                n_dup += 1
                if first_dup < 0 or e < first_dup:
                    first_dup = e
                if dup_policy != DUP_KEEP:
                    continue
            indices[k] = v
            out_probs[k] = probs[e]
            k += 1
            last = v
        indptr[u + 1] = k
    return indptr, indices[:k].copy(), out_probs[:k].copy(), first_dup, n_self, n_dup


@njit(cache=True)
def transpose_csr(indptr, indices, n):
    """Reverse CSR: ``(rindptr, rindices, edge_ids)`` where ``edge_ids`` maps back."""
    m = indices.shape[0]
    rindptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(m):
        rindptr[indices[e] + 1] += 1
    for v in range(n):
        rindptr[v + 1] += rindptr[v]
    fill = rindptr[:-1].copy()
    rindices = np.empty(m, dtype=np.int32)
    edge_ids = np.empty(m, dtype=np.int64)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            pos = fill[v]
            rindices[pos] = u
            edge_ids[pos] = e
            fill[v] = pos + 1
    return rindptr, rindices, edge_ids
