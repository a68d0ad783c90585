"""Compiled hot loops of the cascade engine: IC, LT and migration batches.

Every kernel runs a whole chunk of Monte Carlo runs over the CSR arrays of a graph. The
runs are split into blocks, one per thread (``numba.prange``); each block allocates its
work arrays once and reuses them across its runs by *stamping* (a node is active in run
``r`` when ``stamp[node] == r + 1``), so no run pays O(n) to reset.

Randomness: each run draws from its own SplitMix64 stream
(:mod:`downline.common._rng_kernels`), started from a hash of the chunk key and the run's
index in the chunk. A run's result therefore depends only on the chunk key and its index,
never on the number of threads or how runs fall into blocks.

Nothing here validates input; :mod:`downline.cascade.montecarlo` does.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from llvmlite.binding import llvm_version_info
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from downline.common._rng_kernels import (
    next_double,
    next_double_open,
    next_geometric,
    stream_start,
)

RNG_KERNELS_DIGEST = "d20371a7bc05060f"
"""The :data:`downline.common._rng_kernels.DIGEST` these kernels were compiled against."""

_NEVER = np.int32(2**31 - 1)


@njit(cache=True)
def _block_bounds(runs: int, blocks: int, b: int) -> tuple[int, int]:
    return b * runs // blocks, (b + 1) * runs // blocks


# LLVM 15 made pointers opaque, which renamed the intrinsic's overload.
_PREFETCH = "llvm.prefetch.p0" if llvm_version_info >= (15,) else "llvm.prefetch.p0i8"


@intrinsic
def _prefetch(typingctx, array, index):  # type: ignore[no-untyped-def]
    """Hint the CPU to bring ``array[index]`` into cache; no effect on any result."""

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]],
                                       wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), _PREFETCH)
        # read, keep in all cache levels, data
        builder.call(fn, [builder.bitcast(ptr, i8p), ir.Constant(i32, 0), ir.Constant(i32, 3),
                          ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen


# The frontier loop prefetches the out-edges of the node this many places ahead in the
# queue: a node's row is a cache miss on graphs larger than the L2 cache, and the queue
# says which rows come next (1.5x on uniform IC over a 2M-arc graph).
PREFETCH_AHEAD = 8


# -- independent cascade --------------------------------------------------------------------

# A segment of the subset-sampling index closes before its survival would fall below this:
# the guide table of a segment is uniform in survival, so a bounded range keeps every cell
# to about one edge. An edge with ``1 - p`` below it is a segment alone (a coin).
SEGMENT_MIN_SURVIVAL = 0.1

# Longest segment (its guide table holds offsets as uint16).
SEGMENT_MAX_EDGES = 65535

# Survivals are stored as float32 rounded down; the exact one (in double) lies below
# ``stored * (1 + 2**-23)``. A draw at or above ``stored * SURVIVAL_SLACK`` is a success
# without reading the edge's probability.
SURVIVAL_SLACK = 1.0 + 2.0**-22


@njit(cache=True)
def _float32_at_or_below(x: float) -> np.float32:
    f = np.float32(x)
    if np.float64(f) > x:
        f = np.nextafter(f, np.float32(0.0))
    return f


@njit(cache=True)
def subset_index(
    indptr: np.ndarray, indices: np.ndarray, probs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
           np.ndarray]:
    """The per-graph index of IC subset sampling (see :func:`ic_batch`).

    Each node's out-edges are sorted by probability, highest first (stable), and cut into
    *segments*: runs of edges whose survival ``prod (1 - p)``, taken from the segment's
    first edge, stays at or above :data:`SEGMENT_MIN_SURVIVAL` (at most
    :data:`SEGMENT_MAX_EDGES` edges). Returns, per edge in that order, ``targets`` (int32),
    ``probs`` (float32) and ``surv`` (float32: the survival from the segment's first edge
    up to and including this one, each step ``fl(surv_prev * (1 - p))`` in double rounded
    down to float32) and ``guide`` (uint16: for cell ``c`` of the segment starting at
    ``a``, stored at ``a + c``, the offset of the first edge whose survival falls in cell
    ``c`` or below); per node ``seg_ptr`` (int64, n + 1: the node's segments); per segment
    ``seg_lo`` (int64, segments + 1: first edge; the last entry is m) and ``seg_f``
    (float64, (segments, 2): the segment's final survival and its cell scale
    ``cells / (1 - final)``, 0 when final is 1).
    """
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    targets = np.empty(m, dtype=np.int32)
    sorted_p = np.empty(m, dtype=np.float32)
    surv = np.empty(m, dtype=np.float32)
    guide = np.empty(m, dtype=np.uint16)
    starts = np.zeros(m, dtype=np.uint8)
    seg_ptr = np.zeros(n + 1, dtype=np.int64)
    segs = 0
    for u in range(n):
        lo = indptr[u]
        hi = indptr[u + 1]
        seg_ptr[u] = segs
        if hi == lo:
            continue
        perm = np.argsort(-probs[lo:hi], kind="mergesort")
        s = 1.0
        first = lo
        for i in range(hi - lo):
            t = lo + perm[i]
            p = probs[t]
            d = s * (1.0 - np.float64(p))
            if i == 0 or d < SEGMENT_MIN_SURVIVAL or lo + i - first >= SEGMENT_MAX_EDGES:
                first = lo + i
                starts[first] = 1
                segs += 1
                d = 1.0 - np.float64(p)
            f = _float32_at_or_below(d)
            s = np.float64(f)
            targets[lo + i] = indices[t]
            sorted_p[lo + i] = p
            surv[lo + i] = f
    seg_ptr[n] = segs
    seg_lo = np.empty(segs + 1, dtype=np.int64)
    g = 0
    for i in range(m):
        if starts[i]:
            seg_lo[g] = i
            g += 1
    seg_lo[segs] = m
    seg_f = np.empty((segs, 2), dtype=np.float64)
    for g in range(segs):
        a = seg_lo[g]
        cells = seg_lo[g + 1] - a
        final = np.float64(surv[a + cells - 1])
        seg_f[g, 0] = final
        scale = cells / (1.0 - final) if final < 1.0 else 0.0
        seg_f[g, 1] = scale
        # Cell c holds draws t with floor((1 - t) * scale) == c (the kernel's formula, so
        # the monotone rounding of the same operations keeps guide[c] <= the answer).
        c = 0
        for i in range(cells):
            cell = np.floor((1.0 - np.float64(surv[a + i])) * scale)
            while c < cells and c <= cell:
                guide[a + c] = i
                c += 1
        while c < cells:
            guide[a + c] = cells - 1
            c += 1
    return targets, sorted_p, surv, guide, seg_ptr, seg_lo, seg_f


def empty_subset_index() -> tuple[np.ndarray, ...]:
    """An index of no edges: tells :func:`ic_batch` to use the edge arrays instead."""
    return (np.empty(0, np.int32), np.empty(0, np.float32), np.empty(0, np.float32),
            np.empty(0, np.uint16), np.empty(0, np.int64), np.zeros(1, np.int64),
            np.empty((0, 2), np.float64))


@njit(cache=True, inline="always")
def _activate(v: int, stamp: np.ndarray, mark: np.int32, queue: np.ndarray, tail: int) -> int:
    if stamp[v] != mark:
        stamp[v] = mark
        queue[tail] = v
        tail += 1
    return tail


@njit(cache=True, inline="always")
def _expand_subset(
    u: int, index: tuple, state: np.uint64, stamp: np.ndarray, mark: np.int32,
    queue: np.ndarray, tail: int,
) -> tuple[np.uint64, int]:
    """Successful out-edges of ``u`` by inversion on each segment's survival."""
    targets, sorted_p, surv, guide, seg_ptr, seg_lo, seg_f = index
    for g in range(seg_ptr[u], seg_ptr[u + 1]):
        a = seg_lo[g]
        b = seg_lo[g + 1]
        final = seg_f[g, 0]
        scale = seg_f[g, 1]
        s0 = 1.0
        j = a
        while True:
            # t uniform on [0, s0): the next candidate is the first i >= j with
            # surv[i] <= t; none when t < final.
            state, x = next_double(state)
            t = x * s0
            if t < final:
                break
            c = np.int64((1.0 - t) * scale)
            if c >= b - a:
                c = b - a - 1
            i = a + np.int64(guide[a + c])
            if i < j:
                i = j
            while surv[i] > t:
                i += 1
            s0 = np.float64(surv[i])
            # Candidates come with the rounded-down survival's probability, at least p;
            # t is uniform on [surv[i], surv[i - 1]) and the edge is live when t is at or
            # above the exact surv[i - 1] * (1 - p) (thinning, exact).
            live = t >= s0 * SURVIVAL_SLACK
            if not live:
                before = np.float64(surv[i - 1]) if i > a else 1.0
                live = t >= before * (1.0 - np.float64(sorted_p[i]))
            if live:
                tail = _activate(targets[i], stamp, mark, queue, tail)
            j = i + 1
            if j >= b:
                break
    return state, tail


@njit(cache=True, inline="always")
def _expand_edges(
    u: int, indptr: np.ndarray, indices: np.ndarray, probs: np.ndarray, uniform_p: float,
    log1m: float, state: np.uint64, stamp: np.ndarray, mark: np.int32, queue: np.ndarray,
    tail: int,
) -> tuple[np.uint64, int]:
    """Successful out-edges of ``u`` from the edge arrays: all, geometric jumps or coins."""
    j = indptr[u]
    e = indptr[u + 1]
    if uniform_p >= 1.0:
        for t in range(j, e):
            tail = _activate(indices[t], stamp, mark, queue, tail)
    elif uniform_p > 0.0:
        while True:
            state, skip = next_geometric(state, log1m)
            if skip >= e - j:
                break
            j += np.int64(skip)
            tail = _activate(indices[j], stamp, mark, queue, tail)
            j += 1
    elif uniform_p < 0.0:
        for t in range(j, e):
            v = indices[t]
            if stamp[v] != mark:
                state, x = next_double(state)
                if x < probs[t]:
                    tail = _activate(v, stamp, mark, queue, tail)
    return state, tail


@njit(cache=True, parallel=True)
def ic_batch(
    indptr: np.ndarray,
    indices: np.ndarray,
    probs: np.ndarray,
    uniform_p: float,
    index: tuple,
    seeds: np.ndarray,
    key: np.uint64,
    runs: int,
    max_steps: int,
    blocks: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``runs`` independent-cascade simulations from ``seeds``.

    How a node's successful out-edges are drawn:

    * ``index`` from :func:`subset_index` (not :func:`empty_subset_index`): per-edge
      probabilities by subset sampling, one draw per candidate plus one per segment
      instead of one per edge. Within a segment, with ``t`` uniform on ``[0, s)`` (``s``
      the survival up to the last candidate), the next candidate is the first edge whose
      survival is at most ``t`` (inversion), found through the segment's guide table in
      about one step; ``t`` below the segment's final survival means no further success.
      Survivals are float32 rounded down, so a candidate is accepted when ``t`` clears
      the exact survival (thinning), which needs the edge's probability only within
      ``2**-22`` of the stored value. Every edge thus succeeds with its own probability,
      independently. This is subset sampling in the sense of Bringmann and Panagiotou
      (ICALP 2012), which SUBSIM (Guo et al., SIGMOD 2020) uses for RR sets; the guide
      table is Chen and Asau's (1974) index for inversion.
    * otherwise ``uniform_p >= 0`` says every edge has that probability: geometric
      skipping (one draw per success), or every edge when it is 1;
    * otherwise one coin per edge on ``probs``.

    ``max_steps < 0`` means until no node is newly active. Returns ``sizes`` (int64, per
    run), ``new_per_step`` (int64, shape (blocks, L): new activations per step summed over
    the block's runs; step 0 holds the seeds) and ``examined`` (int64 per block: out-edges
    of the active nodes, also those jumped over).
    """
    n = indptr.shape[0] - 1
    k = seeds.shape[0]
    subset = index[4].shape[0] == n + 1
    length = n + 1 if max_steps < 0 else min(n, max_steps) + 1
    sizes = np.zeros(runs, dtype=np.int64)
    new_per_step = np.zeros((blocks, length), dtype=np.int64)
    examined = np.zeros(blocks, dtype=np.int64)
    log1m = 0.0
    if uniform_p > 0.0 and uniform_p < 1.0:
        log1m = np.log1p(-uniform_p)
    for b in prange(blocks):
        lo, hi = _block_bounds(runs, blocks, b)
        stamp = np.zeros(n, dtype=np.int32)
        queue = np.empty(n, dtype=np.int32)
        counts = new_per_step[b]
        seen = np.int64(0)
        for r in range(lo, hi):
            mark = np.int32(r - lo + 1)
            state = stream_start(key, r)
            tail = 0
            for i in range(k):
                tail = _activate(seeds[i], stamp, mark, queue, tail)
            counts[0] += tail
            start = 0
            end = tail
            step = 0
            while start < end and (max_steps < 0 or step < max_steps):
                step += 1
                for q in range(start, end):
                    if q + PREFETCH_AHEAD < tail:
                        w = indptr[queue[q + PREFETCH_AHEAD]]
                        if subset:
                            _prefetch(index[3], w)
                            _prefetch(index[2], w)
                        else:
                            _prefetch(indices, w)
                    u = queue[q]
                    seen += indptr[u + 1] - indptr[u]
                    if subset:
                        state, tail = _expand_subset(u, index, state, stamp, mark, queue, tail)
                    else:
                        state, tail = _expand_edges(u, indptr, indices, probs, uniform_p, log1m,
                                                    state, stamp, mark, queue, tail)
                counts[step] += tail - end
                start = end
                end = tail
            sizes[r] = tail
        examined[b] = seen
    return sizes, new_per_step, examined


# -- linear threshold -----------------------------------------------------------------------


@njit(cache=True, parallel=True)
def lt_batch(
    indptr: np.ndarray,
    indices: np.ndarray,
    probs: np.ndarray,
    seeds: np.ndarray,
    key: np.uint64,
    runs: int,
    max_steps: int,
    blocks: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``runs`` linear-threshold simulations (Kempe et al. 2003) from ``seeds``.

    Edge weights are ``probs``; a node's threshold is drawn uniformly from (0, 1] the
    first time one of its in-neighbours becomes active. Same returns as :func:`ic_batch`.
    """
    n = indptr.shape[0] - 1
    k = seeds.shape[0]
    length = n + 1 if max_steps < 0 else min(n, max_steps) + 1
    sizes = np.zeros(runs, dtype=np.int64)
    new_per_step = np.zeros((blocks, length), dtype=np.int64)
    examined = np.zeros(blocks, dtype=np.int64)
    for b in prange(blocks):
        lo, hi = _block_bounds(runs, blocks, b)
        active = np.zeros(n, dtype=np.int32)
        touched = np.zeros(n, dtype=np.int32)
        weight = np.zeros(n, dtype=np.float64)
        threshold = np.zeros(n, dtype=np.float64)
        queue = np.empty(n, dtype=np.int32)
        counts = new_per_step[b]
        seen = np.int64(0)
        for r in range(lo, hi):
            mark = np.int32(r - lo + 1)
            state = stream_start(key, r)
            tail = 0
            for i in range(k):
                s = seeds[i]
                if active[s] != mark:
                    active[s] = mark
                    queue[tail] = s
                    tail += 1
            counts[0] += tail
            start = 0
            end = tail
            step = 0
            while start < end and (max_steps < 0 or step < max_steps):
                step += 1
                for q in range(start, end):
                    u = queue[q]
                    seen += indptr[u + 1] - indptr[u]
                    for t in range(indptr[u], indptr[u + 1]):
                        v = indices[t]
                        if active[v] == mark:
                            continue
                        if touched[v] != mark:
                            touched[v] = mark
                            state, x = next_double_open(state)
                            threshold[v] = x
                            weight[v] = 0.0
                        weight[v] += probs[t]
                        if weight[v] >= threshold[v]:
                            active[v] = mark
                            queue[tail] = v
                            tail += 1
                counts[step] += tail - end
                start = end
                end = tail
            sizes[r] = tail
        examined[b] = seen
    return sizes, new_per_step, examined


# -- the downline-migration model --------------------------------------------------------------

FOLLOW_CASCADE = 0
FOLLOW_THRESHOLD = 1

# Columns of the per-step event table of a migration run.
EV_MOVED = 0
EV_DROPPED_OLD = 1
EV_DROPPED_NEW = 2
EV_RECRUITED = 3
N_EVENTS = 4


@njit(cache=True)
def first_mover_territory(
    indptr: np.ndarray, indices: np.ndarray, seeds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-source BFS from the first movers.

    Returns ``owner`` (int32: position in ``seeds`` of the nearest first mover, ties to
    the earlier one; -1 when unreachable) and ``level`` (int32 distance, -1 unreachable).
    """
    n = indptr.shape[0] - 1
    owner = np.full(n, -1, dtype=np.int32)
    level = np.full(n, -1, dtype=np.int32)
    queue = np.empty(n, dtype=np.int32)
    tail = 0
    for i in range(seeds.shape[0]):
        s = seeds[i]
        if owner[s] < 0:
            owner[s] = i
            level[s] = 0
            queue[tail] = s
            tail += 1
    head = 0
    while head < tail:
        u = queue[head]
        head += 1
        for t in range(indptr[u], indptr[u + 1]):
            v = indices[t]
            if owner[v] < 0:
                owner[v] = owner[u]
                level[v] = level[u] + 1
                queue[tail] = v
                tail += 1
    return owner, level


@njit(cache=True, inline="always")
def _drop_time(state: np.uint64, log1m: float, first: int) -> tuple[np.uint64, np.int32]:
    """The step at whose end a member drops out, exposed from step ``first`` on."""
    if log1m == 0.0:
        return state, _NEVER
    if log1m == -np.inf:
        return state, np.int32(first)
    state, g = next_geometric(state, log1m)
    if g >= _NEVER - first:
        return state, _NEVER
    return state, np.int32(first + np.int64(g))


@njit(cache=True, parallel=True)
def migration_batch(
    indptr: np.ndarray,
    indices: np.ndarray,
    edge_p: np.ndarray,
    share_w: np.ndarray,
    owner: np.ndarray,
    level: np.ndarray,
    seeds: np.ndarray,
    follow: int,
    fixed_threshold: float,
    level_decay: float,
    attrition_old: float,
    attrition_new: float,
    backfill: float,
    steps: int,
    key: np.uint64,
    runs: int,
    blocks: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run ``runs`` simulations of the downline-migration model for ``steps`` steps.

    Step 0: the first movers ``seeds`` are on the new platform, everyone else on the old
    one. Each step t = 1..steps has three phases, in this order:

    1. following: an old-platform member moves by cascade (each member who moved at
       step t - 1 and is still on the new platform gets one chance per follower, with
       ``edge_p * level_decay ** (level - 1)``) or by threshold (the ``share_w``-weighted
       share of their followees who have moved reaches their threshold, and is > 0);
    2. attrition: old-platform members drop out with ``attrition_old``, new-platform
       members with ``attrition_new`` (drop-out times are drawn as geometric variables,
       which is the same as a coin per member per step);
    3. backfill: each new-platform member brings one newcomer with chance ``backfill``;
       a newcomer follows a mover still on the new platform chosen with weight
       1 + original followers + newcomers already attached, and counts in that mover's
       first mover's downline.

    ``fixed_threshold < 0`` draws each member's threshold uniformly from (0, 1] per run.

    Returns ``events`` (int64, (runs, steps + 1, 4): moved, dropped from old, dropped
    from new, recruited, per step), ``followed`` and ``refilled`` (int64, (runs, k):
    per first mover, members of their territory who moved, and members of their downline
    on the new platform at the end, newcomers included), ``final`` (int64, (runs, 3):
    members of the graph on the old platform, on the new platform and dropped out,
    counted node by node at the end) and ``newcomers`` (int64, (runs,): newcomers on the
    new platform at the end).
    """
    n = indptr.shape[0] - 1
    k = seeds.shape[0]
    events = np.zeros((runs, steps + 1, N_EVENTS), dtype=np.int64)
    followed = np.zeros((runs, k), dtype=np.int64)
    refilled = np.zeros((runs, k), dtype=np.int64)
    final = np.zeros((runs, 3), dtype=np.int64)
    newcomers = np.zeros(runs, dtype=np.int64)
    log_old = np.log1p(-attrition_old) if attrition_old < 1.0 else -np.inf
    log_new = np.log1p(-attrition_new) if attrition_new < 1.0 else -np.inf
    log_back = np.log1p(-backfill) if backfill < 1.0 else -np.inf
    for b in prange(blocks):
        lo, hi = _block_bounds(runs, blocks, b)
        moved = np.zeros(n, dtype=np.int32)  # stamp: moved in this run
        touched = np.zeros(n, dtype=np.int32)
        share = np.zeros(n, dtype=np.float64)
        threshold = np.zeros(n, dtype=np.float64)
        leave_old = np.empty(n, dtype=np.int32)
        leave_new = np.empty(n, dtype=np.int32)
        attached = np.zeros(n, dtype=np.int64)
        queue = np.empty(n, dtype=np.int32)
        cum = np.empty(n, dtype=np.float64)
        pool = np.empty(n, dtype=np.int32)
        # Newcomers on the new platform, by the step they leave it (steps + 1 = stay).
        newcomer_leave = np.zeros((steps + 2, k + 1), dtype=np.int64)
        for r in range(lo, hi):
            mark = np.int32(r - lo + 1)
            state = stream_start(key, r)
            ev = events[r]
            newcomer_leave[:, :] = 0
            if attrition_old > 0.0:
                for v in range(n):
                    state, when = _drop_time(state, log_old, 1)
                    leave_old[v] = when
            tail = 0
            for i in range(k):
                s = seeds[i]
                if moved[s] != mark:
                    moved[s] = mark
                    attached[s] = 0
                    state, when = _drop_time(state, log_new, 1)
                    leave_new[s] = when
                    queue[tail] = s
                    tail += 1
            ev[0, EV_MOVED] = tail
            on_new = tail
            start = 0
            end = tail
            n_newcomers = 0
            for step in range(1, steps + 1):
                # 1. following
                for q in range(start, end):
                    u = queue[q]
                    if follow == FOLLOW_CASCADE and leave_new[u] < step:
                        continue
                    for t in range(indptr[u], indptr[u + 1]):
                        v = indices[t]
                        if moved[v] == mark:
                            continue
                        if attrition_old > 0.0 and leave_old[v] < step:
                            continue
                        if follow == FOLLOW_CASCADE:
                            p = edge_p[t]
                            if level_decay != 1.0 and level[v] > 1:
                                p *= level_decay ** (level[v] - 1)
                            state, x = next_double(state)
                            go = x < p
                        else:
                            if touched[v] != mark:
                                touched[v] = mark
                                share[v] = 0.0
                                if fixed_threshold < 0.0:
                                    state, x = next_double_open(state)
                                    threshold[v] = x
                                else:
                                    threshold[v] = fixed_threshold
                            share[v] += share_w[t]
                            go = share[v] > 0.0 and share[v] >= threshold[v] - 1e-9
                        if go:
                            moved[v] = mark
                            attached[v] = 0
                            state, when = _drop_time(state, log_new, step)
                            leave_new[v] = when
                            queue[tail] = v
                            tail += 1
                new_moves = tail - end
                ev[step, EV_MOVED] = new_moves
                on_new += new_moves
                start = end
                end = tail
                # 2. attrition (times were drawn in advance; count the ones due now)
                dropped_new = 0
                for q in range(tail):
                    if leave_new[queue[q]] == step:
                        dropped_new += 1
                leaving = newcomer_leave[step].sum()
                n_newcomers -= leaving
                dropped_new += leaving
                ev[step, EV_DROPPED_NEW] = dropped_new
                on_new -= dropped_new
                # 3. backfill
                recruits = 0
                if backfill > 0.0 and on_new > 0:
                    pos = -1.0
                    while True:
                        if log_back == -np.inf:
                            g = 0.0
                        else:
                            state, g = next_geometric(state, log_back)
                        pos += 1.0 + g
                        if pos >= on_new:
                            break
                        recruits += 1
                if recruits > 0:
                    m = 0
                    total = 0.0
                    for q in range(tail):
                        u = queue[q]
                        if leave_new[u] > step:
                            total += 1.0 + (indptr[u + 1] - indptr[u]) + attached[u]
                            cum[m] = total
                            pool[m] = u
                            m += 1
                    for _ in range(recruits):
                        col = k
                        if m > 0:
                            state, x = next_double(state)
                            j = np.searchsorted(cum[:m], x * total, side="right")
                            if j >= m:
                                j = m - 1
                            u = pool[j]
                            attached[u] += 1
                            col = owner[u]
                        state, when = _drop_time(state, log_new, step + 1)
                        newcomer_leave[min(when, steps + 1), col] += 1
                    n_newcomers += recruits
                    on_new += recruits
                ev[step, EV_RECRUITED] = recruits
            # Final tallies, node by node.
            n_new = 0
            n_dropped = 0
            for q in range(tail):
                v = queue[q]
                j = owner[v]
                if q >= k:
                    followed[r, j] += 1
                if leave_new[v] > steps:
                    n_new += 1
                    if q >= k:
                        refilled[r, j] += 1
                else:
                    n_dropped += 1
            for j in range(k):
                refilled[r, j] += newcomer_leave[steps + 1, j]
            n_old = 0
            for v in range(n):
                if moved[v] != mark:
                    if attrition_old > 0.0 and leave_old[v] <= steps:
                        n_dropped += 1
                    else:
                        n_old += 1
            dropped_old = np.zeros(steps + 2, dtype=np.int64)
            if attrition_old > 0.0:
                for v in range(n):
                    if moved[v] != mark and leave_old[v] <= steps:
                        dropped_old[leave_old[v]] += 1
            for step in range(1, steps + 1):
                ev[step, EV_DROPPED_OLD] = dropped_old[step]
            final[r, 0] = n_old
            final[r, 1] = n_new
            final[r, 2] = n_dropped
            newcomers[r] = n_newcomers
    return events, followed, refilled, final, newcomers
