"""The graph core: an immutable CSR graph with labels, its readers, writers and schemes.

Everything in `downline` reads graphs through this package; it imports nothing else of
the project (but :mod:`downline.errors`).
"""

from downline.graph._core import CSR, Graph
from downline.graph.convert import from_networkx, to_networkx
from downline.graph.io import detect_kind, read_graph, write_edgelist, write_parquet
from downline.graph.outofcore import edgelist_to_csr, open_csr
from downline.graph.stats import describe
from downline.graph.temporal import TemporalGraph, read_temporal_graph
from downline.graph.weights import parse_scheme, trivalency, uniform, weighted_cascade

__all__ = [
    "CSR",
    "Graph",
    "TemporalGraph",
    "describe",
    "detect_kind",
    "edgelist_to_csr",
    "from_networkx",
    "open_csr",
    "parse_scheme",
    "read_graph",
    "read_temporal_graph",
    "to_networkx",
    "trivalency",
    "uniform",
    "weighted_cascade",
    "write_edgelist",
    "write_parquet",
]
