"""``downline adoption fit`` and ``categories`` through the Typer app, plus file reading."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from downline.adoption import read_adoptions, to_periods
from downline.cli import app, main
from downline.errors import FormatError, InputError, ParameterError

runner = CliRunner()

SERIES = [96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580, 1500]


@pytest.fixture
def series_csv(tmp_path):
    path = tmp_path / "rac.csv"
    rows = [f"{1949 + i},{v}" for i, v in enumerate(SERIES)]
    rows = rows[5:] + rows[:5]  # unsorted on purpose
    path.write_bytes(("\ufeff# room air conditioners\r\nperiod,adopters\r\n"
                      + "\r\n".join(rows) + "\r\n").encode())
    return path


@pytest.fixture
def stamps_csv(tmp_path):
    rng = np.random.default_rng(0)
    days = np.sort(rng.normal(200, 60, 800).astype(int))
    dates = np.datetime64("2023-01-01") + days
    path = tmp_path / "stamps.csv"
    path.write_text("id,adopted_at\n" + "\n".join(
        f"u{i},{d}" for i, d in enumerate(rng.permutation(dates))) + "\n")
    return path


def test_fit_json(series_csv):
    result = runner.invoke(app, ["adoption", "fit", str(series_csv), "--json",
                                 "--forecast", "2"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["m"] == pytest.approx(18712.7, rel=1e-4)
    assert {"p", "q", "m", "p_ci", "converged", "peak_time"} <= out.keys()
    assert out["forecast"][-1]["period"] == 1963
    assert out["forecast"][-1]["forecast"] is True


def test_fit_table_and_plots(series_csv, tmp_path):
    png, page = tmp_path / "fit.png", tmp_path / "fit.html"
    result = runner.invoke(app, ["adoption", "fit", str(series_csv), "--forecast", "3",
                                 "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "converged" in result.stdout and "1964" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = runner.invoke(app, ["adoption", "fit", str(series_csv), "--plot", str(page)])
    assert result.exit_code == 0
    text = page.read_text()
    assert "<svg" in text and "<table" in text


def test_fit_timestamps(stamps_csv):
    result = runner.invoke(app, ["adoption", "fit", str(stamps_csv), "--json",
                                 "--freq", "W"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["freq"] == "W" and out["m"] > 700


def test_categories(stamps_csv, series_csv, tmp_path):
    png = tmp_path / "cat.png"
    result = runner.invoke(app, ["adoption", "categories", str(stamps_csv), "--json",
                                 "--plot", str(png)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["n_adopters"] == 800
    assert out["categories"][0]["category"] == "innovators"
    assert "chasm" in out["chasm"]
    assert png.exists()
    result = runner.invoke(app, ["adoption", "categories", str(series_csv), "--method",
                                 "quantile"])
    assert result.exit_code == 0, result.output
    assert "early_majority" in result.stdout and "chasm" in result.stdout


def test_errors_are_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "dup.csv"
    bad.write_text("# a comment\n\nperiod,adopters\n1,5\n2,6\n# another\n2,7\n3,8\n")
    with pytest.raises(SystemExit) as info:
        main(["adoption", "fit", str(bad)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "dup.csv:7, field 'period': period 2 appears twice (lines 5 and 7)" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("period,adopters\n1,5\n2,-6\n3,8\n", InputError, "negative"),
        ("period,adopters\n1,5\n2,x\n3,8\n", FormatError, "not a number"),
        ("period,adopters\n1,5\n2.5,6\n3,8\n", FormatError, "whole number"),
        ("period,adopters\n1,5\n2,6\n", InputError, "at least 3 periods"),
        ("period,adopters\n1,0\n2,0\n3,0\n", InputError, "no adopters"),
        ("a,b\n1,2\n", FormatError, "expected columns"),
        ("time\n2024-01-01\nlater\n", FormatError, "neither a number nor a date"),
        ("id,time\nu1,1\nu1,2\nu3,3\n", FormatError, "appears twice"),
    ],
)
def test_bad_files(tmp_path, text, error, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = runner.invoke(app, ["adoption", "fit", str(path)])
    assert isinstance(result.exception, error)
    assert match in str(result.exception)


def test_bad_options(series_csv, tmp_path):
    result = runner.invoke(app, ["adoption", "fit", str(series_csv), "--curve", "x"])
    assert isinstance(result.exception, ParameterError)
    result = runner.invoke(app, ["adoption", "fit", str(series_csv), "--plot",
                                 str(tmp_path / "a.jpg")])
    assert isinstance(result.exception, ParameterError)
    result = runner.invoke(app, ["adoption", "categories", str(series_csv), "--method", "x"])
    assert isinstance(result.exception, ParameterError)
    result = runner.invoke(app, ["adoption", "fit", str(tmp_path / "missing.csv")])
    assert isinstance(result.exception, FormatError)


def test_read_adoptions_series_sorted_and_gaps(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("period\tadopters\n2003\t7\n2001\t5\n2004\t9\n")
    data = read_adoptions(path)
    assert data.periods.tolist() == [2001, 2003, 2004]
    assert data.t.tolist() == [1.0, 3.0, 4.0]
    times = data.adopter_times()
    assert len(times) == 21 and times.min() > 2001 and times.max() < 2005


def test_to_periods_numeric_and_dates():
    periods, counts, starts, freq = to_periods([3.0, 1.0, 1.0, 12.5])
    assert periods.tolist() == list(range(1, 13))
    assert counts.tolist()[:3] == [2.0, 0.0, 1.0] and freq == "1"
    assert counts.sum() == 4 and starts[0] == 1.0
    dates = np.array(["2024-01-31", "2024-03-02", "2024-03-30"], dtype="datetime64[ns]")
    _, counts, starts, freq = to_periods(dates, "M")
    assert counts.tolist() == [1.0, 0.0, 2.0]
    assert str(starts[1].date()) == "2024-02-01"
    with pytest.raises(ParameterError):
        to_periods(dates, "fortnight")
    with pytest.raises(ParameterError):
        to_periods([1.0, 2.0], -1)
