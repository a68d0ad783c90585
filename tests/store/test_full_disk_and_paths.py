"""A full disk while storing, and output paths checked before work starts."""

from __future__ import annotations

import duckdb
import pytest

from downline.errors import FormatError, ParameterError, StoreError
from downline.genealogy import generate_genealogy
from downline.genealogy.io import check_output_path, write_genealogy
from downline.graph import Graph
from downline.store import Workspace


class _FullDisk:
    """A connection whose inserts fail as DuckDB fails on a full disk."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args: object):
        if sql.startswith("INSERT INTO network_edges"):
            raise duckdb.IOException(
                'IO Error: Could not write file "ws.duckdb.wal": No space left on device')
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def test_full_disk_names_the_cause_and_keeps_the_workspace(tmp_path):
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.add_network("a", Graph.from_edges([1], [2]))
        real = ws._con
        ws._con = _FullDisk(real)  # type: ignore[assignment]
        with pytest.raises(StoreError, match="No space left on device"):
            ws.add_network("b", Graph.from_edges([1, 2], [2, 3]))
        ws._con = real
        assert ws.networks()["name"].tolist() == ["a"]


def test_output_paths_are_checked(tmp_path):
    with pytest.raises(FormatError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "g.csv")
    with pytest.raises(ParameterError, match="format follows the extension"):
        check_output_path(tmp_path / "g.xlsx")
    gen = generate_genealogy(20, seed=1)
    with pytest.raises(ParameterError):
        write_genealogy(gen, tmp_path / "g.xlsx")
    assert not (tmp_path / "g.xlsx").exists()
    assert write_genealogy(gen, tmp_path / "g.parquet").exists()
