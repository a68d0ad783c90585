"""The CSR graph core: construction policies, labels, reverse CSR, networkx answers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.errors import GraphError, ParameterError
from downline.graph import Graph, from_networkx, read_graph, to_networkx


def test_dtypes_and_readonly_arrays():
    g = Graph.from_edges([3, 1, 1], [1, 2, 3])
    assert g.indptr.dtype == np.int64
    assert g.indices.dtype == np.int32
    assert g.probs.dtype == np.float32
    with pytest.raises(ValueError):
        g.indices[0] = 5
    # labels are sorted user ids, edges sorted by target within each row
    assert g.labels.tolist() == [1, 2, 3]
    assert g.successors(1) == [2, 3]
    assert g.successors(3) == [1]


def test_string_labels_any_order():
    g = Graph.from_edges(["zoe", "adam", "mia"], ["adam", "mia", "zoe"])
    assert g.labels.tolist() == ["adam", "mia", "zoe"]
    assert g.successors("zoe") == ["adam"]
    assert g.index_of(["mia", "adam"]).tolist() == [1, 0]


def test_index_of_names_missing_ids():
    g = Graph.from_edges([1, 2], [2, 3])
    with pytest.raises(GraphError, match=r"2 node id\(s\) not in graph.*7, 9"):
        g.index_of([1, 7, 9])
    # seeds read from a text file arrive as strings
    assert g.index_of(["3", " 1"]).tolist() == [2, 0]


def test_self_loop_policy():
    dropped = Graph.from_edges([1, 1, 2], [1, 2, 2])
    assert dropped.number_of_edges() == 1
    assert dropped.meta["self_loops_dropped"] == 2
    kept = Graph.from_edges([1, 1, 2], [1, 2, 2], self_loops="keep")
    assert kept.number_of_edges() == 3
    with pytest.raises(ParameterError):
        Graph.from_edges([1], [2], self_loops="maybe")


def test_duplicate_policy_keeps_first_probability():
    g = Graph.from_edges([1, 1, 1], [2, 2, 3], probs=[0.2, 0.9, 0.5])
    assert g.number_of_edges() == 2
    assert g.probs.tolist() == pytest.approx([0.2, 0.5])
    multi = Graph.from_edges([1, 1, 1], [2, 2, 3], probs=[0.2, 0.9, 0.5], duplicates="keep")
    assert multi.number_of_edges() == 3
    assert multi.probs.tolist() == pytest.approx([0.2, 0.9, 0.5])
    with pytest.raises(GraphError, match="duplicate edge 1 -> 2"):
        Graph.from_edges([1, 1], [2, 2], duplicates="error")


def test_undirected_stores_both_directions():
    g = Graph.from_edges(["a", "b"], ["b", "c"], probs=[0.1, 0.2], undirected=True)
    assert g.number_of_edges() == 4
    assert g.predecessors("b") == ["a", "c"]
    assert g.successors("b") == ["a", "c"]


def test_isolated_nodes_from_node_list():
    g = Graph.from_edges([0], [1], nodes=[0, 1, 2, 3])
    assert g.number_of_nodes() == 4
    assert g.out_degree().tolist() == [1, 0, 0, 0]
    with pytest.raises(GraphError, match="not in the node list"):
        Graph.from_edges([0], [9], nodes=[0, 1])


def test_probability_outside_unit_interval_rejected():
    with pytest.raises(GraphError, match=r"1\.5 .* outside \[0, 1\]"):
        Graph.from_edges([1, 2], [2, 3], probs=[0.5, 1.5])
    with pytest.raises(GraphError, match="outside"):
        Graph.from_edges([1], [2], probs=[float("nan")])


def test_reverse_csr_matches_transpose():
    rng = np.random.default_rng(3)
    src = rng.integers(0, 50, 400)
    dst = rng.integers(0, 50, 400)
    p = rng.random(400)
    g = Graph.from_edges(src, dst, probs=p, duplicates="keep", self_loops="keep")
    r = g.reverse
    fwd = set()
    for u in range(g.n):
        for e in range(g.indptr[u], g.indptr[u + 1]):
            fwd.add((u, int(g.indices[e]), round(float(g.probs[e]), 6), e))
    rev = set()
    for v in range(g.n):
        for j in range(r.indptr[v], r.indptr[v + 1]):
            rev.add((int(r.indices[j]), v, round(float(r.probs[j]), 6), int(r.edge_ids[j])))
    assert fwd == rev
    assert g.in_degree().tolist() == np.diff(r.indptr).tolist()


def test_with_probs_keeps_reverse_in_step():
    g = Graph.from_edges([0, 1, 2], [2, 2, 0])
    _ = g.reverse
    wc = g.with_weights("wc")
    assert wc.reverse.probs[wc.reverse.indptr[2]:].tolist() == pytest.approx([0.5, 0.5])
    assert wc.indices is g.indices  # structure shared, not copied


def test_networkx_round_trip_directed_and_undirected():
    d = nx.gnp_random_graph(30, 0.1, seed=2, directed=True)
    for u, v in d.edges:
        d[u][v]["p"] = (u + v) % 10 / 10
    g = from_networkx(d)
    assert g.number_of_nodes() == d.number_of_nodes()
    assert g.number_of_edges() == d.number_of_edges()
    back = to_networkx(g)
    assert set(back.edges) == set(d.edges)
    for u, v in d.edges:
        assert back[u][v]["p"] == pytest.approx(d[u][v]["p"], abs=1e-6)
    und = nx.karate_club_graph()
    gu = from_networkx(und)
    assert gu.number_of_edges() == 2 * und.number_of_edges()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0, 1)),
        min_size=1, max_size=120,
    )
)
def test_csr_agrees_with_networkx(edges):
    src, dst, p = zip(*edges, strict=True)
    g = Graph.from_edges(list(src), list(dst), probs=list(p))
    ref = nx.DiGraph()
    ref.add_nodes_from(set(src) | set(dst))
    for u, v, w in edges:
        if u != v and not ref.has_edge(u, v):
            ref.add_edge(u, v, p=w)  # first occurrence wins
    assert g.number_of_nodes() == ref.number_of_nodes()
    assert g.number_of_edges() == ref.number_of_edges()
    for u in ref.nodes:
        assert g.successors(u) == sorted(ref.successors(u))
        got = dict(zip(g.successors(u), g.probs[g.indptr[g.index_of(u)[0]]:], strict=False))
        for v in ref.successors(u):
            assert got[v] == pytest.approx(ref[u][v]["p"], abs=1e-6)


def test_hub_rows_sorted_and_first_duplicate_kept():
    # a row longer than the radix-sort threshold (65,536) next to ordinary rows
    rng = np.random.default_rng(5)
    m = 150_000
    src = np.where(rng.random(m) < 0.9, 0, rng.integers(1, 50, m))
    dst = rng.integers(0, 40_000, m)
    p = rng.random(m)
    g = Graph.from_edges(src, dst, probs=p, nodes=np.arange(40_000))
    ref: dict[tuple[int, int], float] = {}
    for u, v, w in zip(src.tolist(), dst.tolist(), p.tolist(), strict=True):
        if u != v:
            ref.setdefault((u, v), w)
    f = g.edges()
    got = dict(zip(zip(f.source, f.target, strict=True), f.p, strict=True))
    assert len(got) == len(ref)
    assert all(abs(got[k] - ref[k]) < 1e-6 for k in ref)
    for u in range(50):
        row = g.indices[g.indptr[u]:g.indptr[u + 1]]
        assert np.all(np.diff(row) > 0)


def test_counting_csr_build_matches_the_sorting_kernel():
    from downline.graph import _kernels
    from downline.graph._core import build_csr

    rng = np.random.default_rng(11)
    for trial in range(40):
        n, m = int(rng.integers(1, 200)), int(rng.integers(0, 4000))
        src = rng.integers(0, n, m).astype(np.int32)
        if trial % 3 == 0:
            src[: m // 2] = 0  # a hub row, sorted by the long-row route
        dst = rng.integers(0, n, m).astype(np.int32)
        p = rng.random(m).astype(np.float32)
        for drop in (True, False):
            for dup in (_kernels.DUP_KEEP, _kernels.DUP_DROP):
                ref = _kernels.csr_from_edges(src, dst, p, n, drop, dup)
                cut = int(rng.integers(0, m + 1))
                got = build_csr([(src[:cut], dst[:cut], p[:cut]), (src[cut:], dst[cut:], p[cut:])],
                                n, drop, dup)
                assert np.array_equal(ref[0], got[0]) and np.array_equal(ref[1], got[1])
                assert np.array_equal(ref[2], got[2]) and (ref[4], ref[5]) == got[3:]
    # A hub row of more than 65,536 edges takes the radix sort.
    src = np.zeros(150_000, dtype=np.int32)
    dst = rng.integers(0, 5000, 150_000).astype(np.int32)
    p = rng.random(150_000).astype(np.float32)
    ref = _kernels.csr_from_edges(src, dst, p, 5000, True, _kernels.DUP_KEEP)
    got = build_csr([(src, dst, p)], 5000, True, _kernels.DUP_KEEP)
    assert np.array_equal(ref[1], got[1]) and np.array_equal(ref[2], got[2])


def test_read_graph_is_the_same_whatever_the_block_size(tmp_path, monkeypatch):
    from downline.common import tables

    rng = np.random.default_rng(5)
    lines = ["# c", "source\ttarget\tweight"]
    for i in range(3000):
        lines.append(f"u{rng.integers(0, 400)}\tu{rng.integers(0, 400)}\t{rng.random():.2f}")
        if i % 100 == 0:
            lines.append("")
    path = tmp_path / "g.txt"
    path.write_text("\r\n".join(lines) + "\r\n")
    ints = tmp_path / "i.txt"
    ints.write_text("".join(f"{a} {b}\n" for a, b in rng.integers(0, 300, (3000, 2))) + "x 1\n")
    whole = [read_graph(path), read_graph(ints)]
    monkeypatch.setattr(tables, "_CHUNK_BYTES", 512)
    for g, h in zip(whole, [read_graph(path), read_graph(ints)], strict=True):
        assert np.array_equal(g.indptr, h.indptr) and np.array_equal(g.indices, h.indices)
        assert np.array_equal(g.probs, h.probs) and np.array_equal(g.labels, h.labels)


def test_loading_checks_the_memory_it_will_need(tmp_path):
    from downline.common.limits import Limits
    from downline.errors import LimitError

    path = tmp_path / "g.txt"
    path.write_text("1 2\n2 3\n")
    with pytest.raises(LimitError, match="edges read so far"):
        read_graph(path, limits=Limits(memory_fraction=1e-9))
    assert read_graph(path).number_of_edges() == 2
