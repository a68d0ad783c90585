"""Monte Carlo over the cascade kernels: validation, chunking, random streams, aggregation.

A simulation of ``runs`` runs is cut into chunks of at most ``chunk_runs`` runs, sized so
that one chunk's memory (work arrays plus per-run outputs) stays under ``max_batch_bytes``.
Chunk ``i`` draws from its own random stream, the ``i``-th child of
``numpy.random.SeedSequence(seed)``, so chunks are independent and can run anywhere:
:func:`run_chunk` is a pure function of a :class:`ChunkTask` (plain arrays and
numbers), a number of runs and a 64-bit key, ready to be shipped to a Dask worker.

What does not live here: the compiled loops (:mod:`downline.cascade._kernels`) and the
result types (:mod:`downline.cascade.results`).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import pandas as pd

from downline.cascade import _kernels
from downline.cascade.models import Migration, check_lt_weights, lt_in_weights, model_name
from downline.cascade.results import MigrationResult, SpreadEstimate
from downline.common.progress import Progress
from downline.common.rng import root_seed, stream_seeds
from downline.engine import LocalBackend
from downline.errors import GraphError, ParameterError
from downline.graph import Graph

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_CHUNK_RUNS",
    "DEFAULT_MAX_BATCH_BYTES",
    "ChunkResult",
    "ChunkTask",
    "chunk_keys",
    "make_task",
    "memory_plan",
    "run_chunk",
    "simulate",
    "spread",
]

DEFAULT_MAX_BATCH_BYTES = 256 * 2**20
"""Default memory bound of one chunk (work arrays of every thread plus per-run outputs)."""

DEFAULT_CHUNK_RUNS = 256
"""Runs per chunk when memory allows; also how often ``progress`` is called."""



# -- the unit of work -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Everything a chunk of runs needs, as plain arrays and numbers (picklable).

    Build it with :func:`make_task`; run it with :func:`run_chunk`.
    """

    model: str
    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    seeds: np.ndarray
    max_steps: int
    uniform_p: float = -1.0
    # IC with per-edge probabilities: the subset-sampling index (_kernels.subset_index).
    subset: tuple[np.ndarray, ...] | None = None
    # Migration only.
    share_w: np.ndarray | None = None
    owner: np.ndarray | None = None
    level: np.ndarray | None = None
    follow: int = 0
    threshold: float = -1.0
    level_decay: float = 1.0
    attrition_old: float = 0.0
    attrition_new: float = 0.0
    backfill: float = 0.0

    @property
    def n(self) -> int:
        return int(self.indptr.shape[0] - 1)


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """The raw output of :func:`run_chunk` for ``runs`` runs.

    ``sizes`` (int64, per run), ``new_per_step`` (int64: new adopters per step summed over
    the runs), ``examined`` (edges looked at). Migration chunks also carry ``events``
    ((runs, steps + 1, 4): moved, dropped from old, dropped from new, recruited),
    ``followed`` and ``refilled`` ((runs, k)), ``final`` ((runs, 3): graph members on the
    old platform, on the new one and dropped out, counted node by node) and
    ``newcomers`` ((runs,)).
    """

    sizes: np.ndarray
    new_per_step: np.ndarray
    examined: int
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def run_chunk(task: ChunkTask, runs: int, key: int) -> ChunkResult:
    """Run ``runs`` simulations of ``task`` from the 64-bit stream key ``key``.

    Pure: the result depends only on the arguments (not on the number of threads).

    Examples
    --------
    >>> g = Graph.from_edges([0, 1], [1, 2], probs=1.0)
    >>> task = make_task(g, "ic", np.array([0], dtype=np.int32))
    >>> run_chunk(task, 3, key=12345).sizes.tolist()
    [3, 3, 3]
    """
    blocks = max(1, min(numba.get_num_threads(), runs))
    k = np.uint64(key)
    if task.model == "ic":
        index = task.subset if task.subset is not None else _kernels.empty_subset_index()
        sizes, per_step, examined = _kernels.ic_batch(
            task.indptr, task.indices, task.probs, task.uniform_p, index, task.seeds, k,
            runs, task.max_steps, blocks,
        )
        return ChunkResult(sizes, _trim(per_step.sum(axis=0)), int(examined.sum()))
    if task.model == "lt":
        sizes, per_step, examined = _kernels.lt_batch(
            task.indptr, task.indices, task.probs, task.seeds, k, runs, task.max_steps, blocks,
        )
        return ChunkResult(sizes, _trim(per_step.sum(axis=0)), int(examined.sum()))
    events, followed, refilled, final, newcomers = _kernels.migration_batch(
        task.indptr, task.indices, task.probs, task.share_w, task.owner, task.level,
        task.seeds, task.follow, task.threshold, task.level_decay, task.attrition_old,
        task.attrition_new, task.backfill, task.max_steps, k, runs, blocks,
    )
    moved = events[:, :, _kernels.EV_MOVED]
    return ChunkResult(
        moved.sum(axis=1),
        moved.sum(axis=0),
        0,
        {"events": events, "followed": followed, "refilled": refilled, "final": final,
         "newcomers": newcomers},
    )


