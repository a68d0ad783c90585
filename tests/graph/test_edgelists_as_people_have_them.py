"""Edge lists as people have them: header policy, column roles, times, hostile ids."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from downline.errors import FormatError, GraphError, InputError, LimitError
from downline.graph import (
    TemporalGraph,
    detect_kind,
    read_graph,
    read_temporal_graph,
)


def _w(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


# -- header policy ----------------------------------------------------------------------


def test_wiki_vote_first_line_in_spaces_is_an_edge(tmp_path):
    # As mirrors carry Wiki-Vote: no '#' lines, the first line in two spaces, then tabs.
    p = _w(tmp_path, "wiki.txt", "30  1412\n30\t3352\n30\t5254\n3\t28\n3\t30\n")
    for header in ("auto", "none"):
        g = read_graph(p, header=header)
        assert g.number_of_edges() == 5
        assert g.successors(30) == [1412, 3352, 5254]


def test_consistent_nm_header_is_taken_and_reported(tmp_path):
    g = read_graph(_w(tmp_path, "s.txt", "3 2\n1 2\n2 3\n"))
    assert g.number_of_edges() == 2 and g.meta["header"] == "nm"
    assert any("'n m' header" in n for n in g.meta["notes"])
    as_edge = read_graph(tmp_path / "s.txt", header="none")
    assert as_edge.number_of_edges() == 3


def test_nm_line_inconsistent_with_the_data_is_an_edge(tmp_path):
    # m does not match the number of lines: data, not a header.
    g = read_graph(_w(tmp_path, "e.txt", "5 9\n1 2\n2 3\n"))
    assert g.number_of_edges() == 3 and g.meta["header"] == "none"
    # n too small for the ids: data too.
    g = read_graph(_w(tmp_path, "f.txt", "4 2\n1 2\n2 7\n"))
    assert g.number_of_edges() == 3


def test_forced_nm_header_checks_the_ids(tmp_path):
    with pytest.raises(FormatError, match="header says 2 nodes"):
        read_graph(_w(tmp_path, "h.txt", "2 2\n1 2\n2 7\n"), header="nm")


def test_shared_facebook_header(shared_data):
    g = read_graph(shared_data / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt")
    assert (g.number_of_nodes(), g.number_of_edges()) == (4039, 176468)


# -- column roles and delimiters ----------------------------------------------------------


def test_columns_roles_and_extra_columns_ignored(tmp_path):
    p = _w(tmp_path, "x.tsv", "1\t2\tfoo\t0.5\t9\n2\t3\tbar\t0.25\t9\n")
    with pytest.raises(FormatError, match="columns="):
        read_graph(p)
    g = read_graph(p, columns="source,target,-,weight")
    assert g.edges()["p"].tolist() == [0.5, 0.25]
    g = read_graph(p, columns={"source": 1, "target": 0})
    assert g.successors(2) == [1]


def test_bad_columns_spec(tmp_path):
    p = _w(tmp_path, "x.tsv", "1\t2\n")
    with pytest.raises(InputError, match="unknown column role"):
        read_graph(p, columns="from,to")
    with pytest.raises(InputError, match="does not exist"):
        read_graph(p, columns={"source": 0, "target": 5})


@pytest.mark.parametrize("delimiter", [";", "|", "tab", ","])
def test_given_delimiter(tmp_path, delimiter):
    sep = "\t" if delimiter == "tab" else delimiter
    g = read_graph(_w(tmp_path, "d.txt", f"a{sep}b\nb{sep}c\n"), delimiter=delimiter)
    assert g.successors("a") == ["b"]


def test_time_column_is_not_read_as_a_probability(tmp_path):
    p = _w(tmp_path, "t.txt", "1 2 1217567877\n2 3 1217567999\n")
    g = read_graph(p)
    assert g.number_of_edges() == 2 and g.meta["time_column"] == "time"
    assert set(g.probs.tolist()) == {1.0}


def test_float_beyond_one_hints_at_time(tmp_path):
    with pytest.raises(GraphError, match=r"outside \[0, 1\].*columns="):
        read_graph(_w(tmp_path, "w.txt", "1 2 0.5\n2 3 7.0\n"), columns="source,target,weight")


def test_detect_kind(tmp_path):
    tsv = _w(tmp_path, "m.tsv", "member_id\tsponsor_id\tjoined_at\n1\t\t2024-01-01\n")
    semi = _w(tmp_path, "m.csv", "member_id;sponsor_id;joined_at\n1;;2024-01-01\n")
    gz = _w(tmp_path, "m.csv.gz", gzip.compress(b"member_id,sponsor_id\n1,\n"))
    edges = _w(tmp_path, "e.txt", "1 2\n")
    assert [detect_kind(p) for p in (tsv, semi, gz, edges)] == [
        "genealogy", "genealogy", "genealogy", "network"]


# -- hostile ids and files --------------------------------------------------------------


def test_ids_beyond_int64_on_the_padded_path_are_text(tmp_path):
    big = 2**63 + 5
    g = read_graph(_w(tmp_path, "big.txt", f"007 {big}\n{big} 9\n"))
    assert str(big) in [str(x) for x in g.labels.tolist()]
    g = read_graph(_w(tmp_path, "big2.txt", f"1 {big}\n{big} {2**64 + 1}\n"))
    assert g.number_of_edges() == 2


def test_truncated_gzip_edge_list(tmp_path):
    whole = gzip.compress("".join(f"{i}\t{i + 1}\n" for i in range(20_000)).encode())
    with pytest.raises(FormatError, match="truncated"):
        read_graph(_w(tmp_path, "t.txt.gz", whole[: len(whole) // 2]))


def test_gzip_bomb_edge_list(tmp_path, monkeypatch):
    monkeypatch.setenv("DOWNLINE_MIN_DECOMPRESSED_BYTES", str(1 << 20))
    p = _w(tmp_path, "bomb.txt.gz", gzip.compress(b"1\t2\n" * (4 << 20)))
    with pytest.raises(LimitError, match="decompresses"):
        read_graph(p)


def test_one_line_of_300000_fields(tmp_path):
    p = _w(tmp_path, "wide.txt", " ".join(str(i) for i in range(300_000)) + "\n")
    with pytest.raises(LimitError):
        read_graph(p)


@pytest.mark.parametrize("arrow_type, values, match", [
    (pa.list_(pa.int64()), [[1], [2]], "lists"),
    (pa.float64(), [1.0, 2.0], "floating"),
    (pa.bool_(), [True, False], "booleans"),
])
def test_parquet_ids_of_wrong_types(tmp_path, arrow_type, values, match):
    p = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"source": pa.array(values, arrow_type),
                             "target": pa.array(values, arrow_type)}), p)
    with pytest.raises(FormatError, match=match):
        read_graph(p)


def test_parquet_uint64_ids(tmp_path):
    p = tmp_path / "u.parquet"
    pq.write_table(pa.table({"source": pa.array([1, 2**63 + 1], pa.uint64()),
                             "target": pa.array([2**63 + 1, 3], pa.uint64())}), p)
    g = read_graph(p)
    assert g.number_of_edges() == 2
    small = tmp_path / "s.parquet"
    pq.write_table(pa.table({"source": pa.array([1, 2], pa.uint64()),
                             "target": pa.array([2, 3], pa.uint64())}), small)
    assert read_graph(small).labels.tolist() == [1, 2, 3]


# -- time-stamped graphs ----------------------------------------------------------------


def test_college_msg(shared_data):
    tg = read_temporal_graph(shared_data / "temporal" / "CollegeMsg.txt")
    assert tg.number_of_nodes() == 1899
    assert tg.number_of_events() == 59835
    assert tg.static().number_of_edges() == 20296
    assert tg.static().meta["self_loops_dropped"] == 0
    assert tg.span() == (1082040961.0, 1098777142.0)
    assert tg.time_unit == "s"
    fc = tg.first_contact()
    assert len(fc) == 20296 and fc["events"].sum() == 59835
    # read_graph gives the same static graph and says the time was not kept.
    g = read_graph(shared_data / "temporal" / "CollegeMsg.txt")
    assert g.number_of_edges() == 20296 and g.meta["time_column"] == "time"


def test_email_eu_core_temporal_shape(tmp_path, shared_data):
    # SNAP's email-Eu-core-temporal is "u v t" with t in seconds from 0; build one from
    # the static sample with known timestamps.
    static = np.loadtxt(shared_data / "email-eu-core" / "email-Eu-core.txt", dtype=np.int64)
    rng = np.random.default_rng(7)
    times = np.sort(rng.integers(0, 69_459_254, static.shape[0]))
    repeat = rng.choice(static.shape[0], 500, replace=False)
    rows = np.vstack([np.column_stack([static, times]),
                      np.column_stack([static[repeat], times[repeat] + 10])])
    p = tmp_path / "email-Eu-core-temporal.txt"
    np.savetxt(p, rows, fmt="%d", delimiter=" ")
    tg = read_temporal_graph(p)
    assert tg.number_of_events() == rows.shape[0]
    assert np.all(np.diff(tg.time) >= 0)
    cut = float(times[times.size // 2])
    expected = {(int(a), int(b)) for a, b, t in rows if t <= cut and a != b}
    got = tg.as_of(cut)
    es = got.edges()
    assert set(zip(es["source"], es["target"], strict=True)) == expected
    assert got.number_of_nodes() == tg.number_of_nodes()
    win = tg.window(times[100], times[200])
    assert win.number_of_events() == int(np.sum((rows[:, 2] >= times[100])
                                                & (rows[:, 2] < times[200])))
    g = tg.static()
    first = tg.first_contact_times(g)
    ref = {}
    for a, b, t in rows:
        if a != b:
            ref[(int(a), int(b))] = min(ref.get((int(a), int(b)), t), t)
    es = g.edges()
    assert first.tolist() == [float(ref[(a, b)]) for a, b in zip(es["source"], es["target"],
                                                                  strict=True)]


def test_iso_dates_and_date_format(tmp_path):
    p = _w(tmp_path, "d.csv", "src,dst,date\na,b,2024-01-02\nb,c,2024-01-01T12:00:00Z\n"
                              "c,a,2999-05-01\n")
    tg = read_temporal_graph(p)
    assert tg.time_unit == "s" and tg.number_of_events() == 3
    assert tg.edges()["source"].tolist() == ["b", "a", "c"]
    assert tg.as_of("2024-01-01T23:00").number_of_edges() == 1
    odd = _w(tmp_path, "o.csv", "src,dst,date\na,b,02/01/2024\n")
    with pytest.raises(FormatError, match=r"o.csv:2.*ISO 8601.*date_format"):
        read_temporal_graph(odd)
    tg = read_temporal_graph(odd, date_format="%d/%m/%Y")
    assert tg.span()[0] == TemporalGraph.from_events(["a"], ["b"], ["2024-01-02"]).span()[0]


def test_no_time_column(tmp_path):
    with pytest.raises(FormatError, match="no time column"):
        read_temporal_graph(_w(tmp_path, "n.txt", "1 2\n2 3\n"))


@pytest.mark.parametrize("text", ["0.1.0\n", "5\n6\n7\n"])
def test_one_field_per_line_is_a_format_error(tmp_path, text):
    # Found by the API's schemathesis run: a one-column upload ended in IndexError (HTTP 500).
    path = tmp_path / "one.txt"
    path.write_text(text)
    with pytest.raises(FormatError, match="source and a target") as info:
        read_graph(path)
    assert info.value.line == 1
