"""``downline adoption network``: table, JSON, plot, one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from downline.cli import app, main

runner = CliRunner()


def write(tmp_path, nodes: str, edges: str):
    n = tmp_path / "nodes.csv"
    e = tmp_path / "edges.csv"
    n.write_text(nodes)
    e.write_text(edges)
    return n, e


NODES = "id,toa,village\n1,1,1\n2,2,1\n3,2,1\n4,3,2\n5,,2\n6,3,2\n"
EDGES = "source,target\n2,1\n3,1\n3,2\n4,6\n6,4\n5,4\n"


def test_network_json(tmp_path):
    n, e = write(tmp_path, NODES, EDGES)
    res = runner.invoke(app, ["adoption", "network", str(n), str(e), "--json",
                              "--group", "village"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["summary"]["right_censoring"] == 1
    assert [p["cumulative"] for p in out["summary"]["periods"]] == [1, 3, 5]
    assert set(out["thresholds"]["by_group"]) == {"1", "2"}
    assert out["classification"]["counts"]["Non-Adopters"]["Non-Adopters"] == 1


def test_network_table_and_plot(tmp_path):
    n, e = write(tmp_path, NODES, EDGES)
    png = tmp_path / "curve.png"
    res = runner.invoke(app, ["adoption", "network", str(n), str(e), "--netdiffuser",
                              "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert "Classification" in res.output and "thresholds: mean" in res.output
    assert png.stat().st_size > 1000


def test_network_bad_input_is_one_line_exit_2(tmp_path, capsys):
    n, e = write(tmp_path, NODES, EDGES + "9,1\n")
    with pytest.raises(SystemExit) as info:
        main(["adoption", "network", str(n), str(e)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "edges.csv:8, field 'source': unknown id 9" in err
    assert len(err.strip().splitlines()) == 1
    n, e = write(tmp_path, NODES.replace("4,3,2", "4,soon,2"), EDGES)
    with pytest.raises(SystemExit):
        main(["adoption", "network", str(n), str(e)])
    assert "nodes.csv:5, field 'toa': 'soon' is not a number" in capsys.readouterr().err