def _trim(per_step: np.ndarray) -> np.ndarray:
    nz = np.flatnonzero(per_step)
    return per_step[: (int(nz[-1]) + 1 if nz.size else 1)]


# -- preparing a graph --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    uniform_p: float
    in_weight: np.ndarray


_PREPARED: weakref.WeakKeyDictionary[Graph, _Prepared] = weakref.WeakKeyDictionary()


def _prepared(graph: Graph) -> _Prepared:
    """Checks and derived arrays computed once per (immutable) graph."""
    got = _PREPARED.get(graph)
    if got is not None:
        return got
    probs = graph.probs
    bad = np.flatnonzero(~((probs >= 0.0) & (probs <= 1.0)))
    if bad.size:
        e = int(bad[0])
        src = int(np.searchsorted(graph.indptr, e, side="right") - 1)
        raise GraphError(
            f"edge probability {float(probs[e])!r} of edge {graph.label_of([src])[0]} -> "
            f"{graph.label_of([graph.indices[e]])[0]} is outside [0, 1]",
            field="probability",
        )
    uniform_p = float(probs[0]) if probs.size and probs.min() == probs.max() else -1.0
    if probs.size == 0:
        uniform_p = 0.0
    in_weight = lt_in_weights(graph)
    got = _Prepared(uniform_p, in_weight)
    _PREPARED[graph] = got
    return got


SUBSET_INDEX_MAX_BYTES = 1 << 30
"""Largest IC subset-sampling index kept per graph (see :func:`subset_index_bytes`).

Graphs above it simulate IC with one coin per edge instead."""


