"""The engine reproduces published expected spreads on ego-Facebook (weighted cascade).

Runs are chosen so that 1% of the published figure is more than 4 standard errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from downline.cascade import simulate
from downline.graph import Graph

from .conftest import read_seeds

CASES = [
    ("ic", "facebook/OPIM_seeds_facebook_opim-c_minBound_k50_load.txt", 50, 1177.5),
    ("lt", "facebook/OPIM_seeds_LT_facebook_opim_vanilla_k100_WC_s1024000.txt", 100, 2721.97),
]


@pytest.mark.slow
@pytest.mark.parametrize(("model", "seeds_file", "k", "published"), CASES)
def test_facebook_published_spread(
    facebook_wc: Graph, shared_data: Path, model: str, seeds_file: str, k: int,
    published: float,
) -> None:
    seeds = read_seeds(shared_data / seeds_file)
    assert len(seeds) == k
    est = simulate(facebook_wc, model, seeds, runs=2000, seed=2024)
    assert 0.01 * published > 4 * est.stderr
    assert abs(est.mean - published) <= 0.01 * published
    assert est.ci_low < est.mean < est.ci_high
    assert est.curve[0] == k and est.curve[-1] == pytest.approx(est.mean)
