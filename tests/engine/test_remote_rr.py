"""RR sets kept on the workers: greedy by summed rounds equals the in-memory lazy greedy."""

from __future__ import annotations

import sys

import pytest

from downline.engine import DaskBackend, LocalBackend
from downline.errors import ParameterError
from downline.graph import read_graph
from downline.influence import imm, opim_c
from downline.influence._kernels import greedy_max_coverage
from downline.influence.remote import RemoteRRSets
from downline.influence.rrsets import RRSets


@pytest.fixture(scope="module")
def nethept(shared_data):
    return read_graph(shared_data / "nethept" / "NetHEPT_snowgy_15233n_32235arcs_wc.txt")


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_round_greedy_matches_lazy_greedy(nethept, model):
    g = nethept if model == "ic" else nethept.with_weights("wc")
    local = RRSets(g, model, entropy=5, stream=1)
    local.extend_to(60_000)
    iptr, ids = local.inverted_index()
    seeds, gains, covered, bound = greedy_max_coverage(local.offsets, local.members, iptr,
                                                       ids, g.n, 20, True)
    remote = RemoteRRSets(g, model, entropy=5, stream=1, backend=LocalBackend())
    remote.extend_to(60_000)
    assert len(remote) == len(local)
    assert remote.stored_ids() == local.stored_ids()
    r_seeds, r_gains, r_covered, r_bound = remote.greedy(20, True)
    assert r_seeds.tolist() == seeds.tolist()
    assert r_gains.tolist() == gains.tolist()
    assert r_covered == covered
    assert r_bound == pytest.approx(bound)
    g1, f1 = local.coverage_fraction(seeds)
    g2, f2 = remote.coverage_fraction(seeds)
    assert g1.tolist() == g2.tolist() and f1 == f2


def test_imm_with_rr_sets_on_dask_workers(nethept):
    local = imm(nethept, 10, eps=0.3, seed=8)
    with DaskBackend(workers=2) as backend:
        kept = imm(nethept, 10, eps=0.3, seed=8, backend=backend, rr_on_workers=True)
    assert kept.params["rr_on_workers"] is True
    assert kept.seeds == local.seeds
    assert kept.spread_estimate == pytest.approx(local.spread_estimate)
    assert kept.lower_bound == pytest.approx(local.lower_bound)


@pytest.mark.parametrize("select", [imm, opim_c])
def test_rr_on_workers_needs_a_backend(nethept, select):
    with pytest.raises(ParameterError, match="backend"):
        select(nethept, 5, eps=0.3, seed=1, rr_on_workers=True)


def test_opim_c_with_rr_sets_kept_on_the_workers(nethept, monkeypatch):
    local = opim_c(nethept, 10, eps=0.3, seed=8)
    assert local.params["rr_on_workers"] is False
    backend = LocalBackend()  # the same code path as a cluster, in this process
    kept = opim_c(nethept, 10, eps=0.3, seed=8, backend=backend, rr_on_workers=True)
    # Switched half-way: gathered in the first round, then kept on the workers once a
    # doubling would pass the memory limit (0 here, so at the second round).
    assert local.params["rounds"] >= 2
    calls = []

    def limit():
        calls.append(1)
        return 0.0

    monkeypatch.setattr(sys.modules["downline.influence.imm"], "_rr_memory_limit", limit)
    switched = opim_c(nethept, 10, eps=0.3, seed=8, backend=backend)
    for result in (kept, switched):
        assert result.params["rr_on_workers"] is True
        assert result.seeds == local.seeds
        assert result.params["rounds"] == local.params["rounds"]
        assert result.params["rr_sets_selection"] == local.params["rr_sets_selection"]
        assert result.spread_estimate == pytest.approx(local.spread_estimate)
        assert result.lower_bound == pytest.approx(local.lower_bound)
        assert result.params["approximation"] == pytest.approx(local.params["approximation"])
    assert calls  # the automatic choice was consulted