def subset_index_bytes(graph: Graph) -> int:
    """A bound on the memory of the IC subset-sampling index of ``graph`` while it is built.

    15 bytes per edge (target, probability, survival, guide cell, a segment mark), 8 per
    node and 24 per segment. A segment that closes, together with the edge after it, holds
    at least ``log(1 / SEGMENT_MIN_SURVIVAL)`` of ``-log(1 - p)``, so segments number at
    most one per node with edges, plus twice the total of ``min(-log(1 - p), that)``
    divided by it, plus the splits of over-long segments. On ego-Facebook with weighted
    cascade the bound is about 17 bytes per edge (the index itself about 15).

    Examples
    --------
    >>> g = Graph.from_edges([0, 0], [1, 2], probs=0.5)
    >>> subset_index_bytes(g)
    134
    """
    cap = float(np.log(1.0 / _kernels.SEGMENT_MIN_SURVIVAL))
    with np.errstate(divide="ignore"):
        mass = np.minimum(-np.log1p(-graph.probs.astype(np.float64)), cap)
    nonempty = int(np.count_nonzero(np.diff(graph.indptr)))
    segments = nonempty + int(np.ceil(2.0 * float(mass.sum()) / cap)) + (
        graph.m // _kernels.SEGMENT_MAX_EDGES)
    return 15 * graph.m + 8 * (graph.n + 1) + 24 * min(segments, graph.m + 1)

_SUBSET_INDEX: weakref.WeakKeyDictionary[Graph, tuple[np.ndarray, ...]] = (
    weakref.WeakKeyDictionary()
)


def _subset_index(graph: Graph) -> tuple[np.ndarray, ...] | None:
    """The IC subset-sampling index (:func:`_kernels.subset_index`), once per graph.

    None when the index would exceed :data:`SUBSET_INDEX_MAX_BYTES`. The cache holds the
    graph weakly, so the index goes with the graph.
    """
    got = _SUBSET_INDEX.get(graph)
    if got is None:
        if subset_index_bytes(graph) > SUBSET_INDEX_MAX_BYTES:
            return None
        got = _kernels.subset_index(graph.indptr, graph.indices, graph.probs)
        _SUBSET_INDEX[graph] = got
    return got


def make_task(
    graph: Graph,
    model: str | Migration,
    seed_indices: np.ndarray,
    *,
    steps: int | None = None,
) -> ChunkTask:
    """Validate a model and seeds on a graph and pack them into a :class:`ChunkTask`.

    ``seed_indices`` must be unique dense int32 indices (checked by the callers).
    """
    name = model_name(model)
    prep = _prepared(graph)
    max_steps = -1 if steps is None else steps
    if name == "ic":
        index = _subset_index(graph) if prep.uniform_p < 0.0 else None
        if index is not None:
            return ChunkTask("ic", graph.indptr, graph.indices, graph.probs, seed_indices,
                             max_steps, subset=index)
        return ChunkTask("ic", graph.indptr, graph.indices, graph.probs, seed_indices,
                         max_steps, uniform_p=prep.uniform_p)
    if name == "lt":
        check_lt_weights(graph, prep.in_weight)
        return ChunkTask("lt", graph.indptr, graph.indices, graph.probs, seed_indices,
                         max_steps)
    assert isinstance(model, Migration)
    if steps is None:
        steps = model.steps
    owner, level = _kernels.first_mover_territory(graph.indptr, graph.indices, seed_indices)
    if model.p is None:
        edge_p = graph.probs
    else:
        edge_p = np.full(graph.m, model.p, dtype=np.float32)
    inw = prep.in_weight[graph.indices]
    share_w = np.divide(graph.probs, inw, out=np.zeros(graph.m), where=inw > 0)
    return ChunkTask(
        "migration", graph.indptr, graph.indices, edge_p, seed_indices, int(steps),
        share_w=share_w, owner=owner, level=level,
        follow=_kernels.FOLLOW_CASCADE if model.follow == "cascade"
        else _kernels.FOLLOW_THRESHOLD,
        threshold=-1.0 if model.threshold == "uniform" else float(model.threshold),
        level_decay=model.level_decay, attrition_old=model.attrition_old,
        attrition_new=model.attrition_new, backfill=model.backfill,
    )


# -- chunking -----------------------------------------------------------------------------------


def memory_plan(
    task: ChunkTask, runs: int, max_batch_bytes: int | None = None
) -> tuple[int, int, int]:
    """Runs per chunk, work bytes of one thread, output bytes per run.

    One chunk needs ``threads * work + chunk_runs * per_run`` bytes, kept under
    ``max_batch_bytes`` (default 256 MiB). Raises ParameterError when not even one run
    fits.
    """
    bound = DEFAULT_MAX_BATCH_BYTES if max_batch_bytes is None else int(max_batch_bytes)
    if bound <= 0:
        raise ParameterError(f"max_batch_bytes must be positive, not {max_batch_bytes}",
                             field="max_batch_bytes")
    n = task.n
    k = int(task.seeds.shape[0])
    if task.model == "ic":
        work, per_run = 8 * n + 8 * (n + 1), 8
    elif task.model == "lt":
        work, per_run = 28 * n + 8 * (n + 1), 8
    else:
        steps = task.max_steps
        work = 60 * n + 8 * (steps + 2) * (k + 1) + 8 * (steps + 2)
        per_run = 8 * (4 * (steps + 1) + 2 * k + 4)
    threads = numba.get_num_threads()
    if work + per_run > bound:
        raise ParameterError(
            f"one run on this graph needs about {work + per_run:,} bytes, more than "
            f"max_batch_bytes={bound:,}",
            field="max_batch_bytes",
        )
    spare = bound - min(threads, runs) * work
    if spare < per_run:
        # Not every thread fits: the chunk runs with fewer threads' worth of runs.
        spare = bound - work
    chunk = max(1, min(DEFAULT_CHUNK_RUNS, runs, spare // per_run))
    return int(chunk), int(work), int(per_run)


def chunk_keys(root: int, n_chunks: int) -> list[int]:
    """64-bit stream keys of ``n_chunks`` chunks (:func:`downline.common.rng.stream_seeds`).

    Examples
    --------
    >>> chunk_keys(7, 2) == chunk_keys(7, 3)[:2]
    True
    """
    return [int(k) for k in stream_seeds(root, n_chunks)]


def _check_runs(runs: Any) -> int:
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer):
        raise ParameterError(f"runs must be a positive integer, not {runs!r}", field="runs")
    if runs <= 0:
        raise ParameterError(f"runs must be positive, not {runs}", field="runs")
    return int(runs)


def _check_steps(steps: Any) -> int | None:
    if steps is None:
        return None
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ParameterError(f"steps must be a non-negative integer, not {steps!r}",
                             field="steps")
    return int(steps)


# -- the public entry points ----------------------------------------------------------------------


def _run(
    graph: Graph,
    model: str | Migration,
    seed_indices: np.ndarray,
    *,
    runs: int,
    seed: Any,
    steps: int | None,
    progress: Progress | None,
    max_batch_bytes: int | None,
    chunk_runs: int | None = None,
    backend: Any = None,
) -> SpreadEstimate:
    runs = _check_runs(runs)
    steps = _check_steps(steps)
    root = root_seed(seed)
    task = make_task(graph, model, seed_indices, steps=steps)
    chunk, _, _ = memory_plan(task, runs, max_batch_bytes)
    if chunk_runs is not None:
        chunk = max(1, min(chunk, int(chunk_runs)))
    counts = [chunk] * (runs // chunk) + ([runs % chunk] if runs % chunk else [])
    keys = chunk_keys(root, len(counts))

    def chunk_progress(done_chunks: int, total: int) -> None:
        if progress is not None:
            progress(sum(counts[:done_chunks]), runs)

    # The edge arrays travel beside the task: a backend can then ship memory-mapped
    # ones (a graph from open_csr) as file names (see downline.engine).
    shared = {"task": dataclasses.replace(task, indptr=None, indices=None, probs=None),
              "indptr": task.indptr, "indices": task.indices, "probs": task.probs}
    runner = backend if backend is not None else LocalBackend()
    results = runner.map(_chunk_on_worker, shared, list(zip(counts, keys, strict=True)),
                         progress=chunk_progress)
    return _aggregate(graph, model, task, results, root=root, chunk=chunk)


def _chunk_on_worker(shared: dict[str, Any], job: tuple[int, int]) -> ChunkResult:
    """One chunk on an execution backend: the task arrays arrive once, as ``shared``."""
    runs, key = job
    task = dataclasses.replace(shared["task"], indptr=shared["indptr"],
                               indices=shared["indices"], probs=shared["probs"])
    return run_chunk(task, runs, key)


def _aggregate(
    graph: Graph,
    model: str | Migration,
    task: ChunkTask,
    results: list[ChunkResult],
    *,
    root: int,
    chunk: int,
) -> SpreadEstimate:
    sizes = np.concatenate([r.sizes for r in results])
    length = max(r.new_per_step.shape[0] for r in results)
    per_step = np.zeros(length, dtype=np.int64)
    for r in results:
        per_step[: r.new_per_step.shape[0]] += r.new_per_step
    curve = np.cumsum(per_step) / sizes.shape[0]
    params: dict[str, Any] = {
        "graph": graph.name,
        "nodes": graph.n,
        "weights": graph.meta.get("weights", "given"),
        "seeds": int(task.seeds.shape[0]),
        "steps": None if task.max_steps < 0 else task.max_steps,
        "chunk_runs": chunk,
        "chunks": len(results),
        "ci": "95% normal approximation: mean +- 1.96 * std / sqrt(runs)",
    }
    examined = sum(r.examined for r in results)
    name = model_name(model)
    if name != "migration":
        return SpreadEstimate.from_sizes(sizes, curve, model=name, seed=root, params=params,
                                         edges_examined=examined)
    assert isinstance(model, Migration)
    params.update(model.to_dict())
    params["steps"] = task.max_steps
    extra = {key: np.concatenate([r.extra[key] for r in results]) for key in results[0].extra}
    return MigrationResult.from_sizes(
        sizes, curve, model="migration", seed=root, params=params,
        steps_table=_steps_table(graph, task, extra["events"]),
        first_movers=_first_movers_table(graph, task, extra),
    )


def _steps_table(graph: Graph, task: ChunkTask, events: np.ndarray) -> pd.DataFrame:
    mean = events.mean(axis=0)
    moved = mean[:, _kernels.EV_MOVED]
    d_old = mean[:, _kernels.EV_DROPPED_OLD]
    d_new = mean[:, _kernels.EV_DROPPED_NEW]
    recruited = mean[:, _kernels.EV_RECRUITED]
    moved_total = np.cumsum(moved)
    old = graph.n - moved_total - np.cumsum(d_old)
    new = moved_total + np.cumsum(recruited) - np.cumsum(d_new)
    return pd.DataFrame({
        "step": np.arange(mean.shape[0]),
        "old_platform": old,
        "new_platform": new,
        "moved": moved,
        "dropped_old": d_old,
        "dropped_new": d_new,
        "dropped_out": d_old + d_new,
        "recruited": recruited,
        "moved_total": moved_total,
    })


def _first_movers_table(graph: Graph, task: ChunkTask, extra: dict[str, np.ndarray]
                        ) -> pd.DataFrame:
    k = int(task.seeds.shape[0])
    assert task.owner is not None
    territory = np.bincount(task.owner[task.owner >= 0], minlength=k)[:k] - 1
    followed = extra["followed"].mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(territory > 0, followed / np.maximum(territory, 1), np.nan)
    return pd.DataFrame({
        "first_mover": graph.label_of(task.seeds),
        "downline": territory,
        "followed": followed,
        "share_followed": share,
        "downline_after_refill": extra["refilled"].mean(axis=0),
    })


def _unique_seeds(idx: np.ndarray) -> np.ndarray:
    _, first = np.unique(idx, return_index=True)
    return np.ascontiguousarray(idx[np.sort(first)], dtype=np.int32)


def simulate(
    graph: Graph,
    model: str | Migration,
    seeds: Iterable[Any],
    *,
    runs: int = 1000,
    seed: int | np.random.Generator | None = None,
    steps: int | None = None,
    progress: Progress | None = None,
    max_batch_bytes: int | None = None,
    backend: Any = None,
) -> SpreadEstimate:
    """Estimate the spread of a cascade from ``seeds`` by Monte Carlo.

    Parameters
    ----------
    graph : Graph
        The network; its edge probabilities are the IC probabilities, the LT weights
        (in-weights must sum to at most 1) or the migration follow probabilities / weights.
    model : {"ic", "lt"} or Migration
        Independent cascade, linear threshold (Kempe et al. 2003) or the
        downline-migration model with its parameters.
    seeds : iterable
        Node ids as the user knows them (the labels of the graph); repeats count once.
        For the migration model these are the first movers.
    runs : int, default 1000
        Number of Monte Carlo runs.
    seed : int or numpy.random.Generator, optional
        Root of the random streams; the same seed gives the same result. When None, a
        fresh one is drawn and recorded in the result.
    steps : int, optional
        Stop after this many steps (IC and LT run to the end by default; for the
        migration model this overrides ``Migration.steps``).
    progress : callable, optional
        Called as ``progress(runs_done, runs)`` after each chunk.
    max_batch_bytes : int, optional
        Memory bound of one chunk (default 256 MiB); runs beyond it go to further chunks.
    backend : downline.engine.Backend, optional
        Where the chunks run (default: this process). With a
        :class:`~downline.engine.DaskBackend` the task arrays are broadcast to the
        workers once and each chunk is one Dask task; the same seed and chunking give
        the same result as in-process.

    Returns
    -------
    SpreadEstimate
        Mean spread (seeds included) with its 95% normal confidence interval, the final
        sizes of all runs and the mean cumulative adoption curve. For the migration
        model a :class:`MigrationResult` (a SpreadEstimate whose spread counts the
        members who moved) with the per-step and per-first-mover tables.

    Raises
    ------
    GraphError
        Seeds not in the graph (named), probabilities outside [0, 1], LT in-weights
        above 1.
    ParameterError
        ``runs <= 0``, bad steps, rates outside [0, 1], unknown model.

    Notes
    -----
    Runs are cut into chunks of at most 256 runs (fewer when the memory bound demands);
    chunk ``i`` uses the ``i``-th ``SeedSequence(seed).spawn`` child, and within a chunk
    every run has its own SplitMix64 stream, so the result does not depend on the number
    of threads. IC on graphs whose edges all share one probability uses geometric
    skipping: one random draw per successful edge instead of one per edge.

    References
    ----------
    Kempe, Kleinberg, Tardos. Maximizing the spread of influence through a social
    network. KDD 2003.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "a", "b"], ["b", "c", "d"], probs=1.0)
    >>> est = simulate(g, "ic", ["a"], runs=10, seed=1)
    >>> est.mean, est.curve.tolist()
    (4.0, [1.0, 3.0, 4.0])
    """
    ids = list(seeds) if not isinstance(seeds, str) else [seeds]
    if not ids:
        raise ParameterError("at least one seed is needed", field="seeds")
    idx = _unique_seeds(graph.index_of(ids))
    return _run(graph, model, idx, runs=runs, seed=seed, steps=steps, progress=progress,
                max_batch_bytes=max_batch_bytes, backend=backend)


def spread(
    graph: Graph,
    model: str | Migration,
    seed_indices: np.ndarray | Iterable[int],
    *,
    runs: int,
    seed: int | np.random.Generator | None = None,
    backend: Any = None,
) -> SpreadEstimate:
    """:func:`simulate` for dense int indices: the low-level entry for CELF and IMM.

    Graph checks are cached per graph, so many calls with few runs stay cheap.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges([0, 1], [1, 2], probs=1.0)
    >>> spread(g, "ic", [0], runs=5, seed=3).mean
    3.0
    """
    idx = np.asarray(seed_indices)
    if idx.size and (idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= graph.n):
        raise GraphError(f"seed indices must be integers in [0, {graph.n}), got {idx!r}",
                         field="seeds")
    idx = _unique_seeds(idx.astype(np.int32, copy=False).ravel())
    return _run(graph, model, idx, runs=runs, seed=seed, steps=None, progress=None,
                max_batch_bytes=None, backend=backend)
