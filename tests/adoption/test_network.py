"""DiffusionNetwork construction, hand-computed exposure/thresholds, errors, seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.adoption import netstats as ns
from downline.adoption.network import DiffusionNetwork, read_diffusion_network
from downline.errors import FormatError, InputError
from downline.graph.exposure import flagged_share, flagged_share_by_period

from .conftest import geodesics


def small(toa=(1, 2, 2, 3, None), weights=None):
    # a names b and c; b names c; d names a, b, c; e names nobody
    nodes = pd.DataFrame({"id": ["a", "b", "c", "d", "e"], "toa": list(toa),
                          "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    edges = pd.DataFrame({"source": ["a", "a", "b", "d", "d", "d"],
                          "target": ["b", "c", "c", "a", "b", "c"]})
    if weights is not None:
        edges["w"] = weights
    return DiffusionNetwork.from_tables(nodes, edges, weight="w" if weights else None)


def test_exposure_directed_by_hand():
    net = small()
    e = ns.exposure(net)  # periods 1..3, toa a1 b2 c2 d3 e-
    assert e.loc["a"].tolist() == [0.0, 1.0, 1.0]          # b, c adopted at 2
    assert e.loc["d"].tolist() == pytest.approx([1 / 3, 1.0, 1.0])
    assert e.loc["e"].tolist() == [0.0, 0.0, 0.0]          # named nobody: 0
    assert ns.exposure(net, empty=np.nan).loc["e"].isna().all()
    lag = ns.exposure(net, lags=1)
    assert np.isnan(lag.loc["d", 1]) and lag.loc["d", 2] == pytest.approx(1 / 3)
    incoming = ns.exposure(net, outgoing=False)              # who named c: a, b, d
    assert incoming.loc["c"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])
    counts = ns.exposure(net, normalized=False)
    assert counts.loc["d"].tolist() == [1.0, 3.0, 3.0]


def test_exposure_valued_and_attrs_by_hand():
    net = small(weights=[1, 3, 1, 2, 1, 1])
    e = ns.exposure(net, valued=True)
    assert e.loc["a"].tolist() == [0.0, 1.0, 1.0]
    assert e.loc["d", 1] == pytest.approx(2 / 4)
    assert ns.exposure(net, valued=False).loc["d", 1] == pytest.approx(1 / 3)
    e = ns.exposure(net, attrs=np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert e.loc["d", 1] == pytest.approx(1 / (1 + 2 + 3))


def test_thresholds_by_hand_and_censored():
    net = small()
    th = ns.network_thresholds(net)
    assert th.loc["a"] == 0.0              # alters adopt later
    assert th.loc["b"] == 1.0              # c adopts in the same period (lags=0)
    assert th.loc["d"] == 1.0
    assert np.isnan(th.loc["e"])           # never adopted: censored
    lag = ns.network_thresholds(net, lags=1)
    assert np.isnan(lag.loc["a"]) and lag.loc["b"] == 0.0 and lag.loc["d"] == 1.0
    assert ns.network_thresholds(small(weights=[1, 3, 1, 2, 1, 1]), valued=True).loc["d"] == 1.0
    coded = net.netdiffuser_coded()
    assert coded.toa.tolist() == [1, 2, 2, 3, 4] and coded.t1 == 4
    assert ns.network_thresholds(coded).loc["e"] == 0.0


def test_thresholds_agree_with_exposure_matrix():
    rng = np.random.default_rng(5)
    n = 80
    toa = rng.integers(1, 8, n).astype(float)
    toa[rng.random(n) < 0.2] = np.nan
    net = DiffusionNetwork.from_tables(
        pd.DataFrame({"id": range(n), "toa": toa}),
        pd.DataFrame({"source": rng.integers(0, n, 300), "target": rng.integers(0, n, 300)}))
    e = ns.exposure(net).to_numpy()
    th = ns.network_thresholds(net).to_numpy()
    ok = np.isfinite(net.toa)
    assert np.allclose(th[ok], e[np.flatnonzero(ok), (net.toa[ok] - net.t0).astype(int)])


def test_time_stamped_graph_uses_each_period():
    edges = pd.DataFrame({"source": ["c", "c"], "target": ["a", "b"], "time": [1, 3]})
    net = DiffusionNetwork.from_timed_edges(edges, {"a": 1, "b": 2, "c": 3})
    assert not net.static
    e = ns.exposure(net)
    assert e.loc["c"].tolist() == [1.0, 0.0, 1.0]   # only the tie of that period counts
    assert ns.network_thresholds(net).loc["c"] == 1.0


def test_graph_primitive_strictness():
    ip, ix = np.array([0, 2, 2, 2]), np.array([1, 2])
    f, t = flagged_share(ip, ix, np.array([np.nan, 1.0, 2.0]), np.array([2.0, 1.0, 2.0]),
                         strict=False)
    assert f.tolist() == [2.0, 0.0, 0.0] and t.tolist() == [2.0, 0.0, 0.0]
    f, _ = flagged_share_by_period(ip, ix, np.array([np.nan, 0.0, 5.0]), 1, 3)
    assert f[0].tolist() == [1.0, 1.0, 1.0]


def test_infection_susceptibility_netdiffuser_tests():
    # tests/testthat/test-infect_suscept.R lines 8-30: graph[5, 1:4] = 1,
    # times 1, 4, 1, 2, 3 -> susceptibility of 5 is 1/3 (K=1), 2/4 (K=2),
    # (1/1 + 2/1.1) / (3/1 + 2/1.1) (K=2, exponential r=.1).
    net = DiffusionNetwork.from_tables(
        pd.DataFrame({"id": [1, 2, 3, 4, 5], "toa": [1, 4, 1, 2, 3]}),
        pd.DataFrame({"source": [5, 5, 5, 5], "target": [1, 2, 3, 4]}))
    assert ns.susceptibility(net, normalize=False).iloc[4] == pytest.approx(1 / 3)
    assert ns.susceptibility(net, normalize=False, K=2).iloc[4] == pytest.approx(2 / 4)
    bmark = (1 / 1 + 2 / 1.1) / (3 / 1 + 2 / 1.1)
    assert ns.susceptibility(net, normalize=False, K=2, r=.1,
                             expdiscount=True).iloc[4] == pytest.approx(bmark)
    # lines 48-75: graph[2:5, 1] = 1, times (2, 1, 3, 4, 4) -> infection of 1 is 1/3
    # (K=1), 1/2 (K=2), and the same exponential benchmark.
    net = DiffusionNetwork.from_tables(
        pd.DataFrame({"id": [1, 2, 3, 4, 5], "toa": [2, 1, 3, 4, 4]}),
        pd.DataFrame({"source": [2, 3, 4, 5], "target": [1, 1, 1, 1]}), periods=(1, 4))
    assert ns.infection(net, normalize=False).iloc[0] == pytest.approx(1 / 3)
    assert ns.infection(net, normalize=False, K=2).iloc[0] == pytest.approx(1 / 2)
    assert ns.infection(net, normalize=False, K=2, r=.1,
                        expdiscount=True).iloc[0] == pytest.approx(bmark)


def test_moran_matches_dense_formula():
    rng = np.random.default_rng(3)
    n = 30
    w = (rng.random((n, n)) < 0.2).astype(float)
    np.fill_diagonal(w, 0)
    x = rng.normal(size=n)
    r = ns.moran(x, w)
    wn = w / (w.sum(axis=1, keepdims=True) + 1e-20)
    z = x - x.mean()
    assert r.observed == pytest.approx(n / wn.sum() * (z @ wn @ z) / (z @ z))
    assert r.expected == pytest.approx(-1 / (n - 1))


def test_struct_test_stable_under_seed():
    rng = np.random.default_rng(2)
    n = 60
    net = DiffusionNetwork.from_tables(
        pd.DataFrame({"id": range(n), "toa": rng.integers(1, 6, n).astype(float)}),
        pd.DataFrame({"source": rng.integers(0, n, 200), "target": rng.integers(0, n, 200)}))
    a = ns.struct_test(net, R=30, seed=7)
    b = ns.struct_test(net, R=30, seed=7)
    assert a.p_value == b.p_value and np.array_equal(a.simulated, b.simulated)
    c = ns.struct_test(net, R=30, seed=8)
    assert not np.array_equal(a.simulated, c.simulated)
    g = ns.rewire_swap(net.graphs[0], 2000, seed=1)
    g0 = net.graphs[0]
    assert (np.diff(g.indptr) == np.diff(g0.indptr)).all()
    assert (np.bincount(g.indices, minlength=n) == np.bincount(g0.indices, minlength=n)).all()
    assert g.diagonal().sum() == 0


def test_classify_and_regression_small():
    net = small()
    c = ns.classify_adopters(net)
    assert c.toa_class.loc["e"] == "Non-Adopters"
    assert int(c.counts.to_numpy().sum()) == 5
    d = c.to_dict()
    assert set(d) == {"toa_cutoffs", "thr_cutoffs", "counts", "percent"}


def test_survey_nominations():
    s = pd.DataFrame({"id": [1, 2, 3, 1, 2], "village": [1, 1, 1, 2, 2],
                      "toa": [1, 2, None, 1, 3],
                      "n1": [2, 3, 0, 2, 9], "n2": [3, None, 1, 2, 1]})
    net = DiffusionNetwork.from_survey(s, ["n1", "n2"], group="village")
    assert net.n == 5
    g = net.graphs[0]
    pos = {v: k for k, v in enumerate(net.ids)}
    assert g[pos["1-1"], pos["1-2"]] == 1 and g[pos["2-1"], pos["2-2"]] == 2  # named twice
    assert net.meta["unsurveyed_dropped"] == 1                                 # 9 in village 2
    with pytest.raises(InputError, match="not a respondent"):
        DiffusionNetwork.from_survey(s, ["n1", "n2"], group="village", unsurveyed="error")


def test_bad_input_names_file_line_field(tmp_path):
    nodes = tmp_path / "n.csv"
    edges = tmp_path / "e.csv"
    nodes.write_text("id,toa\n1,1\n2,x\n")
    edges.write_text("source,target\n1,2\n")
    with pytest.raises(InputError) as err:
        read_diffusion_network(nodes, edges)
    assert err.value.line == 3 and err.value.field == "toa" and str(nodes) in str(err.value)
    nodes.write_text("id,toa\n1,1\n2,2\n")
    edges.write_text("source,target\n1,2\n2,7\n")
    with pytest.raises(InputError) as err:
        read_diffusion_network(nodes, edges)
    assert err.value.line == 3 and err.value.field == "target" and "7" in str(err.value)
    nodes.write_text("id,toa\n1,1\n1,2\n")
    with pytest.raises(InputError, match="twice") as err:
        read_diffusion_network(nodes, edges)
    assert err.value.line == 3
    nodes.write_text("id,toa\n1,1.5\n2,2\n")
    with pytest.raises(InputError, match="whole period"):
        read_diffusion_network(nodes, edges)
    nodes.write_text("id,when\n1,1\n")
    with pytest.raises(FormatError, match="no column 'toa'"):
        read_diffusion_network(nodes, edges)


def test_structural_equivalence_against_loops():
    # Burt (1987) as netdiffuseR's struct_equiv_new / euclidean_distance spell it,
    # written with plain loops over a BFS geodesic matrix scaled to a maximum of 1.
    rng = np.random.default_rng(9)
    n = 12
    src, dst = rng.integers(0, n, 30), rng.integers(0, n, 30)
    net = DiffusionNetwork.from_tables(
        pd.DataFrame({"id": range(n), "toa": rng.integers(1, 4, n).astype(float)}),
        pd.DataFrame({"source": src, "target": dst}))
    adj = [set() for _ in range(n)]
    for a, b in zip(src, dst, strict=True):
        if a != b:
            adj[a].add(b)
    z = geodesics(adj, n)
    z /= z.max()
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            rest = [k for k in range(n) if k not in (i, j)]
            d[i, j] = np.sqrt((z[i, j] - z[j, i]) ** 2
                              + sum((z[i, k] - z[j, k]) ** 2 for k in rest)
                              + sum((z[k, i] - z[k, j]) ** 2 for k in rest))
    s = d.max(axis=1)[:, None] - d
    np.fill_diagonal(s, 0)
    expected = s / (s.sum(axis=1, keepdims=True) + 1e-15)
    assert np.allclose(ns.structural_equivalence(net.graphs[0]), expected)
    se_expo = ns.exposure(net, alt_graph="se")
    assert se_expo.shape == (n, net.n_periods) and np.isfinite(se_expo.to_numpy()).all()


def test_edge_file_with_header_only_is_a_network_without_ties(tmp_path):
    nodes, edges = tmp_path / "n.csv", tmp_path / "e.csv"
    nodes.write_text("id,toa\n1,1\n2,2\n3,\n")
    edges.write_text("source,target\n")
    net = read_diffusion_network(nodes, edges)
    assert net.graphs[0].nnz == 0
    s = ns.summarize(net)               # three nodes: Moran's I left NaN, not an error
    assert s.table["moran_obs"].isna().all()
    assert ns.network_thresholds(net).tolist()[:2] == [0.0, 0.0]


def test_from_tables_reads_files_and_read_diffusion_network_is_the_same_call(tmp_path):
    (tmp_path / "n.csv").write_text("ID,TOA,x\n007,1,a\n2,,b\n3,2,c\n")
    (tmp_path / "e.csv").write_text("Source,Target,W\n007,2,2\n3,007,1\n")
    a = DiffusionNetwork.from_tables(tmp_path / "n.csv", tmp_path / "e.csv", weight="W")
    b = read_diffusion_network(tmp_path / "n.csv", tmp_path / "e.csv", weight="w")
    assert a.name == b.name == "n"
    assert a.ids.tolist() == b.ids.tolist() == ["007", "2", "3"]
    assert (a.graphs[0] != b.graphs[0]).nnz == 0 and a.graphs[0].sum() == 3.0
    # a DataFrame keeps its own column names; a file's match without case
    nodes = pd.DataFrame({"ID": [1, 2], "TOA": [1, None]})
    (tmp_path / "e0.csv").write_text("source,target\n")
    net = DiffusionNetwork.from_tables(nodes, tmp_path / "e0.csv", id_column="ID",
                                       toa_column="TOA")
    assert net.n == 2 and net.graphs[0].nnz == 0
    with pytest.raises(TypeError):
        read_diffusion_network(tmp_path / "n.csv", tmp_path / "e.csv", nope=1)


def test_unvalued_statistics_leave_the_tie_weights_alone():
    net = small(weights=[1, 3, 1, 2, 1, 1])
    before = net.graphs[0].data.copy()
    ns.exposure(net)
    ns.network_thresholds(net)
    ns.geodesic_weights(net.graphs[0])
    assert net.graphs[0].data.tolist() == before.tolist()
    assert ns.exposure(net, valued=True).loc["d", 1] == pytest.approx(2 / 4)
