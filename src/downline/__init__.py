"""downline: downlines, influencers, cascades and compliant pitches on real networks.

The package is organised by area (see ``docs/``): :mod:`downline.graph` (the graph core
and readers), :mod:`downline.genealogy` (sponsor trees), :mod:`downline.cascade`
(simulation), :mod:`downline.pitch` (compliance screening) and :mod:`downline.store`
(the workspace). The most used entry points are re-exported here.

``import downline`` stays light: :class:`Graph` and :func:`read_graph` (which bring NumPy,
numba and pyarrow) are imported on first use, so the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from downline.errors import DownlineError, InputError

if TYPE_CHECKING:
    from downline.graph import Graph, read_graph

__all__ = ["DownlineError", "Graph", "InputError", "read_graph"]
__version__ = "0.1.0"

_LAZY = {"Graph": "downline.graph", "read_graph": "downline.graph"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'downline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
