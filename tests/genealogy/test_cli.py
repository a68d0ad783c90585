"""The ``downline genealogy`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from downline.cli import app, main
from downline.genealogy import read_genealogy

runner = CliRunner()


def test_report_json(small_csv: Path) -> None:
    result = runner.invoke(app, ["genealogy", "report", str(small_csv), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["members"] == 9
    assert data["roots"] == ["A", "X"]
    assert data["downline"]["size"] == 9
    assert data["downline"]["legs"][0] == {"root": "A", "size": 7, "active": 5}
    assert data["recruits"]["recruits"] == [2, 3, 3, 1]
    assert data["attrition_by_period"]["rate"][0] is None
    assert data["attrition_by_level"]["left"] == [0, 1, 1, 0]


def test_report_member_at_date_json(small_csv: Path) -> None:
    args = ["genealogy", "report", str(small_csv), "--member", "A", "--at", "2024-03-31"]
    result = runner.invoke(app, [*args, "--freq", "Q", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["downline"]
    assert (data["size"], data["depth"], data["active"], data["left"]) == (6, 3, 4, 1)
    assert json.loads(result.stdout)["recruits"]["periods"] == ["2024Q1", "2024Q2"]


def test_report_tables(small_csv: Path) -> None:
    result = runner.invoke(app, ["genealogy", "report", str(small_csv), "--member", "B"])
    assert result.exit_code == 0, result.output
    for text in ("Downline", "Levels", "Legs", "Recruits and attrition", "2024-03"):
        assert text in result.stdout


def test_generate_then_report(tmp_path: Path) -> None:
    out = tmp_path / "gen.csv"
    result = runner.invoke(app, ["genealogy", "generate", str(out), "-n", "150", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert len(read_genealogy(out)) == 150
    result = runner.invoke(app, ["genealogy", "report", str(out), "--member", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["downline"]["member"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["genealogy", "report", "missing.csv"], "file not found"),
        (["genealogy", "report", "{small}", "--member", "Z"], "no member with id 'Z'"),
        (["genealogy", "report", "{small}", "--freq", "fortnight"], "unknown period"),
        (["genealogy", "report", "{small}", "--at", "someday"], "not a date"),
    ],
)
def test_errors_exit_2_without_traceback(
    small_csv: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = [a.replace("{small}", str(small_csv)) for a in args]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    # The console may wrap a long message on narrow terminals; it is still one message.
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err
