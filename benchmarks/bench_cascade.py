"""Benchmark of the cascade engine against cynetdiff (and NDlib), side by side in one run.

Three workloads, each timed as alternating runs (ours, cynetdiff, ours, cynetdiff, ...)
and reported as medians of wall time with the ratio cynetdiff / downline (> 1: downline is
faster), and beside them the medians of CPU time of the process (both run in this process,
downline on ``--threads`` numba threads), steadier than wall time on a shared machine:

* ``ic-wc``: 10,000 IC runs on ego-Facebook with weighted-cascade probabilities, the 50
  OPIM-C seeds (per-edge probabilities: downline's subset sampler);
* ``ic-uniform``: 1,000 IC runs on a Barabasi-Albert graph of 100,000 nodes and about
  1,000,000 undirected edges, 50 random seeds, p = 0.05 (geometric skipping);
* ``lt``: LT on ego-Facebook with WC weights, the 100 OPIM seeds, 10,000 runs.

Goal (issue 17): downline at least 3x cynetdiff on each, on one thread. downline runs on
``--threads`` numba threads (default 1; cynetdiff is single-threaded). The machine load
(``os.getloadavg()``) is printed before and after each workload: on a shared machine,
rerun when it is high. ego-Facebook is read from ``../shared/data`` (skipped with a
message when absent). NDlib, which loops in Python, runs on a small graph with
``--ndlib``.

Run::

    .venv/bin/python benchmarks/bench_cascade.py                       # all three
    .venv/bin/python benchmarks/bench_cascade.py --only ic-wc --repeats 5
    .venv/bin/python benchmarks/bench_cascade.py --quick               # small BA, fewer runs
"""

from __future__ import annotations

import argparse
import array
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np

from downline.cascade import make_task, simulate
from downline.graph import Graph, read_graph

DATA = Path(__file__).resolve().parent / "_data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "facebook"
FACEBOOK = SHARED / "facebook_OPIM_bidirected_4039n_176468arcs.txt"
IC_SEEDS = SHARED / "OPIM_seeds_facebook_opim-c_minBound_k50_load.txt"
LT_SEEDS = SHARED / "OPIM_seeds_LT_facebook_opim_vanilla_k100_WC_s1024000.txt"


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def ba_graph(n: int, m: int, seed: int) -> Graph:
    """A Barabasi-Albert graph (networkx generator, seeded), cached under benchmarks/_data."""
    DATA.mkdir(exist_ok=True)
    cache = DATA / f"ba_{n}_{m}_{seed}.npz"
    if cache.exists():
        z = np.load(cache)
        src, dst = z["src"], z["dst"]
    else:
        import networkx as nx

        g = nx.barabasi_albert_graph(n, m, seed=seed)
        edges = np.asarray(g.edges(), dtype=np.int64)
        src, dst = edges[:, 0], edges[:, 1]
        np.savez(cache, src=src, dst=dst)
    return Graph.from_edges(src, dst, undirected=True, nodes=np.arange(n),
                            name=f"BA({n:,}, {m})")


def _uint_array(a: np.ndarray) -> array.array:
    out = array.array("I")
    out.frombytes(np.ascontiguousarray(a, dtype=np.uint32).tobytes())
    return out


def _float_array(a: np.ndarray) -> array.array:
    out = array.array("f")
    out.frombytes(np.ascontiguousarray(a, dtype=np.float32).tobytes())
    return out


def cynetdiff_runner(g: Graph, model: str, seeds: list[int], runs: int, uniform_p: float | None,
                     seed: int) -> Callable[[], float]:
    """A callable running ``runs`` cynetdiff simulations; returns the mean spread."""
    from cynetdiff.models import IndependentCascadeModel, LinearThresholdModel

    starts, edges = _uint_array(g.indptr), _uint_array(g.indices)
    if model == "lt":
        m = LinearThresholdModel(starts, edges, influence=_float_array(g.probs), rng=seed)
    elif uniform_p is not None:
        m = IndependentCascadeModel(starts, edges, activation_prob=uniform_p, rng=seed)
    else:
        m = IndependentCascadeModel(starts, edges, activation_probs=_float_array(g.probs),
                                    rng=seed)
    m.set_seeds(seeds)

    def run() -> float:
        total = 0
        for _ in range(runs):
            m.reset_model()
            m.advance_until_completion()
            total += m.get_num_activated_nodes()
        return total / runs

    return run


def ours_runner(g: Graph, model: str, seeds: list[int], runs: int, seed: int
                ) -> Callable[[], float]:
    counter = iter(range(10**9))

    def run() -> float:
        return simulate(g, model, g.label_of(seeds), runs=runs, seed=seed + next(counter)).mean

    return run


