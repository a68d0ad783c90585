"""The import contracts of pyproject.toml hold, and the check fails on an arrow against them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PYPROJECT = ROOT / "pyproject.toml"
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(config: Path, path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: install the test extra (pip install -e '.[test]')")
    env = {**os.environ, "PYTHONPATH": str(path)}
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def _copy_sources(dest: Path) -> Path:
    """The project's Python files (no data, no web assets) under ``dest``."""
    for path in (SRC / "downline").rglob("*.py"):
        target = dest / path.relative_to(SRC)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


def test_the_project_keeps_its_contracts() -> None:
    out = _lint(PYPROJECT, SRC, ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


@pytest.mark.parametrize(("module", "code", "contract"), [
    ("downline/graph/_against.py", "import downline.cascade\n", "graph imports nothing"),
    ("downline/cascade/_against.py", "from downline.cli import main\n", "never import a face"),
    ("downline/pitch/_against.py", "from downline.graph import Graph\n", "pitch stands alone"),
    ("downline/web/_against.py", "import downline.api.security\n", "web imports nothing"),
    ("downline/influence/_against.py", "import duckdb\n", "Only store speaks DuckDB"),
    ("downline/cascade/_against.py", "import distributed\n", "Only engine speaks Dask"),
    ("downline/influence/_against.py", "from downline.genealogy import Genealogy\n",
     "do not import genealogy"),
    ("downline/migration/_against.py", "from downline.cascade import montecarlo\n",
     "cascade is used by other areas only through its package"),
    ("downline/adoption/_against.py", "import downline.cascade\n", "Layers"),
])
def test_an_arrow_against_a_contract_fails_the_check(tmp_path: Path, module: str, code: str,
                                                     contract: str) -> None:
    src = _copy_sources(tmp_path / "src")
    (src / module).write_text(code)
    out = _lint(PYPROJECT, src, tmp_path)
    assert out.returncode != 0, out.stdout
    broken = out.stdout.split("Broken contracts")[-1]
    assert contract in broken, out.stdout
    assert module.replace("/", ".").removesuffix(".py") in broken


def test_every_top_level_package_is_placed_in_the_layers() -> None:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["id"] == "layers"]
    placed = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    present = {p.stem if p.is_file() else p.name for p in (SRC / "downline").iterdir()
               if (p.is_dir() and (p / "__init__.py").exists())
               or (p.suffix == ".py" and p.name != "__init__.py")}
    assert present - placed == set(), "place new top-level packages in the layers contract"
