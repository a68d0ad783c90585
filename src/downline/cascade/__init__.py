"""The cascade engine: independent cascade, linear threshold and the downline-migration model.

:func:`simulate` estimates the spread of a seed set (node ids) by Monte Carlo and returns a
:class:`SpreadEstimate` (mean with a 95% interval, final sizes, mean adoption curve);
:func:`spread` is the same for dense indices, for influence maximization. The migration
model takes a :class:`Migration` with its parameters and returns a
:class:`MigrationResult` with per-step and per-first-mover tables. All runs happen in
numba kernels (:mod:`downline.cascade._kernels`), chunked with independent random
streams (:mod:`downline.cascade.montecarlo`).

Ranking influencers lives in :mod:`downline.influence`; measuring real migrations in
:mod:`downline.migration`.

Examples
--------
>>> from downline.graph import Graph
>>> from downline.cascade import simulate
>>> g = Graph.from_edges(["a", "b"], ["b", "c"], probs=1.0)
>>> simulate(g, "ic", ["a"], runs=100, seed=0).mean
3.0
"""

from downline.cascade.band import BandedSpread, simulate_with_band
from downline.cascade.models import (
    LT_TOLERANCE,
    Migration,
    check_lt_weights,
    check_model,
    model_name,
)
from downline.cascade.montecarlo import (
    DEFAULT_MAX_BATCH_BYTES,
    ChunkResult,
    ChunkTask,
    chunk_keys,
    make_task,
    memory_plan,
    run_chunk,
    simulate,
    spread,
)
from downline.cascade.results import MigrationResult, SpreadEstimate

__all__ = [
    "DEFAULT_MAX_BATCH_BYTES",
    "LT_TOLERANCE",
    "BandedSpread",
    "ChunkResult",
    "ChunkTask",
    "Migration",
    "MigrationResult",
    "SpreadEstimate",
    "check_lt_weights",
    "check_model",
    "chunk_keys",
    "make_task",
    "memory_plan",
    "model_name",
    "run_chunk",
    "simulate",
    "simulate_with_band",
    "spread",
]
