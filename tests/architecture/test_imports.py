"""Imports sit at module top unless they are lazy on purpose, and ``--help`` stays light.

An import inside a function hides a dependency and is paid on every call's first run;
it is kept only where it saves real start-up time (pandas, numba, networkx, DuckDB, ...)
or breaks an import cycle, and then says so with a ``# lazy: why`` comment on the import
or in the comment and import lines just above it (one comment covers a block of imports).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# What `downline --help` must not load: each costs a noticeable share of the 0.3 s budget.
HEAVY = ("numpy", "pandas", "numba", "networkx", "duckdb", "scipy", "pyarrow", "sklearn",
         "matplotlib", "dask", "distributed", "fastapi", "uvicorn", "PIL", "pytesseract")


def unexplained_lazy_imports(source: str) -> list[int]:
    """Line numbers of imports inside functions that carry no ``# lazy:`` comment."""
    lines = source.splitlines()
    tree = ast.parse(source)
    import_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            import_lines.update(range(node.lineno, node.end_lineno + 1))

    def explained(node: ast.stmt) -> bool:
        own = lines[node.lineno - 1:node.end_lineno]
        if any("# lazy:" in line for line in own):
            return True
        k = node.lineno - 1  # 1-based number of the line above
        while k >= 1:
            text = lines[k - 1].strip()
            if text.startswith("#"):
                if text.startswith("# lazy:"):
                    return True
            elif text and k not in import_lines:
                return False
            k -= 1
        return False

    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, True)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                if in_function and not explained(child):
                    found.append(child.lineno)
            else:
                visit(child, in_function)

    visit(tree, False)
    return found


def test_imports_inside_functions_say_why_they_are_lazy() -> None:
    offenders = []
    for path in sorted((SRC / "downline").rglob("*.py")):
        for line in unexplained_lazy_imports(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(SRC)}:{line}")
    assert offenders == [], (
        "move these imports to the module top, or keep them lazy with a "
        "'# lazy: why' comment (a heavy dependency or an import cycle):\n"
        + "\n".join(offenders))


def test_the_check_flags_an_unexplained_import_and_accepts_an_explained_one() -> None:
    source = '''
import os


def plain():
    """Docstring."""
    import json
    return json


def explained():
    # lazy: pandas costs 0.3 s at start-up
    import pandas as pd

    from downline.graph import Graph
    return pd, Graph


def inline():
    import numpy as np  # lazy: numpy is heavy
    x = 1
    import csv
    return np, x, csv
'''
    lines = source.splitlines()
    assert [lines[n - 1].strip() for n in unexplained_lazy_imports(source)] == [
        "import json", "import csv"]


def test_help_imports_no_heavy_dependency() -> None:
    # One fresh interpreter asks for the main help, then each command's: what is loaded
    # after each must hold none of HEAVY (modules only accumulate, so each step counts).
    helps = [["--help"], ["load", "--help"], ["screen", "--help"], ["simulate", "--help"],
             ["genealogy", "report", "--help"]]
    code = ("import sys, json\n"
            "from downline.cli import main\n"
            f"for args in {helps!r}:\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            "    sys.stderr.write(json.dumps([args, sorted(sys.modules)]) + '\\n')\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Usage") == len(helps), out.stdout
    steps = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("[")]
    assert [args for args, _ in steps] == helps, out.stderr
    for args, modules in steps:
        loaded = {name.split(".")[0] for name in modules}
        assert loaded & set(HEAVY) == set(), args
