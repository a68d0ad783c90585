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
def _radix_sort_by_target(keys, tmp):
    """Stable sort of packed keys by their target (bits 33 and up), two 16-bit passes.

    Keys of one row arrive in increasing input position, so sorting stably by target
    alone gives the full (target, position) order.
    """
    shift = np.uint64(33)
    radix = np.uint64(0xFFFF)
    src_buf = keys
    dst_buf = tmp
    for p in range(2):
        counts = np.zeros(65537, dtype=np.int64)
        bits = np.uint64(16 * p)
        for i in range(src_buf.shape[0]):
            counts[np.int64(((src_buf[i] >> shift) >> bits) & radix) + 1] += 1
        for b in range(65536):
            counts[b + 1] += counts[b]
        for i in range(src_buf.shape[0]):
            d = np.int64(((src_buf[i] >> shift) >> bits) & radix)
            dst_buf[counts[d]] = src_buf[i]
            counts[d] += 1
        src_buf, dst_buf = dst_buf, src_buf
    # after two passes the sorted data is back in ``keys``


@njit(cache=True)
def sort_rows(indptr, keys):
    """Sort each row's packed ``target << 33 | position`` keys in place.

    Short rows by insertion, long ones by quicksort, hub rows (over 65,536 entries) by a
    linear-time radix sort on the target (their keys arrive in position order, so a
    stable sort on the target is the full order). Works on memory-mapped arrays too.
    """
    tmp = np.empty(0, dtype=np.uint64)
    for u in range(indptr.shape[0] - 1):
        a = indptr[u]
        b = indptr[u + 1]
        if b - a > 65536:
            if tmp.shape[0] < b - a:
                tmp = np.empty(b - a, dtype=np.uint64)
            _radix_sort_by_target(keys[a:b], tmp[: b - a])
        elif b - a > 24:
            keys[a:b].sort()
        else:
            for i in range(a + 1, b):
                x = keys[i]
                j = i - 1
                while j >= a and keys[j] > x:
                    keys[j + 1] = keys[j]
                    j -= 1
                keys[j + 1] = x


@njit(cache=True)
def emit_rows(rows, keys, probs, drop_self_loops, dup_policy, indices, out_probs, indptr):
    """Write CSR rows from row-sorted packed keys, applying the self-loop and duplicate
    policies; ``probs`` is indexed by input position.

    Returns ``(edges written, first duplicate's input position or -1, self-loops
    dropped, duplicates found)``.
    """
    mask = (np.uint64(1) << np.uint64(33)) - np.uint64(1)
    shift = np.uint64(33)
    n_self = 0
    n_dup = 0
    first_dup = -1
    k = 0
    for u in range(rows.shape[0] - 1):
        last_v = -1
        for j in range(rows[u], rows[u + 1]):
            v = np.int64(keys[j] >> shift)
            e = np.int64(keys[j] & mask)
            if v == u and drop_self_loops:
                n_self += 1
                continue
            if v == last_v:
                n_dup += 1
                if first_dup < 0 or e < first_dup:
                    first_dup = e
                if dup_policy != DUP_KEEP:
                    continue
            indices[k] = v
            out_probs[k] = probs[e]
            k += 1
            last_v = v
        indptr[u + 1] = k
    return k, first_dup, n_self, n_dup


