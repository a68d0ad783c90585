"""downline: downlines, influencers, cascades and compliant pitches on real networks.

The package is organised by area (see ``docs/``): :mod:`downline.graph` (the graph core
and readers), :mod:`downline.genealogy` (sponsor trees), :mod:`downline.cascade`
(simulation), :mod:`downline.pitch` (compliance screening) and :mod:`downline.store`
(the workspace). The most used entry points are re-exported here.
"""

from downline.errors import DownlineError, InputError
from downline.graph import Graph, read_graph

__all__ = ["DownlineError", "Graph", "InputError", "read_graph"]
__version__ = "0.1.0"
