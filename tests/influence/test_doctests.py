"""The Examples sections of the influence modules run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "downline.influence.imm",
    "downline.influence.baselines",
    "downline.influence.reach",
    "downline.influence.report",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
