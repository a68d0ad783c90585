"""Every module's Examples and every docs/*.md Python example run and stay true.

Modules: ``doctest`` over each module of ``src/downline``. Docs: blocks written as a
session (``>>>``) run as doctests; plain blocks (cluster set-ups, files the reader has)
must compile, and their ``downline`` imports must resolve, so a renamed or moved name
fails here.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import pkgutil
import re
import warnings
from pathlib import Path

import pytest

import downline

ROOT = Path(__file__).resolve().parents[2]
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Entry points that run something when imported.
NOT_IMPORTED = {"downline.__main__", "downline.cli.__main__"}

MODULES = ["downline", *sorted(
    m.name for m in pkgutil.walk_packages(downline.__path__, "downline.")
    if m.name not in NOT_IMPORTED
)]


@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=FLAGS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def _blocks(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"```python\n(.*?)```", text, flags=re.S)]


DOC_FILES = [pytest.param(path, id=path.name) for path in DOCS if _blocks(path)]


@pytest.mark.parametrize("path", DOC_FILES)
def test_docs_examples(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page is one session: its blocks run in order and share their names."""
    monkeypatch.chdir(tmp_path)
    globs: dict[str, object] = {}
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for line, code in _blocks(path):
        if ">>>" in code:
            test = doctest.DocTestParser().get_doctest(code, globs, f"{path.name}:{line}",
                                                       str(path), line)
            runner.run(test, clear_globs=False)
            globs = test.globs  # DocTest copies the names it was given
            continue
        _check_imports(ast.parse(code, filename=f"{path.name}:{line}"), f"{path.name}:{line}")
    assert runner.failures == 0, f"{path.name}: {runner.failures} examples failed"


def _check_imports(tree: ast.Module, where: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("downline"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                assert hasattr(module, alias.name) or importlib.util.find_spec(name), (
                    f"{where}: {name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("downline"):
                    importlib.import_module(alias.name)
