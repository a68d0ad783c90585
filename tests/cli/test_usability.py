"""The CLI as a person uses it: flags, --json everywhere, 80-column tables, CLI words.

Commands run through :func:`downline.cli.main` (as the ``downline`` executable does) with
the output captured; rich draws tables for a console of 80 columns when stdout is not a
terminal, as here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from downline.cli import app, main
from downline.cli import warmup as warmup_cli
from downline.cli._format import Col, cli_message, number, percent, print_table
from downline.data import sample_path
from downline.errors import ParameterError, StoreError

SAMPLE = str(sample_path())
GENEALOGY = str(sample_path("sample_genealogy.csv"))
BASS = str(Path(__file__).resolve().parents[2] / "src/downline/adoption/data/"
           "textbook_bass_example.csv")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def _commands() -> list[tuple[str, Any]]:
    """Every leaf command as ("genealogy report", click command)."""
    found = []

    def walk(prefix: str, cmd: Any) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, cmd))

    walk("", typer.main.get_command(app))
    return found


@pytest.fixture(scope="module")
def migration_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("migration")
    main(["migration", "generate", str(out), "--n", "300", "--steps", "12"])
    return out


def test_help_shows_flags_as_flags_and_every_command_has_json(
        capsys: pytest.CaptureFixture[str]) -> None:
    names = [name for name, _ in _commands()]
    assert {"load", "info", "simulate", "influencers", "warmup", "demo", "serve",
            "genealogy report", "genealogy generate", "screen"} <= set(names)
    for name, _ in _commands():
        code, out, _ = _run([*name.split(), "--help"], capsys)
        assert code == 0, name
        assert "<bool>" not in out, (name, out)
        assert "--json" in out, f"{name} has no --json"
    code, out, _ = _run(["simulate", "--help"], capsys)
    assert "--reverse / --no-reverse" in out


def _json_commands(tmp: Path, migration: Path) -> list[list[str]]:
    seeds = tmp / "seeds.txt"
    seeds.write_text("0\n1\n2\n")
    post = tmp / "post.txt"
    post.write_text("I quit my job and made $10k last month!")
    ws = str(tmp / "ws.duckdb")
    return [
        ["load", SAMPLE, "-w", ws],
        ["info", SAMPLE],
        ["info", "-w", ws],  # after load
        ["simulate", SAMPLE, "--seeds-file", str(seeds), "--runs", "50", "--seed", "1"],
        ["simulate", SAMPLE, "--seeds-file", str(seeds), "--runs", "20", "--seed", "1",
         "--model", "migration", "--attrition", "0.05"],
        ["influencers", SAMPLE, "-k", "2"],
        ["genealogy", "report", GENEALOGY],
        ["genealogy", "generate", str(tmp / "gen.csv"), "-n", "50"],
        ["adoption", "fit", BASS, "--forecast", "2"],
        ["adoption", "categories", BASS],
        ["migration", "report", "--members", str(migration / "members.csv"), "--follows",
         str(migration / "follows.csv"), "--runs", "20", "--draws", "2", "--no-forecast"],
        ["migration", "generate", str(tmp / "mig"), "--n", "100"],
        ["screen", str(post), "--no-model"],
        ["demo", "--no-serve", "-w", str(tmp / "demo" / "ws.duckdb")],
    ]


@pytest.mark.slow
def test_every_command_prints_valid_json(tmp_path: Path, migration_files: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for args in _json_commands(tmp_path, migration_files):
        code, out, err = _run([*args, "--json"], capsys)
        assert code in (0, 1), (args, err)  # screen exits 1 when it flags the post
        json.loads(out)


def test_tables_fit_80_columns_and_keep_ids_and_dates_whole(
        tmp_path: Path, migration_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in _json_commands(tmp_path, migration_files):
        if args[0] == "demo":
            continue
        code, out, err = _run(args, capsys)
        assert code in (0, 1), (args, err)
        for line in out.splitlines():
            assert len(line) <= 80, (args, line)
        assert "…" not in out, (args, out)
    code, out, _ = _run(["migration", "report", "--members",
                         str(migration_files / "members.csv"), "--follows",
                         str(migration_files / "follows.csv"), "--runs", "20", "--draws",
                         "2", "--no-forecast", "--top", "5"], capsys)
    ids = re.findall(r"│ (p\d{5}) +│ (\d{4}-\d{2}-\d{2}) +│", out)
    assert len(ids) == 5, out  # whole ids and whole dates in the follow-through table


def test_print_table_drops_optional_columns_and_says_so(capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    from rich.console import Console

    console = Console(width=80, file=None)
    cols = [Col("member id", justify="left"), Col("joined", justify="left")]
    cols += [Col(f"figure number {i}", optional=i > 2) for i in range(8)]
    rows = [["member-000000000042", "2024-01-31", *[1234.5 * i for i in range(8)]]]
    dropped = print_table(cols, rows, console=console)
    out = capsys.readouterr().out
    assert dropped and dropped[-1] == "figure number 7"
    assert "member-000000000042" in out and "2024-01-31" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "left out to" in out and "fit 80 columns" in out


def test_numbers_are_formatted_one_way() -> None:
    assert number(1234567) == "1,234,567"
    assert number(1177.84) == "1,178"
    assert number(12.3456) == "12.35"
    assert number(3.0) == "3"
    assert number(0.031249) == "0.03125"
    assert number(float("inf")) == number(float("nan")) == number(None) == "-"
    assert percent(0.1234) == "12.3%"


def test_simulate_prints_the_same_figures_as_json(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "s.txt"
    seeds.write_text("0\n5\n")
    args = ["simulate", SAMPLE, "--seeds-file", str(seeds), "--runs", "200", "--seed", "7"]
    _, out, _ = _run(args, capsys)
    _, js, _ = _run([*args, "--json"], capsys)
    est = json.loads(js)
    assert f"mean spread: {number(est['mean'])}" in out
    assert "seed 7\n" in out or "seed 7 " in out or out.splitlines()[0].endswith("seed 7")


def test_a_drawn_seed_is_short_and_repeats_the_run(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "s.txt"
    seeds.write_text("0\n5\n")
    args = ["simulate", SAMPLE, "--seeds-file", str(seeds), "--runs", "100"]
    _, out, _ = _run(args, capsys)
    m = re.search(r"seed (\d+) \(drawn\)", out)
    assert m is not None, out
    assert len(m.group(1)) <= 10
    _, first, _ = _run([*args, "--seed", m.group(1), "--json"], capsys)
    mean = re.search(r"mean spread: (\S+)", out)
    assert mean is not None and number(json.loads(first)["mean"]) == mean.group(1)


def test_errors_speak_in_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(tmp_path / "w.duckdb")
    assert _run(["load", SAMPLE, "-w", ws], capsys)[0] == 0
    code, _, err = _run(["load", SAMPLE, "-w", ws], capsys)
    assert code == 2 and "--replace" in err and "replace=True" not in err
    assert err.count("\n") == 1
    seeds = tmp_path / "s.txt"
    seeds.write_text("0\n")
    code, _, err = _run(["simulate", SAMPLE, "--seeds-file", str(seeds), "--runs", "0"],
                        capsys)
    assert code == 2 and err.startswith("error: --runs must be positive"), err


def test_cli_message_maps_fields_and_assignments() -> None:
    flags = {"replace": "--replace", "max_batch_bytes": "--max-batch-bytes",
             "as_json": "--json"}
    assert cli_message(StoreError("a network named 'x' exists; pass replace=True "
                                  "(--replace)"), flags) == (
        "a network named 'x' exists; pass --replace")
    assert cli_message(ParameterError("max_batch_bytes must be positive, not 0",
                                      field="max_batch_bytes"), flags) == (
        "--max-batch-bytes must be positive, not 0")
    # A field that is no flag of the command keeps its name, as the API says it.
    assert cli_message(ParameterError("bad value", field="alpha", path="f.csv", line=3),
                       flags) == "f.csv:3, field 'alpha': bad value"


def test_warmup_writes_its_marker_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    calls = []
    monkeypatch.setattr(warmup_cli, "STEPS", (("tiny", lambda tmp: calls.append(tmp)),))
    assert not warmup_cli.is_warm()
    code, out, _ = _run(["warmup", "--json"], capsys)
    assert code == 0 and calls
    data = json.loads(out)
    assert [s["step"] for s in data["steps"]] == ["tiny"]
    assert warmup_cli.is_warm()
    assert Path(data["marker"]).parent == tmp_path / "numba"
    # A changed cache location is cold again.
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "other"))
    assert not warmup_cli.is_warm()


def test_cold_cache_hint_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from rich.console import Console

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cold"))
    monkeypatch.delenv("DOWNLINE_NO_WARMUP_HINT", raising=False)
    import io

    piped = io.StringIO()
    monkeypatch.setattr(warmup_cli, "err_console", Console(file=piped))
    warmup_cli.hint_if_cold("simulate")
    assert piped.getvalue() == ""
    tty = io.StringIO()
    monkeypatch.setattr(warmup_cli, "err_console", Console(file=tty, force_terminal=True))
    warmup_cli.hint_if_cold("simulate")
    assert "downline warmup" in tty.getvalue()
    tty.truncate(0)
    warmup_cli.hint_if_cold("screen")  # needs no kernels
    assert "downline warmup" not in tty.getvalue()
