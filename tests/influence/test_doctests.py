"""The Examples sections of the influence modules run as doctests."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "downline.influence.imm",
    "downline.influence.baselines",
    "downline.influence.reach",
    "downline.influence.report",
    "downline.influence.warmup",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_user_guide_examples() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "influence.md"
    if not guide.exists():
        pytest.skip("docs/ not present")
    result = doctest.testfile(str(guide), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
