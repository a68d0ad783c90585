"""RR-set sampling, the greedy coverage kernel and per-person reach on small graphs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.graph import Graph
from downline.influence import RRSets, _kernels, reach, sample_chunk
from downline.influence.rrsets import CHUNK_SIZE


def _python_greedy(sets: list[set[int]], n: int, k: int) -> tuple[list[int], list[int]]:
    covered = [False] * len(sets)
    chosen: list[int] = []
    gains: list[int] = []
    for _ in range(k):
        best, best_gain = -1, -1
        for v in range(n):
            if v in chosen:
                continue
            g = sum(1 for r, s in enumerate(sets) if not covered[r] and v in s)
            if g > best_gain:
                best, best_gain = v, g
        chosen.append(best)
        gains.append(best_gain)
        for r, s in enumerate(sets):
            if best in s:
                covered[r] = True
    return chosen, gains


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.sets(st.integers(0, n - 1), min_size=1, max_size=n), max_size=40),
            st.integers(1, n),
        )
    )
)
def test_greedy_kernel_matches_plain_greedy(case) -> None:
    n, sets, k = case
    members = np.array([v for s in sets for v in sorted(s)], dtype=np.int32)
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    iptr, ids = _kernels.invert(offsets, members, n)
    seeds, gains, covered, bound = _kernels.greedy_max_coverage(
        offsets, members, iptr, ids, n, k, True
    )
    expect_seeds, expect_gains = _python_greedy(sets, n, k)
    assert gains.tolist() == expect_gains
    assert seeds.tolist() == expect_seeds
    assert covered == sum(expect_gains)
    # The bound is an upper bound on the best k-cover (checked by brute force when small).
    assert bound >= covered
    order = _kernels.ordered_coverage(offsets, members, seeds, n)
    assert order.tolist() == expect_gains


@pytest.fixture(scope="module")
def chain() -> Graph:
    # a -> b -> c -> d with probability 0.5, and e -> d with probability 1.
    return Graph.from_edges(["a", "b", "c", "e"], ["b", "c", "d", "d"], probs=[0.5, 0.5, 0.5, 1.0])


def test_rr_sets_are_distinct_reverse_reachable_nodes(chain: Graph) -> None:
    offsets, members = sample_chunk(chain, "ic", entropy=1, stream=0, index=0, count=500)
    assert offsets.dtype == np.int64 and members.dtype == np.int32
    assert offsets.shape == (501,)
    r = chain.reverse
    for i in range(500):
        s = members[offsets[i] : offsets[i + 1]].tolist()
        assert len(s) == len(set(s)) >= 1
        # every member but the root has an out-neighbour inside the set
        for v in s[1:]:
            outs = chain.indices[chain.indptr[v] : chain.indptr[v + 1]].tolist()
            assert set(outs) & set(s)
    # d's in-edge from e has probability 1: every set rooted at d holds e.
    d, e = chain.index_of(["d", "e"])
    for i in range(500):
        s = members[offsets[i] : offsets[i + 1]]
        if s[0] == d:
            assert e in s
    assert r.indptr.shape == (chain.n + 1,)


def test_chunks_are_pure_functions_of_their_index(chain: Graph) -> None:
    a = sample_chunk(chain, "ic", entropy=3, stream=1, index=4)
    b = sample_chunk(chain, "ic", entropy=3, stream=1, index=4)
    c = sample_chunk(chain, "ic", entropy=3, stream=1, index=5)
    assert np.array_equal(a[1], b[1]) and np.array_equal(a[0], b[0])
    assert not np.array_equal(a[1], c[1])


def test_collection_grows_in_whole_chunks(chain: Graph) -> None:
    one = RRSets(chain, "ic", entropy=9, threads=1)
    one.extend_to(10)
    assert len(one) == CHUNK_SIZE
    one.extend_to(3 * CHUNK_SIZE)
    two = RRSets(chain, "ic", entropy=9, threads=2)
    two.extend_to(3 * CHUNK_SIZE)
    assert np.array_equal(one.offsets, two.offsets)
    assert np.array_equal(one.members, two.members)
    assert one.offsets[-1] == one.stored_ids() == one.members.shape[0]


def test_non_uniform_in_probabilities_use_per_edge_draws() -> None:
    g = Graph.from_edges([0, 1], [2, 2], probs=[0.9, 0.1])
    logq = _kernels.uniform_in_logq(g.reverse.indptr, g.reverse.probs, g.n)
    assert np.isnan(logq[2]) and logq[0] == 0.0
    r = reach(g, rr_sets=200_000, seed=1)
    est = dict(zip(g.labels.tolist(), r.estimate.tolist(), strict=True))
    assert est[0] == pytest.approx(1.9, abs=0.02)
    assert est[1] == pytest.approx(1.1, abs=0.02)


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_reach_matches_exact_values_on_a_chain(chain: Graph, model: str) -> None:
    # Exact single-node spreads: IC and LT agree on a graph whose in-weights are one
    # edge per node but d (0.5 + 1.0 > 1 for LT, so LT uses WC weights instead).
    graph = chain if model == "ic" else chain.with_weights("wc")
    r = reach(graph, model=model, rr_sets=400_000, seed=2)
    est = dict(zip(graph.labels.tolist(), r.estimate.tolist(), strict=True))
    se = dict(zip(graph.labels.tolist(), r.stderr.tolist(), strict=True))
    if model == "ic":
        exact = {"a": 1.875, "b": 1.75, "c": 1.5, "d": 1.0, "e": 2.0}
    else:
        exact = {"a": 1 + 1 + 1 + 0.5, "b": 3 - 0.5, "c": 1.5, "d": 1.0, "e": 1.5}
    for node, value in exact.items():
        assert abs(est[node] - value) <= 4 * se[node] + 1e-9, (node, est[node], value)
    frame = r.top(2)
    assert list(frame.columns) == ["node", "reach", "stderr", "ci_low", "ci_high"]
    assert r.to_dict()["rr_sets"] == r.rr_sets


def test_reach_agrees_with_monte_carlo(nethept: Graph, mc) -> None:
    r = reach(nethept, seed=4)
    top = r.top(5)
    for node, est, se in zip(top["node"], top["reach"], top["stderr"], strict=True):
        mean, mc_se = mc(nethept, "ic", nethept.index_of([node]), runs=20_000, seed=1)
        assert abs(est - mean) <= 4 * np.hypot(se, mc_se), (node, est, mean)


@pytest.mark.parametrize("model", ["ic", "lt"])
@pytest.mark.parametrize("threads", [1, 3])
def test_reach_counts_the_same_sets_as_a_stored_collection(
    nethept: Graph, model: str, threads: int
) -> None:
    # reach streams its chunks and keeps only counts; they must be those of the
    # collection RRSets holds for the same entropy and stream, whatever the threads.
    theta = 10 * CHUNK_SIZE + 5  # not a whole number of chunks: rounds up to 11
    graph = nethept if model == "ic" else nethept.with_weights("wc")
    seen = []
    r = reach(graph, model=model, rr_sets=theta, seed=11, threads=threads,
              progress=lambda done, total: seen.append((done, total)))
    stored = RRSets(graph, model, entropy=11, stream=0, threads=1)
    stored.extend_to(theta)
    assert r.rr_sets == len(stored) == 11 * CHUNK_SIZE
    expected = graph.n * (stored.node_counts() / len(stored))
    assert np.array_equal(r.estimate, expected)
    assert seen[-1] == (11 * CHUNK_SIZE, 11 * CHUNK_SIZE)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