@njit(cache=True)
def _row_sorted_keys(src, dst, n):
    """CSR row offsets and, per row, keys ``target << 33 | input position``, sorted.

    One stable counting sort by source (a plain copy when the input is already sorted, as
    most edge files are), then each row is sorted in place; the packed position keeps
    ties in input order. O(m + sum d log d).
    """
    m = src.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    sorted_by_source = True
    for e in range(m):
        indptr[src[e] + 1] += 1
        if e > 0 and src[e] < src[e - 1]:
            sorted_by_source = False
    for u in range(n):
        indptr[u + 1] += indptr[u]
    keys = np.empty(m, dtype=np.uint64)
    if sorted_by_source:
        for e in range(m):
            keys[e] = (np.uint64(dst[e]) << np.uint64(33)) | np.uint64(e)
    else:
        fill = indptr[:-1].copy()
        for e in range(m):
            u = src[e]
            keys[fill[u]] = (np.uint64(dst[e]) << np.uint64(33)) | np.uint64(e)
            fill[u] += 1
    sort_rows(indptr, keys)
    return indptr, keys


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
    rows, keys = _row_sorted_keys(src, dst, n)
    m = src.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices = np.empty(m, dtype=np.int32)
    out_probs = np.empty(m, dtype=np.float32)
    k, first_dup, n_self, n_dup = emit_rows(rows, keys, probs, drop_self_loops, dup_policy,
                                            indices, out_probs, indptr)
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


# -- out-of-core CSR building (over memory-mapped arrays, see downline.graph.outofcore) --


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
def flagged_share_at(indptr, indices, weights, flag_time, at_time, strict):
    """Per row ``i``: summed weight of neighbours flagged by ``at_time[i]``, and all weight.

    A neighbour ``j`` counts when ``flag_time[j] < at_time[i]`` (``strict``) or ``<=``;
    NaN flag times never count; rows with a NaN ``at_time`` get NaN.
    """
    n = indptr.shape[0] - 1
    num = np.zeros(n, dtype=np.float64)
    den = np.zeros(n, dtype=np.float64)
    for i in range(n):
        t = at_time[i]
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            if j == i:
                continue
            w = weights[e]
            den[i] += w
            f = flag_time[j]
            if f == f and t == t and (f < t if strict else f <= t):
                num[i] += w
        if t != t:
            num[i] = np.nan
    return num, den


@njit(cache=True)
def flagged_share_by_period(indptr, indices, weights, flag_period, t0, n_periods):
    """Per row and period ``t0 + k``: summed weight of neighbours flagged by then.

    ``flag_period`` holds whole periods (NaN for never); a neighbour flagged in period
    ``p`` counts from column ``p - t0`` on (``<=``). One pass over the edges and one
    cumulative sum per row: O(m + n T) time, the ``n x T`` output as memory.
    """
    n = indptr.shape[0] - 1
    num = np.zeros((n, n_periods), dtype=np.float64)
    den = np.zeros(n, dtype=np.float64)
    for i in range(n):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            if j == i:
                continue
            w = weights[e]
            den[i] += w
            f = flag_period[j]
            if f == f:
                k = int(f) - t0
                if k < 0:
                    k = 0
                if k < n_periods:
                    num[i, k] += w
        acc = 0.0
        for k in range(n_periods):
            acc += num[i, k]
            num[i, k] = acc
    return num, den


# -- CSR building by counting (in-memory loads; see downline.graph._core.build_csr) ----


@njit(cache=True, nogil=True)
def add_degrees(src, outdeg):
    """``outdeg[u] += 1`` for every source ``u``."""
    for e in range(src.shape[0]):
        outdeg[src[e]] += 1


@njit(cache=True, nogil=True)
def scatter_edges(src, dst, probs, has_probs, fill, indices, out_probs):
    """Write each edge's target (and probability) into its source row's next free slot."""
    for e in range(src.shape[0]):
        u = src[e]
        k = fill[u]
        indices[k] = dst[e]
        if has_probs:
            out_probs[k] = probs[e]
        fill[u] = k + 1


