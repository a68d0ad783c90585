"""Fixtures of the cascade tests: small graphs and the ego-Facebook graph with WC weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import downline
from downline.graph import Graph

FACEBOOK = "facebook/facebook_OPIM_bidirected_4039n_176468arcs.txt"


@pytest.fixture(scope="session")
def facebook_wc(shared_data: Path) -> Graph:
    return downline.read_graph(shared_data / FACEBOOK, weights="wc")


def read_seeds(path: Path) -> list[str]:
    return path.read_text().split()


@pytest.fixture(scope="session")
def random_graph() -> Graph:
    """A directed Erdos-Renyi graph: 400 nodes, mean out-degree 6, random probabilities."""
    rng = np.random.default_rng(20240601)
    n, m = 400, 2400
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    return Graph.from_edges(src, dst, probs=rng.uniform(0.05, 0.4, m), nodes=np.arange(n),
                            name="er400")


def star(k: int, p: float = 1.0) -> Graph:
    """A hub ``0`` followed by ``1..k``."""
    return Graph.from_edges([0] * k, list(range(1, k + 1)), probs=p)
