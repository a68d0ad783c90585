"""Readers and writers: real-world formatting, every supported format, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from downline.errors import FormatError, GraphError, InputError
from downline.graph import Graph, read_graph, write_edgelist, write_parquet


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    p.write_bytes(text)
    return p


def edge_set(g: Graph) -> set[tuple]:
    f = g.edges()
    return set(zip(f.source.tolist(), f.target.tolist(), strict=True))


def test_snap_file_with_comments(tmp_path):
    text = "# Directed graph\n# Nodes: 3 Edges: 3\n# FromNodeId\tToNodeId\n10\t20\n20\t30\n30\t10\n"
    p = _write(tmp_path, "snap.txt", text)
    g = read_graph(p)
    assert edge_set(g) == {(10, 20), (20, 30), (30, 10)}
    assert g.probs.tolist() == [1.0, 1.0, 1.0]


def test_runs_of_spaces_crlf_bom_trailing_blanks_and_inner_comments(tmp_path):
    text = "\ufeff# exported\r\n1   2  0.5 \r\n\r\n2\t 3\t0.25\r\n# note in the middle\r\n3 1 1\r\n"
    g = read_graph(_write(tmp_path, "messy.txt", text))
    assert edge_set(g) == {(1, 2), (2, 3), (3, 1)}
    f = g.edges().set_index(["source", "target"])["p"]
    assert f[(1, 2)] == pytest.approx(0.5) and f[(2, 3)] == pytest.approx(0.25)


def test_csv_with_named_columns_and_string_ids(tmp_path):
    text = 'weight,source,target\n0.2,"Ana María",bob\n0.7,bob,"carl, jr"\n'
    g = read_graph(_write(tmp_path, "g.csv", text))
    assert edge_set(g) == {("Ana María", "bob"), ("bob", "carl, jr")}
    f = g.edges().set_index(["source", "target"])["p"]
    assert f[("bob", "carl, jr")] == pytest.approx(0.7)


def test_nm_header_zero_and_one_based(tmp_path):
    zero = read_graph(_write(tmp_path, "z.txt", "5 2\n0 1\n1 2\n"))
    assert zero.number_of_nodes() == 5 and zero.labels.tolist() == [0, 1, 2, 3, 4]
    one = read_graph(_write(tmp_path, "o.txt", "3 2\n1 2 0.1\n2 3 0.2\n"))
    assert one.labels.tolist() == [1, 2, 3]
    with pytest.raises(FormatError, match=r"o2\.txt:1.*header says 2 nodes"):
        read_graph(_write(tmp_path, "o2.txt", "2 2\n1 2 0.5\n2 5 0.5\n"))


def test_ambiguous_first_line_is_an_edge_when_counts_do_not_fit(tmp_path):
    g = read_graph(_write(tmp_path, "e.txt", "0 1\n1 2\n2 0\n"))
    assert g.number_of_edges() == 3


def test_chen_format_gives_both_arcs(tmp_path):
    g = read_graph(_write(tmp_path, "chen.txt", "3 2\n1 2 0.1 0.4\n2 3 0.2 0.5\n"))
    f = g.edges().set_index(["source", "target"])["p"]
    assert f.to_dict() == pytest.approx({(1, 2): 0.1, (2, 1): 0.4, (2, 3): 0.2, (3, 2): 0.5})


def test_reverse_and_undirected(tmp_path):
    p = _write(tmp_path, "follow.txt", "alice bob\ncarol bob\n")  # follower followee
    g = read_graph(p, reverse=True)
    assert edge_set(g) == {("bob", "alice"), ("bob", "carol")}
    assert read_graph(p, undirected=True).number_of_edges() == 4


def test_weight_schemes_at_read(tmp_path):
    p = _write(tmp_path, "g.txt", "1 3\n2 3\n3 1\n")
    g = read_graph(p, weights="wc")
    assert sorted(g.probs.tolist()) == pytest.approx([0.5, 0.5, 1.0])
    with pytest.raises(FormatError, match="no weight column"):
        read_graph(p, weights="given")


def test_gzip(tmp_path):
    p = tmp_path / "g.txt.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("# c\n1\t2\n2\t3\n")
    assert read_graph(p).number_of_edges() == 2


def test_graphml_and_gexf(tmp_path):
    nxg = nx.DiGraph()
    nxg.add_edge("a", "b", weight=0.3)
    nxg.add_edge("b", "c", weight=0.6)
    nxg.add_node("lonely")
    for ext, writer in (("graphml", nx.write_graphml), ("gexf", nx.write_gexf)):
        path = tmp_path / f"g.{ext}"
        writer(nxg, path)
        g = read_graph(path)
        assert g.number_of_nodes() == 4
        assert edge_set(g) == {("a", "b"), ("b", "c")}
        assert sorted(g.probs.tolist()) == pytest.approx([0.3, 0.6])


def test_parquet_round_trip_and_writers(tmp_path):
    g = Graph.from_edges(["x", "y", "z"], ["y", "z", "x"], probs=[0.1, 0.2, 0.3])
    back = read_graph(write_parquet(g, tmp_path / "g.parquet"))
    assert edge_set(back) == edge_set(g)
    assert sorted(back.probs.tolist()) == pytest.approx([0.1, 0.2, 0.3])
    text = read_graph(write_edgelist(g, tmp_path / "g.tsv"))
    assert edge_set(text) == edge_set(g)
    assert sorted(text.probs.tolist()) == pytest.approx([0.1, 0.2, 0.3])
    named = read_graph(write_edgelist(g, tmp_path / "h.csv", delimiter=",", header=True))
    assert edge_set(named) == edge_set(g)


def test_parquet_bad_probability(tmp_path):
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"source": [1, 2], "target": [2, 3], "p": [0.5, 2.0]}), path)
    with pytest.raises(GraphError, match=r"bad\.parquet.*2\.0.*outside"):
        read_graph(path)


# -- bad input ----------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        read_graph(tmp_path / "nope.txt")


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n"])
def test_empty_files(tmp_path, text):
    with pytest.raises(FormatError, match=r"empty|no data lines"):
        read_graph(_write(tmp_path, "empty.txt", text))


def test_malformed_line_names_line_and_expectation(tmp_path):
    p = _write(tmp_path, "bad.txt", "# header\n1 2\n2 3\n4\n5 6\n")
    with pytest.raises(FormatError, match=r"bad\.txt:4: expected 2 fields.*found 1"):
        read_graph(p)


def test_non_numeric_probability_names_line(tmp_path):
    p = _write(tmp_path, "w.txt", "1 2 0.5\n2 3 high\n")
    with pytest.raises(FormatError, match=r"w\.txt:2.*expected a number.*'high'"):
        read_graph(p)


def test_probability_outside_range_names_line(tmp_path):
    p = _write(tmp_path, "w.tsv", "1\t2\t0.5\n2\t3\t1.7\n3\t1\t0.2\n")
    with pytest.raises(GraphError, match=r"w\.tsv:2.*1\.7.*outside \[0, 1\]"):
        read_graph(p)


def test_not_utf8_names_line(tmp_path):
    p = _write(tmp_path, "latin.txt", b"alice bob\nbob carol\njos\xe9 bob\n")
    with pytest.raises(FormatError, match=r"latin\.txt:3: not UTF-8"):
        read_graph(p)


def test_duplicate_error_policy_names_line(tmp_path):
    p = _write(tmp_path, "dup.txt", "1 2\n2 3\n1 2\n")
    with pytest.raises(GraphError, match=r"duplicate edge 1 -> 2 \(.*dup\.txt:3\)"):
        read_graph(p, duplicates="error")


def test_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError):
        read_graph(tmp_path / "missing")


# -- property: any formatting of the same edges reads the same ------------------------

_FIXTURE_OK = [HealthCheck.function_scoped_fixture]
_ids = st.one_of(st.integers(0, 40), st.sampled_from(["ann", "bo", "cy", "dee", "éva", "f_g"]))


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    edges=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40),
                             st.floats(0, 1, allow_subnormal=False)), min_size=1, max_size=60),
    sep=st.sampled_from(["\t", " ", "   ", ",", " \t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
    comments=st.booleans(),
    trailing=st.sampled_from(["", " ", "\t"]),
)
def test_formatting_does_not_change_the_graph(tmp_path, edges, sep, newline, bom, comments,
                                              trailing):
    lines = [f"{u}{sep}{v}{sep}{w!r}{trailing}" for u, v, w in edges]
    if comments:
        lines = ["# generated", *lines[: len(lines) // 2], "", "% mid", *lines[len(lines) // 2:]]
    text = ("\ufeff" if bom else "") + newline.join(lines) + newline
    path = tmp_path / "prop.txt"
    path.write_text(text, encoding="utf-8", newline="")
    ref = nx.DiGraph()
    for u, v, w in edges:
        ref.add_nodes_from([u, v])
        if u != v and not ref.has_edge(u, v):
            ref.add_edge(u, v, p=w)
    if ref.number_of_edges() == 0:
        with pytest.raises(FormatError):
            read_graph(path, header="none")
        return
    g = read_graph(path, header="none")
    assert edge_set(g) == set(ref.edges)
    got = g.edges().set_index(["source", "target"])["p"].to_dict()
    for (u, v), p in got.items():
        assert p == pytest.approx(ref[u][v]["p"], abs=1e-6)
    assert g.number_of_nodes() == len({x for e in edges for x in e[:2]})  # self-loop ends too


@settings(max_examples=30, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(st.lists(st.tuples(_ids, _ids), min_size=1, max_size=40))
def test_write_read_round_trip_mixed_ids(tmp_path, pairs):
    src = [str(u) for u, _ in pairs]
    dst = [str(v) for _, v in pairs]
    if all(s == d for s, d in zip(src, dst, strict=True)):
        return
    g = Graph.from_edges(src, dst)
    for writer, name in ((write_edgelist, "g.tsv"), (write_parquet, "g.parquet")):
        back = read_graph(writer(g, tmp_path / name), header="none")
        assert {(str(a), str(b)) for a, b in edge_set(back)} == edge_set(g)


def test_large_ids_not_dense(tmp_path):
    ids = np.array([10**12, 5, 10**15])
    g = read_graph(_write(tmp_path, "big.txt", f"{ids[0]} {ids[1]}\n{ids[1]} {ids[2]}\n"))
    assert g.labels.tolist() == [5, 10**12, 10**15]


def test_padded_ids_stay_text(tmp_path):
    g = read_graph(_write(tmp_path, "pad.txt", "007\t008\n008\t010\n"))
    assert g.labels.tolist() == ["007", "008", "010"]
    assert g.successors("007") == ["008"]
    numbers = read_graph(_write(tmp_path, "num.txt", "7\t8\n8\t10\n"))
    assert numbers.labels.tolist() == [7, 8, 10]
