"""The cascade Monte Carlo on a 2-worker local Dask cluster against in-process."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from downline.cascade import Migration, simulate
from downline.engine import DaskBackend
from downline.graph import Graph


@pytest.fixture(scope="module")
def cluster():
    with DaskBackend(workers=2) as backend:
        yield backend


@pytest.fixture(scope="module")
def graph():
    rng = np.random.default_rng(11)
    src = rng.integers(0, 2000, 20_000)
    dst = rng.integers(0, 2000, 20_000)
    return Graph.from_edges(src, dst).with_weights("wc")


def test_same_seed_same_result_on_dask(cluster, graph):
    seeds = list(range(20))
    local = simulate(graph, "ic", seeds, runs=2000, seed=5)
    remote = simulate(graph, "ic", seeds, runs=2000, seed=5, backend=cluster)
    # same chunking and streams: identical run by run, not merely close
    assert np.array_equal(local.sizes, remote.sizes)
    assert np.allclose(local.curve, remote.curve)


def test_distribution_matches_across_seeds(cluster, graph):
    seeds = list(range(20))
    a = simulate(graph, "lt", seeds, runs=3000, seed=1)
    b = simulate(graph, "lt", seeds, runs=3000, seed=2, backend=cluster)
    assert stats.ks_2samp(a.sizes, b.sizes).pvalue > 0.001
    assert abs(a.mean - b.mean) < 4 * np.hypot(a.stderr, b.stderr)


def test_migration_on_dask(cluster, graph):
    model = Migration(follow="cascade", attrition_old=0.05, backfill=0.1, steps=6)
    local = simulate(graph, model, [0, 1, 2], runs=300, seed=9)
    remote = simulate(graph, model, [0, 1, 2], runs=300, seed=9, backend=cluster)
    assert np.array_equal(local.sizes, remote.sizes)
    assert local.steps_table.equals(remote.steps_table)


def test_cli_simulate_with_workers(tmp_path):
    import json

    from typer.testing import CliRunner

    from downline.cli import app
    from downline.data import sample_path

    seeds = tmp_path / "seeds.txt"
    seeds.write_text("160\n121\n")
    args = ["simulate", str(sample_path()), "--seeds-file", str(seeds), "--runs", "600",
            "--seed", "2", "--json"]
    local = CliRunner().invoke(app, args)
    remote = CliRunner().invoke(app, [*args, "--workers", "2"])
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert json.loads(local.stdout)["mean"] == json.loads(remote.stdout)["mean"]
