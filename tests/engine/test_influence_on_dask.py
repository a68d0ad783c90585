"""IMM's RR-set sampling on a 2-worker local Dask cluster against in-process."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from downline.cli import app
from downline.engine import DaskBackend
from downline.graph import read_graph
from downline.influence import imm
from downline.influence.rrsets import RRSets


@pytest.fixture(scope="module")
def cluster():
    with DaskBackend(workers=2) as backend:
        yield backend


@pytest.fixture(scope="module")
def facebook(shared_data):
    return read_graph(shared_data / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt",
                      weights="wc")


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_rr_sets_identical_on_dask(cluster, facebook, model):
    local = RRSets(facebook, model, entropy=7, stream=0)
    remote = RRSets(facebook, model, entropy=7, stream=0, backend=cluster)
    local.extend_to(20_000)
    remote.extend_to(20_000)
    assert np.array_equal(local.offsets, remote.offsets)
    assert np.array_equal(local.members, remote.members)


def test_imm_same_seeds_on_dask(cluster, facebook):
    a = imm(facebook, 20, eps=0.2, seed=3)
    b = imm(facebook, 20, eps=0.2, seed=3, backend=cluster)
    assert a.seeds == b.seeds
    assert a.spread_estimate == pytest.approx(b.spread_estimate)


def test_cli_influencers_with_workers(shared_data):
    path = shared_data / "nethept" / "NetHEPT_snowgy_15233n_32235arcs_wc.txt"
    args = ["influencers", str(path), "-k", "5", "--weights", "given", "--eps", "0.3",
            "--methods", "imm", "--mc-runs", "500", "--seed", "4", "--json"]
    local = CliRunner().invoke(app, args)
    remote = CliRunner().invoke(app, [*args, "--workers", "2"])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert json.loads(local.stdout)["seeds"] == json.loads(remote.stdout)["seeds"]


def test_reach_identical_on_dask(cluster, facebook):
    from downline.influence import reach

    seen = []
    local = reach(facebook, rr_sets=50_000, seed=5)
    remote = reach(facebook, rr_sets=50_000, seed=5, backend=cluster,
                   progress=lambda done, total: seen.append(done))
    assert np.array_equal(local.estimate, remote.estimate)
    assert np.array_equal(local.stderr, remote.stderr)
    assert seen[-1] == remote.rr_sets and seen == sorted(seen)
