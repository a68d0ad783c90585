"""The ``downline simulate`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from downline.cli import app, main

from .conftest import FACEBOOK

runner = CliRunner()


@pytest.fixture()
def small_graph(tmp_path: Path) -> Path:
    path = tmp_path / "g.txt"
    path.write_text("# a chain and a star\r\na b\r\nb c\r\na d\r\nx y\r\n")
    return path


def _seeds(tmp_path: Path, *ids: str) -> Path:
    path = tmp_path / "seeds.txt"
    path.write_text("\ufeff" + "\n".join(ids) + "\n\n")
    return path


def test_json_mean(small_graph: Path, tmp_path: Path) -> None:
    args = ["simulate", str(small_graph), "--seeds-file", str(_seeds(tmp_path, "a")),
            "--weights", "uniform:1", "--runs", "20", "--seed", "1", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mean"] == 4 and data["runs"] == 20 and data["seed"] == 1
    assert data["ci_low"] <= data["mean"] <= data["ci_high"]


def test_facebook_ic_text(shared_data: Path) -> None:
    seeds = shared_data / "facebook/OPIM_seeds_facebook_opim-c_minBound_k50_load.txt"
    args = ["simulate", str(shared_data / FACEBOOK), "--seeds-file", str(seeds),
            "--model", "ic", "--weights", "wc", "--runs", "300", "--seed", "5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "mean spread" in result.stdout and "95% CI" in result.stdout


def test_lt_json_same_seed_same_answer(small_graph: Path, tmp_path: Path) -> None:
    args = ["simulate", str(small_graph), "--seeds-file", str(_seeds(tmp_path, "a", "x")),
            "--model", "lt", "--runs", "50", "--seed", "9", "--json"]
    one = json.loads(runner.invoke(app, args).stdout)
    two = json.loads(runner.invoke(app, args).stdout)
    assert one == two and one["model"] == "lt"


def test_migration(small_graph: Path, tmp_path: Path) -> None:
    args = ["simulate", str(small_graph), "--seeds-file", str(_seeds(tmp_path, "a")),
            "--model", "migration", "--p", "1", "--steps", "3", "--attrition", "0",
            "--backfill", "0", "--runs", "10", "--seed", "1", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mean"] == 4 and len(data["steps"]) == 4
    assert data["first_movers"][0]["share_followed"] == 1.0
    text = runner.invoke(app, [*args[:-1], "--follow", "threshold", "--threshold", "0"])
    assert text.exit_code == 0, text.output
    assert "first movers" in text.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--runs", "0"], "runs must be positive"),
        (["--model", "sir"], "unknown model"),
        (["--weights", "uniform:1.5"], "outside [0, 1]"),
        (["--model", "migration", "--attrition", "1.5"], "--attrition-old must be in [0, 1]"),
        (["--model", "migration", "--backfill", "-1"], "backfill must be in [0, 1]"),
    ],
)
def test_bad_input_one_line(
    small_graph: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
    message: str,
) -> None:
    argv = ["simulate", str(small_graph), "--seeds-file", str(_seeds(tmp_path, "a")), *extra]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    # The console may wrap a long message on narrow terminals; it is still one message.
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_unknown_seed_named(small_graph: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(small_graph), "--seeds-file", str(_seeds(tmp_path, "a", "zz"))])
    assert info.value.code == 2
    assert "zz" in capsys.readouterr().err


def test_missing_seeds_file(small_graph: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["simulate", str(small_graph), "--seeds-file", str(tmp_path / "none.txt")])
    assert "seeds file not found" in capsys.readouterr().err
