"""The influencer report, CELF and the ``downline influencers`` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import downline
from downline.cascade import spread
from downline.cli import app, main
from downline.genealogy import generate_genealogy
from downline.graph import Graph
from downline.influence import SeedSet, celf, imm, influencer_report


@pytest.fixture(scope="module")
def nethept_report(nethept: Graph):
    return influencer_report(nethept, 20, mc_runs=2000, seed=3,
                             methods=["imm", "degree", "degree-discount", "pagerank", "kcore"])


def test_report_side_by_side(nethept_report, nethept: Graph) -> None:
    rep = nethept_report
    assert rep.methods == ["imm", "degree", "degree-discount", "pagerank", "kcore"]
    frame = rep.to_frame()
    assert frame["method"].tolist() == rep.methods
    assert frame.set_index("method")["spread"].idxmax() == "imm"
    assert (frame["ci_low"] < frame["spread"]).all() and (frame["spread"] < frame["ci_high"]).all()
    overlap = rep.overlap()
    assert (np.diag(overlap.to_numpy()) == 20).all()
    assert (overlap.to_numpy() == overlap.to_numpy().T).all()
    seeds = rep.seeds_frame()
    assert len(seeds) == 5 * 20
    imm_rows = seeds[seeds["method"] == "imm"]
    idx = nethept.index_of(imm_rows["seed"].tolist())
    assert imm_rows["frontline"].tolist() == nethept.out_degree()[idx].tolist()
    assert (imm_rows["downline"] >= imm_rows["frontline"]).all()


def test_report_spread_is_monte_carlo_not_rr(nethept_report, nethept: Graph) -> None:
    rep = nethept_report
    s = rep.seed_sets["imm"]
    again = spread(nethept, "ic", s.indices, runs=2000, seed=rep.params["mc_seed"])
    assert rep.spreads["imm"].mean == again.mean
    assert rep.spreads["imm"].runs == 2000


def test_report_json_dict(nethept_report) -> None:
    d = nethept_report.to_dict()
    assert d["seeds"] == nethept_report.seed_sets["imm"].seeds
    assert set(d["methods"]) == set(nethept_report.methods)
    assert d["methods"]["imm"]["monte_carlo"]["runs"] == 2000
    json.dumps(d)  # plain Python values only


@pytest.mark.slow
def test_cascade_engine_agrees_with_test_estimator(facebook: Graph, facebook_imm: SeedSet,
                                                   mc) -> None:
    ours, se = mc(facebook, "ic", facebook_imm.indices, runs=4000, seed=8)
    theirs = spread(facebook, "ic", facebook_imm.indices, runs=4000, seed=8)
    assert abs(ours - theirs.mean) <= 4 * np.hypot(se, theirs.stderr)


def test_report_on_a_sponsor_tree() -> None:
    tree = generate_genealogy(400, seed=2)
    rep = influencer_report(tree, 3, methods=["imm", "degree"], p=0.5, mc_runs=500, seed=1)
    assert rep.k == 3 and len(rep.seeds) == 3
    assert set(rep.seeds) <= set(np.asarray(tree.ids).tolist())
    # In a tree the downline of a seed is its subtree: at least its recruits.
    assert (rep.downline["imm"] >= rep.frontline["imm"]).all()


@pytest.mark.slow
def test_celf_matches_imm_on_a_small_graph() -> None:
    rng = np.random.default_rng(5)
    src = rng.integers(0, 150, 600)
    dst = rng.integers(0, 150, 600)
    g = Graph.from_edges(src, dst).with_weights("wc")
    a = celf(g, 5, runs=500, seed=1)
    b = imm(g, 5, eps=0.1, seed=1)
    sa = spread(g, "ic", a.indices, runs=5000, seed=2).mean
    sb = spread(g, "ic", b.indices, runs=5000, seed=2).mean
    assert a.method == "celf" and a.params["estimates"] >= 150
    assert sa >= 0.95 * sb and sb >= 0.95 * sa


def test_report_rejects_unknown_method(nethept: Graph) -> None:
    from downline.errors import ParameterError

    with pytest.raises(ParameterError, match="unknown method"):
        influencer_report(nethept, 5, methods="imm,magic")
    with pytest.raises(ParameterError, match="mc_runs"):
        influencer_report(nethept, 5, mc_runs=-1)
    with pytest.raises(ParameterError, match="mc_se"):
        influencer_report(nethept, 5, mc_se=0.0)
    with pytest.raises(ParameterError, match="mc_runs is 0"):
        influencer_report(nethept, 5, mc_se=1.0, mc_runs=0)


def test_report_by_default_is_the_guaranteed_method_alone(nethept: Graph) -> None:
    rep = influencer_report(nethept, 10, seed=5)
    assert rep.methods == ["opim-c"] and rep.lead == "opim-c"
    assert rep.spreads == {} and rep.params["mc_runs"] == 0
    s = rep.seed_sets["opim-c"]
    assert s.lower_bound <= s.spread_estimate and s.params["approximation"] > 0.5
    frame = rep.to_frame()
    assert np.isnan(frame["spread"].iloc[0]) and frame["mc_runs"].iloc[0] == 0
    d = rep.to_dict()
    assert d["lead"] == "opim-c" and d["methods"]["opim-c"]["monte_carlo"] is None
    json.dumps(d)
    # Comparing measures every set, 10,000 runs unless told; mc_runs=0 skips it.
    assert influencer_report(nethept, 3, methods="opim-c,degree", mc_runs=0,
                             seed=5).spreads == {}


def test_report_adaptive_monte_carlo_reaches_the_stated_error(nethept: Graph) -> None:
    rep = influencer_report(nethept, 5, methods="degree,pagerank", mc_se=0.5, seed=2)
    for est in rep.spreads.values():
        assert est.stderr <= 0.5 * 1.1  # sized from a pilot: about the stated error
        assert est.runs > 1000
    capped = influencer_report(nethept, 5, methods="degree", mc_se=0.01, mc_runs=3000,
                               seed=2)
    assert capped.spreads["degree"].runs == 3000


runner = CliRunner()
NETHEPT = "nethept/NetHEPT_snowgy_15233n_32235arcs_wc.txt"


def test_cli_json_seeds_are_file_ids(shared_data, tmp_path) -> None:
    # NetHEPT's ids are its dense indices, which would hide an id/index mix-up: renumber
    # them (id -> 7 * id + 100003, none below the node count) and keep the edges (not the
    # "n m" header, which would no longer match the ids).
    lines = (shared_data / NETHEPT).read_text().splitlines()
    renumbered = [
        f"{7 * int(u) + 100_003} {7 * int(v) + 100_003} {p}"
        for u, v, p in (line.split() for line in lines[1:])
    ]
    path = tmp_path / "nethept-renumbered.txt"
    path.write_text("\n".join(renumbered) + "\n")
    result = runner.invoke(app, ["influencers", str(path), "-k", "10", "--weights", "given",
                                 "--mc-runs", "300", "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["seeds"]) == 10
    assert out["lead"] == "opim-c"
    assert out["seeds"] == out["methods"]["opim-c"]["seeds"]
    assert all(isinstance(s, int) and (s - 100_003) % 7 == 0 for s in out["seeds"])
    graph = downline.read_graph(path, weights="given")
    chosen = influencer_report(graph, 10, seed=4).seed_sets["opim-c"]
    assert out["seeds"] == list(graph.label_of(chosen.indices)) == chosen.seeds
    # the same people as on the file with the original ids
    original = influencer_report(nethept_graph(shared_data), 10, seed=4)
    assert [(s - 100_003) // 7 for s in out["seeds"]] == original.seed_sets["opim-c"].seeds
    assert set(out["methods"]) == {"opim-c"}
    assert out["methods"]["opim-c"]["monte_carlo"]["runs"] == 300


def nethept_graph(shared_data) -> Graph:
    return downline.read_graph(shared_data / NETHEPT, weights="given")


def test_cli_default_skips_monte_carlo(shared_data) -> None:
    path = str(shared_data / NETHEPT)
    result = runner.invoke(app, ["influencers", path, "-k", "5", "--weights", "given",
                                 "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["methods"]) == {"opim-c"}
    assert out["methods"]["opim-c"]["monte_carlo"] is None
    assert out["methods"]["opim-c"]["lower_bound"] > 0


def test_cli_compare(shared_data) -> None:
    path = str(shared_data / NETHEPT)
    result = runner.invoke(app, ["influencers", path, "-k", "5", "--weights", "given",
                                 "--compare", "degree,opim-c,pagerank", "--mc-runs", "300",
                                 "--seed", "4", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out["methods"]) == ["opim-c", "degree", "pagerank"]
    assert all(m["monte_carlo"]["runs"] == 300 for m in out["methods"].values())
    table = runner.invoke(app, ["influencers", path, "-k", "5", "--weights", "given",
                                "--method", "imm", "--compare", "degree", "--mc-runs", "0",
                                "--seed", "4"])
    assert table.exit_code == 0, table.output
    assert "imm" in table.stdout and "degree" in table.stdout
    assert "spread ±" not in table.stdout


def test_cli_seeds_out_is_read_by_simulate(shared_data, tmp_path) -> None:
    path = str(shared_data / NETHEPT)
    seeds_file = tmp_path / "seeds.txt"
    result = runner.invoke(app, ["influencers", path, "-k", "7", "--weights", "given",
                                 "--seed", "4", "--seeds-out", str(seeds_file), "--json"])
    assert result.exit_code == 0, result.output
    chosen = json.loads(result.stdout)["seeds"]
    lines = [x for x in seeds_file.read_text().splitlines() if not x.startswith("#")]
    assert lines == [str(s) for s in chosen]
    sim = runner.invoke(app, ["simulate", path, "--weights", "given", "--seeds-file",
                              str(seeds_file), "--runs", "200", "--seed", "1", "--json"])
    assert sim.exit_code == 0, sim.output
    assert str(chosen[0]) in sim.stdout or len(chosen) == 7
    from downline.cli.cascade import read_seeds_file

    assert read_seeds_file(seeds_file) == [str(s) for s in chosen]


def test_cli_table(shared_data) -> None:
    path = str(shared_data / NETHEPT)
    result = runner.invoke(app, ["influencers", path, "-k", "5", "--weights", "given",
                                 "--methods", "imm,degree", "--mc-runs", "200", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "imm" in result.stdout and "degree" in result.stdout and "downline" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-k", "0"], "at least 1"),
        (["-k", "99999"], "larger than the graph"),
        (["--eps", "1"], "eps"),
        (["--model", "sir"], "'ic' or 'lt'"),
        (["--methods", "imm,foo"], "unknown method"),
        (["--compare", "degree,foo"], "unknown method"),
        (["--method", "bar"], "unknown method"),
        (["--compare", ","], "names no method"),
        (["--methods", "imm", "--compare", "degree"], "not both"),
        (["--mc-runs", "-1"], "mc-runs must be a non-negative"),
        (["--mc-se", "0"], "mc-se must be a positive"),
        (["--mc-se", "nan"], "mc-se must be a positive"),
        (["--mc-se", "2", "--mc-runs", "0"], "mc-runs is 0"),
        (["--seeds-out", "/nonexistent-dir-xyz/seeds.txt"], "no such directory"),
        (["--seeds-out", "/tmp"], "is a directory"),
        (["--model", "lt", "--weights", "uniform:0.5"], "in-weights"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(shared_data, capsys, args, message) -> None:
    path = str(shared_data / NETHEPT)
    with pytest.raises(SystemExit) as exit_info:
        main(["influencers", path, *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and "\n" not in err


def test_cli_sponsor_tree() -> None:
    from downline.data import sample_path

    path = str(sample_path("sample_genealogy.csv"))
    result = runner.invoke(app, ["influencers", path, "--sponsor-tree", "-k", "3", "--p",
                                 "0.6", "--methods", "imm,degree", "--mc-runs", "200",
                                 "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["seeds"]) == 3
    assert out["methods"]["imm"]["downline"][0] >= out["methods"]["imm"]["frontline"][0]
