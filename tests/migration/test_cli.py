"""``downline migration generate`` and ``report`` through the Typer app; the report API."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from downline.cli import app, main
from downline.migration import generate_migration, migration_report

runner = CliRunner()


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("mig")
    res = runner.invoke(app, ["migration", "generate", str(out), "--n", "1500", "--seed",
                              "3", "--steps", "15", "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["params"]["p_follow"] == 0.15
    return out


def test_report_json(example) -> None:
    res = runner.invoke(app, ["migration", "report", "--members", str(example / "members.csv"),
                              "--follows", str(example / "follows.csv"), "--new-follows",
                              str(example / "new_follows.csv"), "--top", "5", "--runs", "50",
                              "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert len(out["follow_through"]) == 5
    assert out["validation"]["ok"] is True
    params = out["calibration"]["parameters"]
    assert params["p_follow"]["ci_low"] <= 0.15 <= params["p_follow"]["ci_high"]
    assert out["forecast"]["train_steps"] == 9
    assert {g["group"] for g in out["retention"]["new"]["groups"]} == {"mover", "newcomer"}


def test_report_table(example) -> None:
    res = runner.invoke(app, ["migration", "report", "--members", str(example / "members.csv"),
                              "--follows", str(example / "follows.csv"), "--no-forecast",
                              "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "Follow-through" in res.output and "p_follow" in res.output


def test_issues_reported_in_cli(example, tmp_path) -> None:
    follows = tmp_path / "follows.csv"
    follows.write_text((example / "follows.csv").read_text() + "@nobody,@p00001\n")
    args = ["migration", "report", "--members", str(example / "members.csv"), "--follows",
            str(follows), "--no-forecast", "--json"]
    res = runner.invoke(app, args)
    out = json.loads(res.output)
    assert out["validation"]["counts"] == {"unknown_handle": 1}
    assert out["validation"]["examples"]["unknown_handle"][0]["value"] == "@nobody"


def test_errors_are_one_line(example, tmp_path, capsys) -> None:
    follows = tmp_path / "follows.csv"
    follows.write_text("follower,followee\n@nobody,@p00001\n")
    with pytest.raises(SystemExit) as exc:
        main(["migration", "report", "--members", str(example / "members.csv"), "--follows",
              str(follows), "--strict"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "follows.csv:2" in err and "field 'follower'" in err
    with pytest.raises(SystemExit) as exc:
        main(["migration", "report", "--members", str(tmp_path / "missing.csv"), "--follows",
              str(follows)])
    assert exc.value.code == 2


def test_report_api_threshold_mode() -> None:
    data = generate_migration(1200, follow="threshold", attrition_new=0.05, steps=12,
                              first_movers=20, seed=9)
    rep = migration_report(data, follow="threshold", top=5, runs=50)
    assert rep.calibration.threshold is not None
    assert rep.forecast.mode == "from_start"
    d = rep.to_dict()
    assert d["calibration"]["follow"] == "threshold"
    assert next(r["category"] for r in d["exposure"]) in ("innovators", "early_adopters")
