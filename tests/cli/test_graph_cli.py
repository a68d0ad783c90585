"""``downline load`` and ``downline info`` as a user runs them."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from downline.cli import app
from downline.data import sample_path

runner = CliRunner()


def test_load_then_info_json(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    res = runner.invoke(app, ["load", str(sample_path()), "--name", "email", "-w", ws, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["edges"] == 24929
    res = runner.invoke(app, ["info", "email", "-w", ws, "--json"])
    assert res.exit_code == 0, res.output
    stats = json.loads(res.stdout)
    # the same figures from networkx, on the file with self-loops removed
    ref = nx.read_edgelist(sample_path(), create_using=nx.DiGraph, nodetype=int)
    ref.remove_edges_from(list(nx.selfloop_edges(ref)))
    assert stats["nodes"] == ref.number_of_nodes() == 1005
    assert stats["isolated"] == nx.number_of_isolates(ref)
    assert stats["weak_components"] == nx.number_weakly_connected_components(ref)
    assert stats["strong_components"] == nx.number_strongly_connected_components(ref)
    assert stats["reciprocity"] == pytest.approx(nx.reciprocity(ref))
    res = runner.invoke(app, ["info", "-w", ws, "--json"])
    assert [n["name"] for n in json.loads(res.stdout)["networks"]] == ["email"]


def test_info_on_a_file_prints_a_table(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("1 2\n2 3\n3 1\n")
    res = runner.invoke(app, ["info", str(p)])
    assert res.exit_code == 0
    assert "strong components" in res.output


def _run_main(args, capsys):
    from downline.cli import main

    try:
        main(args)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    return code, capsys.readouterr()


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\n2 x 0.5\n")
    code, out = _run_main(["load", str(bad), "-w", str(tmp_path / "w.duckdb")], capsys)
    assert code == 2
    assert out.err.strip().count("\n") == 0
    assert "bad.txt:2" in out.err and "Traceback" not in out.err


def test_failed_load_leaves_workspace_unchanged(tmp_path, capsys):
    ws = str(tmp_path / "w.duckdb")
    code, _ = _run_main(["load", str(sample_path()), "--name", "g", "-w", ws], capsys)
    assert code == 0
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 0.5\n2 3 7\n")
    code, out = _run_main(["load", str(bad), "--name", "g", "--replace", "-w", ws], capsys)
    assert code == 2 and "outside [0, 1]" in out.err
    code, out = _run_main(["info", "g", "-w", ws, "--json"], capsys)
    assert json.loads(out.out)["edges"] == 24929


def test_missing_file_message(tmp_path, capsys):
    code, out = _run_main(["load", str(tmp_path / "none.txt")], capsys)
    assert code == 2 and "no such file" in out.err


def test_genealogy_report_from_the_workspace(tmp_path):
    ws = str(tmp_path / "ws.duckdb")
    members = sample_path("sample_genealogy.csv")
    res = runner.invoke(app, ["load", str(members), "--name", "company", "-w", ws])
    assert res.exit_code == 0, res.output
    from_file = runner.invoke(app, ["genealogy", "report", str(members), "--json"])
    from_ws = runner.invoke(app, ["genealogy", "report", "company", "-w", ws, "--json"])
    assert from_ws.exit_code == 0, from_ws.output
    a, b = json.loads(from_file.stdout), json.loads(from_ws.stdout)
    assert a["members"] == b["members"] == 2000
    a.pop("file"), b.pop("file")
    assert a == b


def test_exit_codes_of_commands_reach_the_shell(tmp_path):
    import subprocess
    import sys

    post = tmp_path / "post.txt"
    post.write_text("This tea cures diabetes and I quit my job after one month!")
    flagged = subprocess.run([sys.executable, "-m", "downline.cli", "screen", str(post)],
                             capture_output=True, text=True)
    assert flagged.returncode == 1, flagged.stderr
    post.write_text("Had a lovely walk with the team this morning.")
    clean = subprocess.run([sys.executable, "-m", "downline.cli", "screen", str(post)],
                           capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