@njit(cache=True)
def finish_rows(indptr, indices, probs, has_probs, drop_self_loops, dup_policy):
    """Sort each row by target (stable: input order among equal targets), then drop
    self-loops and duplicates in place; ``indptr`` is rewritten.

    Returns ``(edges kept, self-loops dropped, duplicates found)``.
    """
    n = indptr.shape[0] - 1
    longest = 0
    for u in range(n):
        longest = max(longest, indptr[u + 1] - indptr[u])
    keys = np.empty(longest if longest > 32 else 0, dtype=np.uint64)
    spare = np.empty(longest if longest > 65536 else 0, dtype=np.uint64)
    tmp_p = np.empty(longest if (longest > 32 and has_probs) else 0, dtype=np.float32)
    k = 0
    n_self = 0
    n_dup = 0
    start = indptr[0]
    for u in range(n):
        a = start
        b = indptr[u + 1]
        start = b
        d = b - a
        if d > 32:
            ordered = True
            for j in range(a + 1, b):
                if indices[j] < indices[j - 1]:
                    ordered = False
                    break
            if not ordered:
                # Packed ``target << 33 | position in the row``: unique keys, so any sort
                # is stable; hub rows by the linear-time radix sort on the target.
                for j in range(d):
                    keys[j] = (np.uint64(indices[a + j]) << np.uint64(33)) | np.uint64(j)
                if d > 65536:
                    _radix_sort_by_target(keys[:d], spare[:d])
                    ks = keys[:d]
                else:
                    ks = np.sort(keys[:d])
                low = (np.uint64(1) << np.uint64(33)) - np.uint64(1)
                if has_probs:
                    for j in range(d):
                        tmp_p[j] = probs[a + np.int64(ks[j] & low)]
                    for j in range(d):
                        probs[a + j] = tmp_p[j]
                for j in range(d):
                    indices[a + j] = np.int32(ks[j] >> np.uint64(33))
        else:
            for i in range(a + 1, b):
                x = indices[i]
                px = probs[i] if has_probs else np.float32(1.0)
                j = i - 1
                while j >= a and indices[j] > x:
                    indices[j + 1] = indices[j]
                    if has_probs:
                        probs[j + 1] = probs[j]
                    j -= 1
                indices[j + 1] = x
                if has_probs:
                    probs[j + 1] = px
        last_v = -1
        for j in range(a, b):
            v = indices[j]
            if v == u and drop_self_loops:
                n_self += 1
                continue
            if v == last_v:
                n_dup += 1
                if dup_policy != DUP_KEEP:
                    continue
            indices[k] = v
            if has_probs:
                probs[k] = probs[j]
            k += 1
            last_v = v
        indptr[u + 1] = k
    return k, n_self, n_dup


@njit(cache=True, nogil=True)
def remap_shifted(values, base, rank, out):
    """``out[i] = rank[values[i] - base]``."""
    for i in range(values.shape[0]):
        out[i] = rank[values[i] - base]


@njit(cache=True, nogil=True)
def mark_present(values, base, present):
    """``present[v - base] = True`` for every value."""
    for i in range(values.shape[0]):
        present[values[i] - base] = True


# -- string ids: one open-addressing table over the ids' bytes --------------------------
# A slot is two uint64 words, side by side in memory: the key (the id's bytes themselves
# when it has at most 8, else a hash of them) and ``(length + 1) << 32 | code`` (0: empty).
# Short ids, the common case, are found with one memory access and no byte comparison.


@njit(cache=True, inline="always")
def _key_of(data, a, b):
    size = b - a
    if size <= 8:
        k = np.uint64(0)
        for q in range(a, b):
            k = (k << np.uint64(8)) | np.uint64(data[q])
        return k
    h = np.uint64(14695981039346656037)
    for q in range(a, b):
        h = (h ^ np.uint64(data[q])) * np.uint64(1099511628211)
    return h


@njit(cache=True, inline="always")
def _slot_of(key, size, mask):
    # SplitMix64's finalizer: packed ids differ in their low bytes only, so they need a
    # full mix (a plain multiplicative hash left long probe runs).
    z = key + np.uint64(size) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.int64((z ^ (z >> np.uint64(31))) & mask)


