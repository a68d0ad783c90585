"""Per-person reach: every node's own expected spread, from one collection of RR sets.

A node ``v`` alone as seed activates ``E[spread({v})] = n * P(v in R)`` nodes in
expectation, where ``R`` is a random reverse-reachable set (Borgs et al. 2014). Counting
how many of ``theta`` RR sets contain each node therefore estimates every node's reach
at once, each with a binomial standard error ``n * sqrt(p (1 - p) / theta)``.

Only the counts are needed, so the sets are never kept: each task samples a run of chunks
and returns one array of ``n`` counts, and the arrays are summed. Memory is ``O(n)`` per
task whatever ``theta`` is, and on a cluster only the counts cross the network. The
chunks are those of :class:`~downline.influence.rrsets.RRSets` (same streams), and integer
sums do not depend on how the chunks are split into tasks, so the answer is the same
wherever it runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from downline.common.progress import Progress
from downline.common.rng import root_seed
from downline.engine import LocalBackend, default_threads
from downline.errors import ParameterError
from downline.graph import Graph
from downline.influence import _kernels
from downline.influence.imm import _Tracker
from downline.influence.rrsets import (
    CHUNK_SIZE,
    _chunk_on_worker,
    _shared_arrays,
    check_model,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Reach", "reach"]


@dataclass(frozen=True, eq=False)
class Reach:
    """Every node's estimated individual expected spread.

    Attributes
    ----------
    labels : ndarray
        Node ids in dense-index order.
    estimate : ndarray of float64
        Expected spread of each node seeded alone (itself included, so at least 1).
    stderr : ndarray of float64
        Standard error of each estimate.
    rr_sets : int
        Number of RR sets counted.
    params : dict
        Model, seed and graph name.
    """

    labels: np.ndarray
    estimate: np.ndarray
    stderr: np.ndarray
    rr_sets: int
    params: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per node, largest reach first: node, reach, stderr, 95% interval."""
        frame = pd.DataFrame(
            {
                "node": pd.Series(self.labels, dtype=object),
                "reach": self.estimate,
                "stderr": self.stderr,
                "ci_low": self.estimate - 1.96 * self.stderr,
                "ci_high": self.estimate + 1.96 * self.stderr,
            }
        )
        return frame.sort_values("reach", ascending=False, kind="stable").reset_index(drop=True)

    def top(self, k: int) -> pd.DataFrame:
        """The ``k`` nodes of largest reach."""
        return self.to_frame().head(k)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with one entry per node (node, reach, stderr)."""
        return {
            "rr_sets": self.rr_sets,
            "params": dict(self.params),
            "nodes": [
                {"node": lab, "reach": float(r), "stderr": float(s)}
                for lab, r, s in zip(
                    self.labels.tolist(), self.estimate, self.stderr, strict=True
                )
            ],
        }


def reach(
    graph: Graph,
    *,
    model: str = "ic",
    rr_sets: int | None = None,
    seed: int | np.random.Generator | None = None,
    threads: int | None = None,
    progress: Progress | None = None,
    backend: Any = None,
) -> Reach:
    """Estimate every node's individual expected spread in one pass over RR sets.

    Parameters
    ----------
    graph : Graph
    model : {"ic", "lt"}, default "ic"
    rr_sets : int, optional
        How many RR sets to sample; default ``max(100_000, 10 n)``. A node of reach
        ``s`` gets a standard error of about ``sqrt(s n / rr_sets)``.
    seed : int or Generator, optional
    threads : int, optional
        Sampling threads in this process, default the number of CPUs (the result does
        not depend on it).
    progress : callable, optional
        ``progress(done, total)`` in RR sets.
    backend : downline.engine.Backend, optional
        Sample there (a Dask cluster, say); each task returns only its counts. The
        result is the same as in-process.

    Returns
    -------
    Reach

    References
    ----------
    .. [1] C. Borgs, M. Brautbar, J. Chayes, B. Lucier. "Maximizing Social Influence in
       Nearly Optimal Time." SODA 2014.

    Examples
    --------
    >>> from downline.graph import Graph
    >>> g = Graph.from_edges(["a", "a", "b"], ["b", "c", "d"], probs=1.0)
    >>> r = reach(g, seed=1)
    >>> r.top(2)["node"].tolist()
    ['a', 'b']
    >>> round(float(r.top(1)["reach"].iloc[0]))
    4
    """
    model_name = check_model(graph, model)
    n = graph.n
    theta = max(100_000, 10 * n) if rr_sets is None else rr_sets
    if isinstance(theta, bool) or not isinstance(theta, int | np.integer) or theta <= 0:
        raise ParameterError(f"rr_sets must be a positive integer, not {rr_sets!r}",
                             field="rr_sets")
    entropy = root_seed(seed)
    track = _Tracker(progress)
    chunks = -(-int(theta) // CHUNK_SIZE)
    track.expect(chunks * CHUNK_SIZE)
    counts = _count_members(graph, model_name, entropy, chunks, threads, backend, track)
    total = chunks * CHUNK_SIZE
    p = counts / total
    estimate = n * p
    stderr = n * np.sqrt(p * (1.0 - p) / total)
    params = {"model": model_name, "seed": seed, "entropy": entropy, "graph": graph.name}
    return Reach(labels=graph.labels, estimate=estimate, stderr=stderr, rr_sets=total,
                 params=params)


def _counts_on_worker(shared: dict[str, Any], job: tuple[int, int, int, int]) -> np.ndarray:
    """Chunks ``first..last-1`` of ``stream``: how many of their sets contain each node."""
    entropy, stream, first, last = job
    counts = np.zeros(shared["n"], dtype=np.int64)
    for index in range(first, last):
        _, members = _chunk_on_worker(shared, (entropy, stream, index))
        _kernels.add_counts(members, counts)
    return counts


def _count_members(
    graph: Graph, model: str, entropy: int, chunks: int, threads: int | None,
    backend: Any, track: _Tracker,
) -> np.ndarray:
    shared = _shared_arrays(graph, model)  # built once here, before threads share it
    if backend is None:
        backend = LocalBackend(threads=default_threads(threads))
        # A few tasks per thread, so that progress moves and a slow one is not last.
        tasks = min(chunks, 4 * max(backend.threads, 2))
    else:
        tasks = min(chunks, 64)
    step = math.ceil(chunks / tasks)
    jobs = [(entropy, 0, a, min(a + step, chunks)) for a in range(0, chunks, step)]
    total = np.zeros(graph.n, dtype=np.int64)
    # In task order, summed as they come: one array of counts held here at a time.
    for job, part in zip(jobs, backend.imap(_counts_on_worker, shared, jobs), strict=True):
        total += part
        track((job[3] - job[2]) * CHUNK_SIZE)
    return total
