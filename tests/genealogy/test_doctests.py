"""The Examples sections of the genealogy modules run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "downline.genealogy",
    "downline.genealogy.tree",
    "downline.genealogy.io",
    "downline.genealogy.reports",
    "downline.genealogy.generate",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
