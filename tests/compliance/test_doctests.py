"""The Examples of the compliance modules and the user guide run and stay true."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "downline.compliance",
    "downline.compliance.cases",
    "downline.compliance.library",
    "downline.compliance.posts",
    "downline.compliance.sample",
    "downline.compliance.tree",
    "downline.store.compliance",
]
DOC = Path(__file__).resolve().parents[2] / "docs" / "compliance.md"


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_user_guide() -> None:
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 5
