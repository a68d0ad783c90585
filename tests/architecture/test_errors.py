"""Every exception `downline` raises on purpose lives in downline.errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import downline
from downline import errors
from downline.errors import NotFoundError

SRC = Path(downline.__file__).parent
# Control flow inside the API's job runner, never shown to a user.
ALLOWED_ELSEWHERE = {"api/jobs.py": {"Cancelled"}}


def _exception_classes(tree: ast.Module) -> list[str]:
    out = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(b) for b in node.bases]
            # HTTP answers of the API face (HTTPException) are responses, not errors.
            if any(b.endswith(("Error", "Exception")) and b != "HTTPException" for b in bases):
                out.append(node.name)
    return out


def test_no_exception_class_outside_errors() -> None:
    found = {}
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        if rel == "errors.py":
            continue
        names = set(_exception_classes(ast.parse(path.read_text(encoding="utf-8"))))
        names -= ALLOWED_ELSEWHERE.get(rel, set())
        if names:
            found[rel] = sorted(names)
    assert found == {}


def test_every_error_is_a_downline_error() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.DownlineError), name


def test_not_found_is_a_key_error_with_a_readable_message() -> None:
    from downline.pitch import load_rules

    with pytest.raises(KeyError) as info:
        load_rules().get("NO-SUCH-RULE")
    assert isinstance(info.value, NotFoundError)
    assert str(info.value) == "field 'rule': no rule 'NO-SUCH-RULE' in this rule set"


def test_psutil_is_declared() -> None:
    import tomllib

    pyproject = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())
    declared = {d.split(">")[0].split("[")[0].strip() for d in pyproject["project"]["dependencies"]}
    assert "psutil" in declared