def side_by_side(name: str, g: Graph, model: str, seeds: list[int], runs: int,
                 uniform_p: float | None, repeats: int, seed: int) -> dict[str, float]:
    ours = ours_runner(g, model, seeds, runs, seed)
    # Compile (or load numba's cache) and build the per-graph index outside the timing.
    t = time.perf_counter()
    make_task(g, model, np.asarray(seeds[:1], dtype=np.int32))
    index_s = time.perf_counter() - t
    simulate(g, model, g.label_of(seeds[:1]), runs=2, seed=0)
    theirs = cynetdiff_runner(g, model, seeds, runs, uniform_p, seed)
    before = load()
    times: dict[str, list[float]] = {"downline": [], "cynetdiff": []}
    cpu: dict[str, list[float]] = {"downline": [], "cynetdiff": []}
    means: dict[str, list[float]] = {"downline": [], "cynetdiff": []}
    for _ in range(repeats):
        for who, fn in (("downline", ours), ("cynetdiff", theirs)):
            c = time.process_time()
            t = time.perf_counter()
            means[who].append(fn())
            times[who].append(time.perf_counter() - t)
            cpu[who].append(time.process_time() - c)
    ours_s = statistics.median(times["downline"])
    theirs_s = statistics.median(times["cynetdiff"])
    ours_cpu = statistics.median(cpu["downline"])
    theirs_cpu = statistics.median(cpu["cynetdiff"])
    print(f"{name:<11} {g.name[:28]:<28} {runs:>7,} {ours_s:>9.3f} {theirs_s:>10.3f} "
          f"{theirs_s / ours_s:>6.2f}x  CPU {ours_cpu:.3f} vs {theirs_cpu:.3f} s "
          f"({theirs_cpu / ours_cpu:.2f}x); mean {statistics.fmean(means['downline']):,.1f} vs "
          f"{statistics.fmean(means['cynetdiff']):,.1f}; per-graph setup {index_s:.3f} s; "
          f"{before} -> {load()}")
    return {"downline": ours_s, "cynetdiff": theirs_s}


def time_ndlib(g: Graph, seeds: list[int], runs: int, p: float) -> tuple[float, float]:
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc
    import networkx as nx

    src = np.repeat(np.arange(g.n), g.out_degree())
    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.n))
    nxg.add_edges_from(zip(src.tolist(), g.indices.tolist(), strict=True))
    model = ep.IndependentCascadesModel(nxg)
    config = mc.Configuration()
    config.add_model_initial_configuration("Infected", seeds)
    for e in nxg.edges():
        config.add_edge_configuration("threshold", e, p)
    model.set_initial_status(config)
    total = 0
    t = time.perf_counter()
    for _ in range(runs):
        model.reset()
        while True:
            it = model.iteration()
            counts = it["node_count"]
            if it["iteration"] > 0 and counts[1] == 0:
                break
        total += counts[1] + counts[2]
    return time.perf_counter() - t, total / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["ic-wc", "ic-uniform", "lt"], action="append")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per side")
    parser.add_argument("--threads", type=int, default=1, help="numba threads of downline")
    parser.add_argument("--nodes", type=int, default=100_000, help="BA nodes (ic-uniform)")
    parser.add_argument("--m", type=int, default=10, help="BA edges per new node")
    parser.add_argument("--p", type=float, default=0.05, help="uniform IC probability")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="BA 20,000 nodes, 10x fewer runs")
    parser.add_argument("--ndlib", action="store_true", help="also NDlib on a small BA graph")
    args = parser.parse_args()
    numba.set_num_threads(args.threads)
    wanted = args.only or ["ic-wc", "ic-uniform", "lt"]
    scale = 10 if args.quick else 1
    nodes = 20_000 if args.quick else args.nodes

    print(f"downline vs cynetdiff, downline on {numba.get_num_threads()} numba thread(s), "
          f"cynetdiff on 1; medians of {args.repeats} alternating runs; {load()}")
    print(f"{'workload':<11} {'graph':<28} {'runs':>7} {'downline':>9} {'cynetdiff':>10} "
          f"{'ratio':>7}")
    if {"ic-wc", "lt"} & set(wanted):
        if not FACEBOOK.exists():
            print(f"ic-wc / lt skipped: {FACEBOOK} not found")
        else:
            fb = read_graph(FACEBOOK, weights="wc", name="ego-Facebook WC")
            if "ic-wc" in wanted:
                seeds = fb.index_of(IC_SEEDS.read_text().split()).tolist()
                side_by_side("ic-wc", fb, "ic", seeds, 10_000 // scale, None, args.repeats,
                             args.seed)
            if "lt" in wanted:
                seeds = fb.index_of(LT_SEEDS.read_text().split()).tolist()
                side_by_side("lt", fb, "lt", seeds, 10_000 // scale, None, args.repeats,
                             args.seed)
    if "ic-uniform" in wanted:
        base = ba_graph(nodes, args.m, args.seed)
        g = base.with_weights(f"uniform:{args.p}")
        seeds = np.random.default_rng(args.seed).choice(g.n, 50, replace=False).tolist()
        side_by_side("ic-uniform", g, "ic", seeds, 1000 // scale, args.p, args.repeats,
                     args.seed)
    if args.ndlib:
        small = ba_graph(5_000, args.m, args.seed).with_weights(f"uniform:{args.p}")
        seeds = np.random.default_rng(args.seed).choice(small.n, 50, replace=False).tolist()
        nd, nd_mean = time_ndlib(small, seeds, 20, args.p)
        t = time.perf_counter()
        mean = simulate(small, "ic", small.label_of(seeds), runs=1000, seed=args.seed).mean
        ours = (time.perf_counter() - t) / 1000
        print(f"NDlib on {small.name}: {nd / 20 * 1e3:.1f} ms/run (mean {nd_mean:,.1f}), "
              f"downline {ours * 1e3:.3f} ms/run (mean {mean:,.1f}) -> "
              f"{nd / 20 / ours:,.0f}x faster than NDlib")


if __name__ == "__main__":
    main()