@njit(cache=True, nogil=True)
def intern_spans(data, starts, ends, first, codes, table, arena, offsets, count):
    """Give each field ``data[starts[r]:ends[r]]`` (rows ``first`` on) the code of its text,
    new texts the next codes, their bytes appended to ``arena`` (``offsets`` as Arrow's).

    Rows go in batches: the slots of a batch are computed and read first (independent
    reads, so the memory fetches overlap), then probed. Stops early when the table is
    half full or ``arena``/``offsets`` are full, so the caller can grow them and call
    again from the returned row. Returns ``(row, count)``.
    """
    mask = np.uint64(table.shape[0] - 1)
    batch = 32
    keys = np.empty(batch, dtype=np.uint64)
    slots = np.empty(batch, dtype=np.int64)
    rows = starts.shape[0]
    r0 = first
    while r0 < rows:
        r1 = min(r0 + batch, rows)
        touch = np.uint64(0)
        for r in range(r0, r1):
            key = _key_of(data, starts[r], ends[r])
            slot = _slot_of(key, ends[r] - starts[r], mask)
            keys[r - r0] = key
            slots[r - r0] = slot
            touch ^= table[slot, 1]
        if touch == np.uint64(1):
            # Never true in practice; using ``touch`` keeps the compiler from dropping the
            # reads above, which are there only to bring the slots into the cache.
            keys[0] ^= np.uint64(0)
        for r in range(r0, r1):
            a = starts[r]
            b = ends[r]
            size = b - a
            key = keys[r - r0]
            tag = np.uint64(size + 1) << np.uint64(32)
            slot = slots[r - r0]
            while True:
                meta = table[slot, 1]
                if meta == 0:
                    used = offsets[count]
                    if (2 * (count + 1) > table.shape[0] or used + size > arena.shape[0]
                            or count + 2 > offsets.shape[0]):
                        return r, count
                    for t in range(size):
                        arena[used + t] = data[a + t]
                    offsets[count + 1] = used + size
                    table[slot, 0] = key
                    table[slot, 1] = tag | np.uint64(count)
                    codes[r] = count
                    count += 1
                    break
                if table[slot, 0] == key and (meta >> np.uint64(32)) == np.uint64(size + 1):
                    c = np.int64(meta & np.uint64(0xFFFFFFFF))
                    same = True
                    if size > 8:
                        o = offsets[c]
                        for t in range(size):
                            if arena[o + t] != data[a + t]:
                                same = False
                                break
                    if same:
                        codes[r] = c
                        break
                slot = np.int64((np.uint64(slot) + np.uint64(1)) & mask)
        r0 = r1
    return rows, count


@njit(cache=True)
def rehash(old, table):
    """Move every filled slot of ``old`` into the empty (all 0) ``table``."""
    mask = np.uint64(table.shape[0] - 1)
    for i in range(old.shape[0]):
        meta = old[i, 1]
        if meta == 0:
            continue
        key = old[i, 0]
        size = np.int64(meta >> np.uint64(32)) - 1
        slot = _slot_of(key, size, mask)
        while table[slot, 1] != 0:
            slot = np.int64((np.uint64(slot) + np.uint64(1)) & mask)
        table[slot, 0] = key
        table[slot, 1] = meta


@njit(cache=True)
def format_ints(values):
    """Decimal text of int64 values end to end, with each one's start and end."""
    rows = values.shape[0]
    starts = np.empty(rows, dtype=np.int32)
    ends = np.empty(rows, dtype=np.int32)
    size = 0
    for r in range(rows):
        v = values[r]
        digits = 1
        if v < 0:
            digits += 1
            v = -v
        while v >= 10:
            v //= 10
            digits += 1
        size += digits
    out = np.empty(size, dtype=np.uint8)
    pos = 0
    for r in range(rows):
        v = values[r]
        neg = v < 0
        if neg:
            v = -v
        digits = 1
        w = v
        while w >= 10:
            w //= 10
            digits += 1
        starts[r] = pos
        if neg:
            out[pos] = 45
            pos += 1
        for t in range(digits - 1, -1, -1):
            out[pos + t] = 48 + v % 10
            v //= 10
        pos += digits
        ends[r] = pos
    return out, starts, ends
