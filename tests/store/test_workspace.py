"""The DuckDB workspace: round trips, atomic loads, names, results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.errors import InputError, StoreError
from downline.graph import Graph
from downline.store import Workspace


@pytest.fixture
def ws(tmp_path):
    with Workspace(tmp_path / "ws.duckdb") as w:
        yield w


def test_network_round_trip_is_exact(ws):
    rng = np.random.default_rng(0)
    g = Graph.from_edges(rng.integers(0, 300, 3000), rng.integers(0, 300, 3000),
                         probs=rng.random(3000), duplicates="keep")
    ws.add_network("g", g)
    back = ws.network("g")
    assert np.array_equal(back.indptr, g.indptr)
    assert np.array_equal(back.labels, g.labels)
    # rows may come back in another order among equal targets only: compare edge multisets
    assert sorted(zip(back.edges().itertuples(index=False), strict=False)) == sorted(
        zip(g.edges().itertuples(index=False), strict=False))


def test_string_labels_round_trip(ws):
    g = Graph.from_edges(["b", "a"], ["c", "b"], probs=[0.25, 0.5])
    ws.add_network("s", g)
    back = ws.network("s")
    assert back.labels.tolist() == ["a", "b", "c"]
    assert back.successors("a") == ["b"]


def test_persists_across_sessions(tmp_path):
    path = tmp_path / "w.duckdb"
    with Workspace(path) as w:
        w.add_network("g", Graph.from_edges([1], [2]))
        rid = w.save_result("simulate", {"mean": 1.5}, subject="g", params={"runs": 10})
    with Workspace(path, read_only=True) as w:
        assert w.networks()["name"].tolist() == ["g"]
        assert w.result(rid)["payload"] == {"mean": 1.5}
        assert w.result(rid)["params"] == {"runs": 10}


def test_name_taken_and_replace(ws):
    ws.add_network("g", Graph.from_edges([1], [2]))
    with pytest.raises(StoreError, match="exists"):
        ws.add_network("g", Graph.from_edges([1, 2], [2, 3]))
    ws.add_network("g", Graph.from_edges([1, 2], [2, 3]), replace=True)
    assert ws.network("g").number_of_edges() == 2
    assert len(ws.networks()) == 1


@pytest.mark.parametrize("bad", ["", "../etc", "a b", "x" * 65, "-lead"])
def test_bad_names(ws, bad):
    with pytest.raises(InputError, match="name"):
        ws.add_network(bad, Graph.from_edges([1], [2]))


class _FailingConnection:
    """Delegates to a DuckDB connection but fails when the edges are registered."""

    def __init__(self, con):
        self._con = con

    def register(self, name, obj):
        if name == "_edges_in":
            raise RuntimeError("disk full")
        return self._con.register(name, obj)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_failed_load_leaves_workspace_unchanged(ws):
    ws.add_network("keep", Graph.from_edges([1], [2]))
    before = ws.summary()
    g = Graph.from_edges([1, 2], [2, 3])
    # Fail in the middle of the transaction, after the old rows were deleted and the
    # catalogue row written.
    real = ws._con
    ws._con = _FailingConnection(real)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            ws.add_network("keep", g, replace=True)
    finally:
        ws._con = real
    assert ws.summary()["networks"] == before["networks"]
    assert ws.network("keep").number_of_edges() == 1


def test_genealogy_round_trip_keeps_integer_ids(ws):
    members = pd.DataFrame({
        "member_id": [1, 2, 3], "sponsor_id": [None, 1, 1],
        "joined_at": ["2024-01-01", "2024-02-01", "2024-02-03"],
        "left_at": [None, None, "2024-05-01"], "volume": [10.0, 5.5, 0.0],
    })
    info = ws.add_genealogy("tree", members)
    assert info["members"] == 3
    back = ws.genealogy_frame("tree")
    assert back["member_id"].tolist() == [1, 2, 3]
    assert back["sponsor_id"].tolist()[1:] == [1, 1] and pd.isna(back["sponsor_id"][0])
    ws.add_genealogy("named", members.assign(member_id=["a", "b", "c"],
                                             sponsor_id=[None, "a", "a"]))
    assert ws.genealogy_frame("named")["sponsor_id"].tolist()[1:] == ["a", "a"]
    assert back["left_at"].notna().tolist() == [False, False, True]
    assert back["volume"].tolist() == [10.0, 5.5, 0.0]


def test_unknown_names(ws):
    with pytest.raises(StoreError, match="no network named 'x'"):
        ws.network("x")
    with pytest.raises(StoreError, match="no genealogy"):
        ws.genealogy_frame("x")
    with pytest.raises(StoreError, match="no result"):
        ws.result(99)


def test_remove(ws):
    ws.add_network("g", Graph.from_edges([1], [2]))
    ws.remove("network", "g")
    assert ws.networks().empty
    with pytest.raises(InputError):
        ws.remove("table", "g")
