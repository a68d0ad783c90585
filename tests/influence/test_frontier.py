"""The fast paths of influence maximization against plain references.

The greedy reads OPIM-C's top-k bound off its lazy heap instead of sorting every count
each round: it must give the same seeds, gains and bound as the sorting version. The
subset sampler of RR sets (in-edges sorted by probability, geometric jumps) must draw
the same distribution as testing every edge.
"""

from __future__ import annotations

import numpy as np
import pytest

from downline.graph import Graph
from downline.influence import RRSets, _kernels


def _sorting_greedy(offsets, members, iptr, ids, n, k):
    """Greedy max coverage that sorts all n counts every round (the old kernel's bound)."""
    cov = np.diff(iptr).astype(np.int64)
    done = np.zeros(offsets.shape[0] - 1, dtype=bool)
    chosen = np.zeros(n, dtype=bool)
    seeds, gains, total, bound = [], [], 0, np.inf
    for _ in range(k):
        bound = min(bound, total + int(np.sort(cov)[n - k:].sum()))
        v = int(np.argmax(np.where(chosen, -1, cov)))  # ties: smallest index
        sets = ids[iptr[v]:iptr[v + 1]]
        sets = sets[~done[sets]]
        done[sets] = True
        for r in sets:
            cov[members[offsets[r]:offsets[r + 1]]] -= 1
        chosen[v] = True
        seeds.append(v)
        gains.append(len(sets))
        total += len(sets)
    bound = min(bound, total + int(np.sort(cov)[n - k:].sum()))
    return seeds, gains, total, float(bound)


@pytest.mark.parametrize("k", [1, 7, 50])
@pytest.mark.parametrize("entropy", [0, 1, 2])
def test_heap_bound_greedy_equals_the_sorting_greedy(k: int, entropy: int) -> None:
    # A skewed random graph, so that counts tie and go stale often.
    rng = np.random.default_rng(entropy)
    n = 600
    src = (rng.pareto(1.2, 5000) * 10).astype(np.int64) % n
    dst = rng.integers(0, n, 5000)
    keep = src != dst
    g = Graph.from_edges(src[keep], dst[keep]).with_weights("wc")
    rr = RRSets(g, "ic", entropy=entropy, workers=1)
    rr.extend_to(3 * 4096)
    iptr, ids = rr.inverted_index()
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        rr.offsets, rr.members, iptr, ids, g.n, k, True
    )
    ref_seeds, ref_gains, ref_covered, ref_bound = _sorting_greedy(
        rr.offsets, rr.members, iptr, ids, g.n, k
    )
    assert seeds.tolist() == ref_seeds
    assert gains.tolist() == ref_gains
    assert covered == ref_covered
    assert bound == ref_bound


def test_heap_bound_greedy_when_everything_gets_covered() -> None:
    # Fewer useful nodes than k: the bound stops at the total and seeds are filled in.
    offsets = np.array([0, 2, 3, 5], dtype=np.int64)
    members = np.array([0, 1, 1, 2, 3], dtype=np.int32)
    iptr, ids = _kernels.invert(offsets, members, 6)
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        offsets, members, iptr, ids, 6, 4, True
    )
    ref = _sorting_greedy(offsets, members, iptr, ids, 6, 4)
    assert (seeds.tolist(), gains.tolist(), covered, bound) == (ref[0], ref[1], ref[2], ref[3])
