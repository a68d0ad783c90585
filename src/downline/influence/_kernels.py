"""Compiled kernels of influence maximization: RR-set sampling and max coverage.

Everything here works on flat NumPy arrays of dense node indices. A collection of
reverse-reachable (RR) sets is two arrays: ``offsets`` (int64, one more than the number of
sets) and ``members`` (int32); set ``r`` is ``members[offsets[r]:offsets[r+1]]`` and holds
distinct nodes, its root first. The Python around these kernels
(:mod:`downline.influence.rrsets`, :mod:`downline.influence.imm`) deals with streams,
chunks, labels and error messages.

Randomness comes from the SplitMix64 generator of :mod:`downline.common._rng_kernels`,
whose 64-bit state is passed in and handed back, so that a chunk of RR sets is a pure
function of (graph, model, count, state): the same on any worker, thread or machine.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from downline.common._rng_kernels import next_double

RNG_KERNELS_DIGEST = "d20371a7bc05060f"
"""The :data:`downline.common._rng_kernels.DIGEST` these kernels were compiled against."""


@njit(cache=True)
def _grow(members, used):
    bigger = np.empty(max(2 * members.shape[0], 1024), dtype=np.int32)
    bigger[:used] = members[:used]
    return bigger


@njit(cache=True)
def uniform_in_logq(rindptr, rprobs, n):
    """``log(1 - p)`` of every node whose in-edges share one probability ``p``, else NaN.

    Weighted cascade, uniform and most real weightings give many such nodes; the IC
    sampler then jumps from live edge to live edge by geometric skips instead of drawing
    one number per in-edge (the idea of SUBSIM, Guo et al. 2020).
    """
    logq = np.full(n, np.nan)
    for v in range(n):
        a = rindptr[v]
        b = rindptr[v + 1]
        if b == a:
            logq[v] = 0.0
            continue
        p = rprobs[a]
        same = True
        for e in range(a + 1, b):
            if rprobs[e] != p:
                same = False
                break
        if same:
            if p >= 1.0:
                logq[v] = -np.inf
            elif p <= 0.0:
                logq[v] = 0.0
            else:
                logq[v] = np.log1p(-np.float64(p))
    return logq


@njit(cache=True)
def sort_in_edges(rindptr, rindices, rprobs, logq, n):
    """Copies of the reverse CSR's sources and probabilities in which the in-edges of
    every node with unequal probabilities (``logq`` NaN) run by decreasing probability,
    as :func:`sample_ic` needs; other nodes keep their order."""
    indices = rindices.copy()
    probs = rprobs.copy()
    for v in range(n):
        if logq[v] == logq[v]:
            continue
        a = rindptr[v]
        b = rindptr[v + 1]
        order = np.argsort(-rprobs[a:b], kind="mergesort")
        for j in range(b - a):
            indices[a + j] = rindices[a + order[j]]
            probs[a + j] = rprobs[a + order[j]]
    return indices, probs


@njit(cache=True, nogil=True)
def sample_ic(rindptr, rindices, rprobs, logq, n, count, state0):
    """Sample ``count`` RR sets under independent cascade (:func:`sample_ic_until`
    with no node that stops a set)."""
    return sample_ic_until(rindptr, rindices, rprobs, logq, n, count, state0,
                           np.zeros(0, dtype=np.bool_))


@njit(cache=True, nogil=True)
def sample_ic_until(rindptr, rindices, rprobs, logq, n, count, state0, stop):
    """Sample ``count`` RR sets under independent cascade, by subset sampling.

    A uniformly random root, then a breadth-first walk over in-edges where each edge
    ``(u, v)`` is live with its probability; every node reached is in the set. No edge
    is tested one by one (SUBSIM, Guo et al. 2020). For a node whose in-edges share one
    probability ``p`` (``logq[v] = log(1 - p)``, see :func:`uniform_in_logq`; weighted
    cascade, uniform) the gaps between live edges are geometric. Otherwise the in-edges
    must run by decreasing probability (:func:`sort_in_edges`): from edge ``e`` the walk
    jumps a geometric gap of parameter ``p_e`` (the largest probability left) and keeps
    the edge it lands on with probability ``p_j / p_e``, so every edge is live with its
    own probability, independently, and the draws track the expected number of live
    edges rather than the degree.

    ``stop`` is a boolean mask of the nodes (a sentinel set, HIST) at which a set stops
    as soon as it reaches one: that set is then stored as that node alone, since every
    seed set containing the sentinels covers it anyway; a set that reaches none is the
    full RR set. An empty ``stop`` stops nowhere and draws exactly :func:`sample_ic`.

    Returns
    -------
    offsets : int64 array (count + 1,)
    members : int32 array
    state : uint64, the generator state after the last draw
    """
    state = np.uint64(state0)
    stops = stop.shape[0] > 0
    offsets = np.empty(count + 1, dtype=np.int64)
    offsets[0] = 0
    members = np.empty(max(4 * count, 1024), dtype=np.int32)
    mark = np.full(n, -1, dtype=np.int32)
    pos = 0
    for r in range(count):
        state, x = next_double(state)
        root = min(int(x * n), n - 1)
        if pos >= members.shape[0]:
            members = _grow(members, pos)
        members[pos] = root
        mark[root] = r
        first = pos
        head = pos
        pos += 1
        hit = -1
        if stops and stop[root]:
            hit = root
        while head < pos and hit < 0:
            v = members[head]
            head += 1
            start = rindptr[v]
            end = rindptr[v + 1]
            lq = logq[v]
            if lq != lq:
                e = start
                while e < end:
                    top = rprobs[e]
                    if top <= 0.0:
                        break
                    if top < 1.0:
                        state, x = next_double(state)
                        gap = np.floor(np.log(1.0 - x) / np.log1p(-np.float64(top)))
                        if gap >= end - e:
                            break
                        e += int(gap)
                        if rprobs[e] < top:
                            state, x = next_double(state)
                            if x * top >= rprobs[e]:
                                e += 1
                                continue
                    u = rindices[e]
                    e += 1
                    if mark[u] != r:
                        mark[u] = r
                        if pos >= members.shape[0]:
                            members = _grow(members, pos)
                        members[pos] = u
                        pos += 1
                        if stops and stop[u]:
                            hit = u
                            break
                continue
            if lq == 0.0:
                continue
            e = start - 1
            while True:
                if lq == -np.inf:
                    e += 1
                else:
                    state, x = next_double(state)
                    gap = np.floor(np.log(1.0 - x) / lq)
                    if gap >= end - e - 1:
                        break
                    e += 1 + int(gap)
                if e >= end:
                    break
                u = rindices[e]
                if mark[u] != r:
                    mark[u] = r
                    if pos >= members.shape[0]:
                        members = _grow(members, pos)
                    members[pos] = u
                    pos += 1
                    if stops and stop[u]:
                        hit = u
                        break
        if hit >= 0:
            members[first] = hit
            pos = first + 1
        offsets[r + 1] = pos
    return offsets, members[:pos].copy(), state


@njit(cache=True, nogil=True)
def sample_lt(rindptr, rindices, rprobs, n, count, state0):
    """Sample ``count`` RR sets under the linear threshold model (:func:`sample_lt_until`
    with no node that stops a set)."""
    return sample_lt_until(rindptr, rindices, rprobs, n, count, state0,
                           np.zeros(0, dtype=np.bool_))


@njit(cache=True, nogil=True)
def sample_lt_until(rindptr, rindices, rprobs, n, count, state0, stop):
    """Sample ``count`` RR sets under the linear threshold model.

    Under LT an RR set is a reverse random walk: from the current node ``v`` step to
    in-neighbour ``u`` with probability ``w(u, v)`` (stop with the rest), until the
    walk stops or returns to a node already in the set (Kempe et al. 2003's live-edge
    view). A walk that reaches a node of ``stop`` ends there and the set is stored as
    that node alone (as in :func:`sample_ic_until`). Returns the same triple as
    :func:`sample_ic`.
    """
    state = np.uint64(state0)
    stops = stop.shape[0] > 0
    offsets = np.empty(count + 1, dtype=np.int64)
    offsets[0] = 0
    members = np.empty(max(4 * count, 1024), dtype=np.int32)
    mark = np.full(n, -1, dtype=np.int32)
    pos = 0
    for r in range(count):
        state, x = next_double(state)
        v = min(int(x * n), n - 1)
        if pos >= members.shape[0]:
            members = _grow(members, pos)
        members[pos] = v
        mark[v] = r
        first = pos
        pos += 1
        while not (stops and stop[v]):
            state, x = next_double(state)
            acc = 0.0
            chosen = -1
            for e in range(rindptr[v], rindptr[v + 1]):
                acc += rprobs[e]
                if x < acc:
                    chosen = rindices[e]
                    break
            if chosen < 0 or mark[chosen] == r:
                break
            mark[chosen] = r
            if pos >= members.shape[0]:
                members = _grow(members, pos)
            members[pos] = chosen
            pos += 1
            v = chosen
        if stops and stop[v]:
            members[first] = v
            pos = first + 1
        offsets[r + 1] = pos
    return offsets, members[:pos].copy(), state


@njit(cache=True, nogil=True)
def invert(offsets, members, n):
    """The inverted index node -> RR-set ids, in CSR form ``(iptr int64, ids int32)``."""
    num = offsets.shape[0] - 1
    iptr = np.zeros(n + 1, dtype=np.int64)
    for j in range(members.shape[0]):
        iptr[members[j] + 1] += 1
    for v in range(n):
        iptr[v + 1] += iptr[v]
    fill = iptr[:-1].copy()
    ids = np.empty(members.shape[0], dtype=np.int32)
    for r in range(num):
        for j in range(offsets[r], offsets[r + 1]):
            v = members[j]
            ids[fill[v]] = r
            fill[v] += 1
    return iptr, ids


# -- a binary max-heap of int64 keys (coverage << 32 | tie-break) ---------------------
@njit(cache=True, inline="always")
def _heap_push(heap, size, key):
    i = size
    heap[i] = key
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] >= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True, inline="always")
def _heap_pop(heap, size):
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    _sift_down(heap, size, 0)
    return top, size


_LOW31 = 0x7FFFFFFF


@njit(cache=True, inline="always")
def _sift_down(heap, size, i):
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] > heap[left]:
            child = left + 1
        if heap[i] >= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child


_BLOCK = 6  # counts are histogrammed in blocks of 2**6 values to skip empty stretches


@njit(cache=True)
def _top_k_sum(hist, blocks, top_block, k):
    """Sum of the ``k`` largest counts, read from their histogram top down.

    ``hist[c]`` is the number of nodes whose count is ``c`` and ``blocks[b]`` the number
    whose count lies in block ``b`` (values ``b * 64 .. b * 64 + 63``), so empty
    stretches are skipped 64 values at a time and at most ``k`` non-empty blocks are
    read value by value: the exact top-k sum, as sorting all counts would give.
    """
    need = k
    total = 0
    b = top_block
    while b >= 0 and need > 0:
        if blocks[b] > 0:
            c = min((b << _BLOCK) + (1 << _BLOCK) - 1, hist.shape[0] - 1)
            low = b << _BLOCK
            while c >= low and need > 0:
                h = hist[c]
                if h > 0:
                    take = min(h, need)
                    total += take * c
                    need -= take
                c -= 1
        b -= 1
    return total


@njit(cache=True, nogil=True)
def greedy_max_coverage(offsets, members, iptr, ids, n, k, want_bound):
    """Greedy maximum coverage of RR sets with lazy evaluation (see
    :func:`greedy_max_coverage_from`, with no seed fixed in advance)."""
    return greedy_max_coverage_from(offsets, members, iptr, ids, n, k,
                                    np.zeros(0, dtype=np.int32), want_bound)


@njit(cache=True, nogil=True)
def greedy_max_coverage_from(offsets, members, iptr, ids, n, k, forced, want_bound):
    """Greedy maximum coverage of RR sets with lazy evaluation, after ``forced`` seeds.

    Marginal coverages are kept exact (selecting a node decrements the counts of every
    member of the sets it newly covers); a max-heap holds possibly stale counts and a
    popped node is only re-queued when its count has dropped since it was pushed (CELF's
    lazy evaluation, Leskovec et al. 2007). Ties go to the smaller index.

    With ``want_bound`` it also returns OPIM-C's upper bound on the best coverage of any
    ``k`` nodes: the minimum over iterations ``i`` of ``cov(S_i)`` plus the ``k`` largest
    marginal coverages (Tang et al. 2018); otherwise ``cov(S_k) / (1 - 1/e)``. The ``k``
    largest are read off a histogram of the counts kept up to date with them
    (:func:`_top_k_sum`), not by sorting all ``n`` counts every round, which made this
    kernel ten to thirty times slower on large graphs.

    The first ``len(forced)`` seeds are ``forced`` (HIST's sentinel set) and greedy
    chooses the rest; the bound is then the minimum over iterations ``i >=
    len(forced)`` only, whose seed sets contain ``forced``: the sets sampled with
    ``forced`` as stopping nodes (:func:`sample_ic_until`) give those sets their true
    coverage, not smaller ones.

    Returns
    -------
    seeds : int32 array (k,)
    gains : int64 array (k,), marginal coverage of each seed in order
    covered : int64, sets covered by the seeds
    bound : float64, upper bound on the coverage of an optimal k-set
    """
    num = offsets.shape[0] - 1
    cov = np.empty(n, dtype=np.int64)
    for v in range(n):
        cov[v] = iptr[v + 1] - iptr[v]
    done = np.zeros(num, dtype=np.bool_)
    chosen = np.zeros(n, dtype=np.bool_)
    heap = np.empty(n + 1, dtype=np.int64)
    size = 0
    for v in range(n):
        if cov[v] > 0:
            heap[size] = (cov[v] << 32) | (_LOW31 - v)
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(heap, size, i)
    top = 0
    for v in range(n):
        top = max(top, cov[v])
    hist = np.zeros(top + 1 if want_bound else 1, dtype=np.int64)
    blocks = np.zeros((top >> _BLOCK) + 1 if want_bound else 1, dtype=np.int64)
    if want_bound:
        for v in range(n):
            hist[cov[v]] += 1
            blocks[cov[v] >> _BLOCK] += 1
    top_block = top >> _BLOCK
    seeds = np.empty(k, dtype=np.int32)
    gains = np.zeros(k, dtype=np.int64)
    total = 0
    bound = np.inf
    nf = forced.shape[0]
    for i in range(k):
        if want_bound and i >= nf:
            while top_block > 0 and blocks[top_block] == 0:
                top_block -= 1
            bound = min(bound, float(total + _top_k_sum(hist, blocks, top_block, k)))
        pick = -1
        if i < nf:
            pick = forced[i]
        while size > 0 and pick < 0:
            key, size = _heap_pop(heap, size)
            v = _LOW31 - (key & 0xFFFFFFFF)
            if chosen[v]:
                continue
            if (key >> 32) == cov[v]:
                pick = v
                break
            if cov[v] > 0:
                size = _heap_push(heap, size, (cov[v] << 32) | (_LOW31 - v))
        if pick < 0:
            # Every RR set is covered: the remaining seeds add nothing; take the
            # smallest unchosen indices so that the answer still has k seeds.
            for v in range(n):
                if not chosen[v]:
                    pick = v
                    break
        seeds[i] = pick
        chosen[pick] = True
        gain = 0
        for j in range(iptr[pick], iptr[pick + 1]):
            r = ids[j]
            if done[r]:
                continue
            done[r] = True
            gain += 1
            if want_bound:
                for q in range(offsets[r], offsets[r + 1]):
                    u = members[q]
                    c = cov[u]
                    cov[u] = c - 1
                    hist[c] -= 1
                    hist[c - 1] += 1
                    if (c & ((1 << _BLOCK) - 1)) == 0:
                        blocks[c >> _BLOCK] -= 1
                        blocks[(c - 1) >> _BLOCK] += 1
            else:
                for q in range(offsets[r], offsets[r + 1]):
                    cov[members[q]] -= 1
        gains[i] = gain
        total += gain
    if want_bound:
        while top_block > 0 and blocks[top_block] == 0:
            top_block -= 1
        bound = min(bound, float(total + _top_k_sum(hist, blocks, top_block, k)))
    else:
        bound = total / (1.0 - np.exp(-1.0))
    return seeds, gains, total, bound


@njit(cache=True, nogil=True)
def ordered_coverage(offsets, members, seeds, n):
    """Marginal coverage of ``seeds`` taken in order, on a collection of RR sets.

    Each set is credited to the earliest seed it contains, so the gains sum to the
    coverage of the whole seed set.
    """
    k = seeds.shape[0]
    rank = np.full(n, k, dtype=np.int64)
    for i in range(k - 1, -1, -1):
        rank[seeds[i]] = i
    gains = np.zeros(k, dtype=np.int64)
    num = offsets.shape[0] - 1
    for r in range(num):
        best = k
        for j in range(offsets[r], offsets[r + 1]):
            q = rank[members[j]]
            if q < best:
                best = q
        if best < k:
            gains[best] += 1
    return gains


@njit(cache=True, nogil=True)
def reach_counts(indptr, indices, sources, n):
    """Number of nodes reachable from each source along out-edges, itself included."""
    out = np.empty(sources.shape[0], dtype=np.int64)
    mark = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    for s in range(sources.shape[0]):
        root = sources[s]
        mark[root] = s
        queue[0] = root
        head = 0
        tail = 1
        while head < tail:
            v = queue[head]
            head += 1
            for e in range(indptr[v], indptr[v + 1]):
                u = indices[e]
                if mark[u] != s:
                    mark[u] = s
                    queue[tail] = u
                    tail += 1
        out[s] = tail
    return out


@njit(cache=True)
def core_numbers(indptr, indices, n):
    """Core number of every node of an undirected graph given as a symmetric CSR.

    Batagelj & Zaversnik's O(m) bucket algorithm.
    """
    deg = np.empty(n, dtype=np.int64)
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
    maxdeg = 0
    for v in range(n):
        maxdeg = max(maxdeg, deg[v])
    bin_start = np.zeros(maxdeg + 2, dtype=np.int64)
    for v in range(n):
        bin_start[deg[v] + 1] += 1
    for d in range(maxdeg + 1):
        bin_start[d + 1] += bin_start[d]
    pos = np.empty(n, dtype=np.int64)
    vert = np.empty(n, dtype=np.int64)
    fill = bin_start.copy()
    for v in range(n):
        pos[v] = fill[deg[v]]
        vert[pos[v]] = v
        fill[deg[v]] += 1
    for i in range(n):
        v = vert[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if deg[u] > deg[v]:
                du = deg[u]
                pu = pos[u]
                pw = bin_start[du]
                w = vert[pw]
                if u != w:
                    pos[u] = pw
                    vert[pu] = w
                    pos[w] = pu
                    vert[pw] = u
                bin_start[du] += 1
                deg[u] -= 1
    return deg


@njit(cache=True, nogil=True)
def add_counts(members, counts):
    """``counts[v] += 1`` for every ``v`` in ``members`` (a bincount without the GIL)."""
    for v in members:
        counts[v] += 1


@njit(cache=True, nogil=True)
def uncovered_counts(offsets, members, chosen, n):
    """For each node, how many sets contain it and no chosen node (one greedy round on a
    block of RR sets kept elsewhere); also the number of sets the chosen nodes cover."""
    counts = np.zeros(n, dtype=np.int64)
    covered = 0
    for r in range(offsets.shape[0] - 1):
        hit = False
        for j in range(offsets[r], offsets[r + 1]):
            if chosen[members[j]]:
                hit = True
                break
        if hit:
            covered += 1
            continue
        for j in range(offsets[r], offsets[r + 1]):
            counts[members[j]] += 1
    return counts, covered
