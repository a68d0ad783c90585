"""Compiled loops over sponsor trees (numba).

Everything here works on flat NumPy arrays: ``parent`` (int32, -1 for roots), the children
in CSR form (``offsets`` int64, ``children`` int32) and the pre-order ``order`` (int32).
The Python around these kernels lives in :mod:`downline.genealogy.tree` and
:mod:`downline.genealogy.generate`; nothing here validates its input.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "euler_tour",
    "find_cycles",
    "grow_tree",
    "subtree_aggregates",
    "subtree_sum",
]


@njit(cache=True)
def euler_tour(
    roots: np.ndarray, offsets: np.ndarray, children: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pre-order walk of a forest from ``roots``.

    Returns ``order`` (members in pre-order; only the first ``count`` entries are set),
    ``tin`` (position of each member in ``order``, -1 when unreachable), ``depth``
    (0 for roots, -1 when unreachable) and ``count``, the number of members reached.
    Members not reached sit on a cycle or hang below one.
    """
    order = np.empty(n, dtype=np.int32)
    tin = np.full(n, -1, dtype=np.int32)
    depth = np.full(n, -1, dtype=np.int32)
    stack = np.empty(n, dtype=np.int32)
    count = 0
    for r in range(roots.shape[0]):
        top = 0
        stack[0] = roots[r]
        depth[roots[r]] = 0
        top = 1
        while top > 0:
            top -= 1
            v = stack[top]
            tin[v] = count
            order[count] = v
            count += 1
            # Push children in reverse so that they come out in their stored order.
            for k in range(offsets[v + 1] - 1, offsets[v] - 1, -1):
                c = children[k]
                depth[c] = depth[v] + 1
                stack[top] = c
                top += 1
    return order, tin, depth, count


@njit(cache=True)
def subtree_aggregates(
    order: np.ndarray, parent: np.ndarray, depth: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Subtree size (the member included) and deepest level below each member.

    ``height[v]`` is the number of levels under ``v`` (0 for a member with no recruits).
    """
    n = order.shape[0]
    size = np.ones(n, dtype=np.int32)
    height = np.zeros(n, dtype=np.int32)
    for i in range(n - 1, -1, -1):
        v = order[i]
        p = parent[v]
        if p >= 0:
            size[p] += size[v]
            if height[v] + 1 > height[p]:
                height[p] = height[v] + 1
    return size, height


@njit(cache=True)
def subtree_sum(order: np.ndarray, parent: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each member's own value plus the values of their whole downline."""
    total = values.astype(np.float64)
    for i in range(order.shape[0] - 1, -1, -1):
        v = order[i]
        p = parent[v]
        if p >= 0:
            total[p] += total[v]
    return total


@njit(cache=True)
def find_cycles(parent: np.ndarray, unreached: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every sponsor cycle among the ``unreached`` members (those no root reaches).

    Walking up from an unreached member never ends at a root, so it ends on a cycle.
    Returns the cycle members flat (``members``) with CSR ``offsets``; each cycle is in
    upline order: every member is sponsored by the next one, and the last by the first.
    Each member is walked once, so the cost is linear.
    """
    n = parent.shape[0]
    state = np.zeros(n, dtype=np.int8)  # 0 new, 1 on the current walk, 2 done
    path = np.empty(n, dtype=np.int32)
    members = np.empty(n, dtype=np.int32)
    offsets = np.zeros(n + 1, dtype=np.int64)
    n_cycles = 0
    filled = 0
    for start in range(n):
        if not unreached[start] or state[start] != 0:
            continue
        length = 0
        v = start
        while state[v] == 0:
            state[v] = 1
            path[length] = v
            length += 1
            v = parent[v]
        if state[v] == 1:
            k = 0
            while path[k] != v:
                k += 1
            for j in range(k, length):
                members[filled] = path[j]
                filled += 1
            n_cycles += 1
            offsets[n_cycles] = filled
        for j in range(length):
            state[path[j]] = 2
    return members[:filled].copy(), offsets[: n_cycles + 1].copy()


@njit(cache=True)
def _fenwick_add(tree: np.ndarray, i: int, delta: float) -> None:
    j = i + 1
    n = tree.shape[0] - 1
    while j <= n:
        tree[j] += delta
        j += j & -j


@njit(cache=True)
def _fenwick_find(tree: np.ndarray, target: float) -> int:
    """Smallest 0-based index whose prefix sum exceeds ``target``."""
    n = tree.shape[0] - 1
    pos = 0
    step = 1
    while step * 2 <= n:
        step *= 2
    while step > 0:
        nxt = pos + step
        if nxt <= n and tree[nxt] <= target:
            pos = nxt
            target -= tree[nxt]
        step //= 2
    if pos >= n:
        pos = n - 1
    return pos


@njit(cache=True)
def grow_tree(
    joined: np.ndarray,
    left: np.ndarray,
    n_roots: int,
    uniforms: np.ndarray,
) -> np.ndarray:
    """Preferential-attachment recruiting in join order.

    Members are numbered in join order (``joined`` sorted, in days). The first ``n_roots``
    are roots; each later member ``i`` is recruited by an earlier member who is still
    active on ``joined[i]`` (``left`` in days, or a huge value when they never leave),
    chosen with probability proportional to (their recruits so far + 1). ``uniforms``
    holds one U(0, 1) draw per member. Returns the parent array (-1 for roots).
    """
    n = joined.shape[0]
    parent = np.full(n, -1, dtype=np.int32)
    weight = np.zeros(n, dtype=np.float64)
    tree = np.zeros(n + 1, dtype=np.float64)
    active = np.zeros(n, dtype=np.bool_)
    # Leave events in time order, applied lazily before each join.
    leave_order = np.argsort(left, kind="mergesort")
    next_leave = 0
    total = 0.0
    for i in range(n):
        t = joined[i]
        while next_leave < n and left[leave_order[next_leave]] <= t:
            j = leave_order[next_leave]
            if active[j]:
                _fenwick_add(tree, j, -weight[j])
                total -= weight[j]
                active[j] = False
            next_leave += 1
        if i >= n_roots and total > 0.5:
            s = _fenwick_find(tree, uniforms[i] * total)
            # Guard against rounding drift picking a zero-weight slot.
            while s > 0 and not active[s]:
                s -= 1
            parent[i] = s
            weight[s] += 1.0
            _fenwick_add(tree, s, 1.0)
            total += 1.0
        if left[i] > t:
            weight[i] = 1.0
            active[i] = True
            _fenwick_add(tree, i, 1.0)
            total += 1.0
    return parent
