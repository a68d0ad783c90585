"""The three classic diffusion studies in ../shared/data/diffusion, for the adoption tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

DIFFUSION = Path(__file__).resolve().parents[3] / "shared" / "data" / "diffusion"
if not DIFFUSION.is_dir():  # a worktree under /work/wt/NAME: the shared data sits at /work
    DIFFUSION = Path("/work/shared/data/diffusion")
if not DIFFUSION.is_dir() and os.environ.get("CI"):
    raise RuntimeError(f"{DIFFUSION} is missing; CI must have ../shared beside the repo")

needs_diffusion = pytest.mark.skipif(not DIFFUSION.is_dir(),
                                     reason="shared diffusion data absent")
"""Mark for a module that reads the studies: absent data skips it, except in CI."""


def geodesics(adj: list, n: int, steps: int = 6) -> np.ndarray:
    """Plain-loop breadth-first geodesic distances up to ``steps`` (0 where unreached),
    ``adj[u]`` the out-neighbours of ``u``: the tests' independent reference."""
    dist_matrix = np.zeros((n, n))
    for s in range(n):
        dist, frontier = {s: 0}, [s]
        for step in range(1, steps + 1):
            nxt = []
            for u in frontier:
                for v in adj[u]:
                    if v not in dist:
                        dist[v] = step
                        nxt.append(v)
            frontier = nxt
        for v, d in dist.items():
            dist_matrix[s, v] = d
    return dist_matrix
