"""Compiled loops of :mod:`downline.adoption` (numba): edge swaps for the structure test.

Exposure and threshold loops are graph operations and live in :mod:`downline.graph`.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def swap_edges(src, dst, n, first, second):
    """Degree-preserving swaps in place: ``a->b, c->d`` becomes ``a->d, c->b``.

    ``first[k], second[k]`` are the edge positions tried at attempt ``k`` (drawn by the
    caller from its seeded generator). A swap that would create a self-tie or repeat an
    existing tie is skipped. Returns the swaps made.
    """
    m = src.shape[0]
    if m < 2:
        return 0
    # a typed dict, not a set: numba's set can loop forever after many deletions
    present = {src[0] * n + dst[0]: True}
    for e in range(m):
        present[src[e] * n + dst[e]] = True
    done = 0
    for k in range(first.shape[0]):
        e1 = first[k]
        e2 = second[k]
        if e1 == e2:
            continue
        a, b, c, d = src[e1], dst[e1], src[e2], dst[e2]
        if a == d or c == b:
            continue
        k1 = a * n + d
        k2 = c * n + b
        if k1 in present or k2 in present:
            continue
        present.pop(a * n + b)
        present.pop(c * n + d)
        present[k1] = True
        present[k2] = True
        dst[e1] = d
        dst[e2] = b
        done += 1
    return done
