"""The Examples sections of the service modules run and stay true."""

from __future__ import annotations

import doctest
import importlib
import warnings

import pytest

MODULES = [
    "downline.api",
    "downline.api._settings",
    "downline.api._state",
    "downline.api.app",
    "downline.api.batching",
    "downline.api.jobs",
    "downline.api.sample",
    "downline.api.security",
    "downline.api.server",
    "downline.api.uploads",
    "downline.adoption.analysis",
    "downline.cascade.band",
    "downline.common.serialize",
    "downline.influence.ego",
    "downline.web",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
