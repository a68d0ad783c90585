"""Influence maximization side by side with the C++ references: OPIM-C, SUBSIM, HIST.

On each graph (ego-Facebook from ../shared/data, and a seeded directed configuration
graph with power-law degrees of soc-Epinions1's size, 75,879 nodes and 508,837 arcs),
IC with weighted cascade, for every k of ``-k`` (default 50 and 500) and eps = 0.1 and
0.05, it runs in alternating order, ``--reps`` times each: the C++ OPIM-C (Tang et al.
2018), SUBSIM and its HIST mode (Guo et al. 2020), downline's default method
(:func:`downline.influence.opim_c`), :func:`downline.influence.hist` and (at the first k,
weighted cascade only) :func:`downline.influence.imm`, all on one thread. ``--uniform P`` adds
ego-Facebook with every probability P, a highly influential setting with large RR sets
(where HIST is meant to help). It prints the medians of each tool's
own algorithm time (the C++ tools' ``Time (sec)``, which leaves out loading the graph;
downline's warm call, compilation excluded, and separately its first call in this
process), their ratios, the minimum, the median CPU seconds (for C++ the whole process:
loading its binary graph and, for OPIM-C, its own Monte Carlo check of the result
after the algorithm; on a loaded machine wall times swing with the scheduler, CPU time
less), and the expected spread of every seed set scored by one
simulator for all (downline's forward Monte Carlo, ``--mc-runs`` runs, one stream).
The machine load (``os.getloadavg()``) is printed before and after.

The C++ programs are not part of this repository. Build them from their public
repositories outside it and name the binaries in environment variables; a tool whose
variable is unset or whose file is missing is skipped with a message:

- ``DOWNLINE_OPIMC_BIN``: OPIM-C from github.com/tangj90/OPIM (folder OPIM1.1):
  ``g++ -std=c++14 -O3 OPIM.cpp -o opimc``
- ``DOWNLINE_SUBSIM_BIN``: SUBSIM from github.com/qtguo/subsim:
  ``g++ -std=c++14 -O3 subsim.cpp -o subsim`` (also run in its HIST mode, ``-hist=1``)
- ``DOWNLINE_BENCH_DIR``: where the graphs are written in the tools' formats
  (default: a fresh temporary folder).

OPIM-C reads ``n m`` then ``u v p`` lines and is given the weighted-cascade
probabilities explicitly (``-mode=w``; its own WC formatter assigns wrong weights when
some node has no in-neighbour); SUBSIM reads ``n m`` then ``u v`` and sets WC (or the
uniform probability) itself.

Run: ``DOWNLINE_OPIMC_BIN=... DOWNLINE_SUBSIM_BIN=... .venv/bin/python
benchmarks/bench_influence.py [--reps 5] [-k 50,500] [--uniform 0.05] [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import downline
from downline.cascade import spread
from downline.graph import Graph
from downline.influence import hist, imm, opim_c

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FACEBOOK = DATA / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt"
EPINIONS_NODES, EPINIONS_ARCS = 75_879, 508_837


def _power_law_degrees(rng: np.random.Generator, n: int, total: int, exponent: float,
                       cap: float) -> np.ndarray:
    """``n`` degrees summing to ``total``, proportional to Pareto weights (capped)."""
    w = np.minimum((1.0 - rng.random(n)) ** (-1.0 / (exponent - 1.0)), cap)
    share = w / w.sum()
    deg = np.floor(share * total).astype(np.int64)
    deg += np.bincount(rng.choice(n, size=total - int(deg.sum()), p=share), minlength=n)
    return deg


def synthetic(n: int = EPINIONS_NODES, arcs: int = EPINIONS_ARCS, seed: int = 0) -> Graph:
    """A seeded directed configuration graph with power-law in- and out-degrees.

    Out- and in-degree sequences follow Pareto weights with exponent 2.0 (capped at
    3,035, soc-Epinions1's largest in-degree), stubs are paired at random, self-loops
    and repeated arcs dropped and replaced by fresh pairs until exactly ``arcs`` arcs
    remain; weights WC.
    """
    rng = np.random.default_rng(seed)
    cap = 3_035.0
    out_stubs = np.repeat(np.arange(n), _power_law_degrees(rng, n, arcs, 2.0, cap))
    in_stubs = np.repeat(np.arange(n), _power_law_degrees(rng, n, arcs, 2.0, cap))
    pairs = np.unique(out_stubs * n + rng.permutation(in_stubs))
    pairs = pairs[pairs // n != pairs % n]
    while pairs.shape[0] < arcs:
        extra = rng.choice(out_stubs, arcs) * n + rng.choice(in_stubs, arcs)
        extra = extra[extra // n != extra % n]
        pairs = np.union1d(pairs, extra)
    pairs = rng.permutation(pairs)[:arcs]
    g = Graph.from_indices(pairs // n, pairs % n, np.ones(pairs.shape[0]),
                           np.arange(n, dtype=np.int64), name=f"configuration-{n}n")
    return g.with_weights("wc")


def _edges(graph: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    labels = np.asarray(graph.labels, dtype=np.int64)
    return labels[src], labels[graph.indices], graph.probs


def write_tool_inputs(graph: Graph, folder: Path, name: str) -> None:
    """``name_w`` (u v p, for OPIM-C) and ``name_g`` (u v, for SUBSIM) under ``folder``."""
    src, dst, probs = _edges(graph)
    n = int(max(src.max(), dst.max())) + 1
    head = f"{n} {src.shape[0]}\n"
    with open(folder / f"{name}_w", "w") as f:
        f.write(head)
        np.savetxt(f, np.column_stack([src, dst, probs]), fmt=["%d", "%d", "%.9g"])
    with open(folder / f"{name}_g", "w") as f:
        f.write(head)
        np.savetxt(f, np.column_stack([src, dst]), fmt="%d")


class Tool:
    """One C++ reference: formats its input once, then runs and parses a run."""

    def __init__(self, label: str, binary: str | None, folder: Path) -> None:
        self.label = label
        self.binary = binary
        self.folder = folder

    @property
    def present(self) -> bool:
        return bool(self.binary) and Path(self.binary).is_file()

    def _run(self, args: list[str], check: bool = True) -> str:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([self.binary, *args], capture_output=True, text=True,
                              check=check, cwd=self.folder)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return done.stdout

    def prepare(self, name: str, uniform: float | None = None) -> None:
        if self.label == "OPIM-C":
            # OPIM-C exits with status 1 after formatting.
            self._run(["-func=0", f"-dir={self.folder}", f"-gname={name}_w", "-mode=w"],
                      check=False)
        else:
            pdist = ["-pdist=wc"] if uniform is None else ["-pdist=uniform",
                                                            f"-pedge={uniform}"]
            self._run(["-func=format", f"-dir={self.folder}", f"-gname={name}_g", *pdist])

    def run(self, name: str, k: int, eps: float, hist: bool = False
            ) -> tuple[float, list[int], float, float]:
        """Algorithm time, seeds, self-reported spread and CPU seconds of the whole
        process (loading its binary graph file included) of one run."""
        out_dir = self.folder / f"result-{self.label}-{int(hist)}"
        if self.label == "OPIM-C":
            text = self._run(["-func=1", f"-dir={self.folder}", f"-gname={name}_w",
                              "-alg=opim-c", "-mode=2", f"-seedsize={k}", f"-eps={eps}",
                              "-model=IC", "-pdist=load", f"-outpath={out_dir}"])
        else:
            text = self._run(["-func=im", f"-dir={self.folder}", f"-gname={name}_g",
                              f"-seedsize={k}", f"-eps={eps}", f"-hist={int(hist)}",
                              f"-outpath={out_dir}"])
        seconds = float(re.search(r"\|Time \(sec\): ([0-9.eE+-]+)", text).group(1))
        own = float(re.search(r"\|Influence: ([0-9.eE+-]+)", text).group(1))
        seed_files = sorted((out_dir / "seed").iterdir(), key=lambda p: p.stat().st_mtime)
        seeds = [int(x) for x in seed_files[-1].read_text().split()]
        return seconds, seeds, own, self.cpu


def _runners(tools: list[Tool], g: Graph, name: str, k: int, eps: float, cpp_hist: bool,
             with_imm: bool) -> list[tuple[str, object]]:
    """(label, run(rep) -> (seconds, seeds, own estimate)) of every tool, in order."""
    def cpp(tool: Tool, use_hist: bool = False):
        return lambda rep: tool.run(name, k, eps, use_hist)

    def ours(fn):
        def run(rep: int):
            t0, c0 = time.perf_counter(), time.process_time()
            s = fn(g, k, eps=eps, seed=rep, threads=1)
            return (time.perf_counter() - t0, [int(x) for x in s.seeds], s.spread_estimate,
                    time.process_time() - c0)
        return run

    runners = [(t.label, cpp(t)) for t in tools]
    if cpp_hist:
        runners += [("HIST", cpp(t, True)) for t in tools if t.label == "SUBSIM"]
    runners.append(("downline opim_c", ours(opim_c)))
    runners.append(("downline hist", ours(hist)))
    if with_imm:
        runners.append(("downline imm", ours(imm)))
    return runners


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="alternating runs per tool")
    parser.add_argument("--eps", default="0.1,0.05")
    parser.add_argument("-k", default="50,500", help="seed-set sizes, comma-separated "
                        "(IMM runs at the first only)")
    parser.add_argument("--uniform", type=float, default=None,
                        help="also ego-Facebook with every edge probability this")
    parser.add_argument("--mc-runs", type=int, default=2_000,
                        help="Monte Carlo runs scoring each run's seed set")
    parser.add_argument("--quick", action="store_true", help="ego-Facebook only, 2 reps")
    parser.add_argument("--no-cpp-hist", action="store_true",
                        help="leave SUBSIM's HIST mode out")
    parser.add_argument("--no-imm", action="store_true", help="leave IMM out")
    args = parser.parse_args()
    reps = 2 if args.quick else args.reps
    eps_list = [float(e) for e in args.eps.split(",")]
    k_list = [int(k) for k in args.k.split(",")]
    print(f"downline {downline.__version__}, {os.cpu_count()} CPUs; "
          f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    folder = Path(os.environ.get("DOWNLINE_BENCH_DIR") or tempfile.mkdtemp(prefix="dl-im-"))
    folder.mkdir(parents=True, exist_ok=True)
    tools = [Tool("OPIM-C", os.environ.get("DOWNLINE_OPIMC_BIN"), folder),
             Tool("SUBSIM", os.environ.get("DOWNLINE_SUBSIM_BIN"), folder)]
    for t in tools:
        if not t.present:
            var = "DOWNLINE_OPIMC_BIN" if t.label == "OPIM-C" else "DOWNLINE_SUBSIM_BIN"
            print(f"({t.label} skipped: set {var} to its binary, see this file's docstring)")
    tools = [t for t in tools if t.present]

    graphs: list[tuple[str, Graph, float | None]] = []
    if FACEBOOK.is_file():
        fb = downline.read_graph(FACEBOOK, weights="wc")
        graphs.append(("ego-Facebook", fb, None))
        if args.uniform is not None:
            graphs.append((f"ego-Facebook uniform {args.uniform:g}",
                           fb.with_weights(f"uniform:{args.uniform}"), args.uniform))
    else:
        print(f"({FACEBOOK} not found: ego-Facebook skipped)")
    if not args.quick:
        t0 = time.perf_counter()
        graphs.append(("configuration 75,879n/508,837a", synthetic(), None))
        print(f"configuration graph built in {time.perf_counter() - t0:.1f} s")

    print(f"\nk={args.k}, IC (WC unless uniform), one thread, medians of {reps} "
          f"alternating runs; MC spread = mean over the runs of each run's seeds scored by "
          f"{args.mc_runs:,} Monte Carlo runs (one stream for all), +- 1.96 sd / sqrt(runs)")
    for label, g, uniform in graphs:
        name = re.sub(r"\W+", "", label.lower())[:24]
        write_tool_inputs(g, folder, name)
        for t in tools:
            t.prepare(name, uniform)
        t0 = time.perf_counter()
        opim_c(g, k_list[0], eps=eps_list[0], seed=999, threads=1)
        hist(g, k_list[0], eps=eps_list[0], seed=999, threads=1)
        first = time.perf_counter() - t0
        print(f"\n{label}: {g.n:,} nodes, {g.m:,} arcs; downline opim_c + hist first calls "
              f"(compile or cache load included) {first:.2f} s; load "
              f"{os.getloadavg()[0]:.2f}")
        for k in k_list:
            for eps in eps_list:
                # IMM's worst-case sample of large RR sets would not fit in memory.
                _compare(g, label, name, tools, k, eps, reps, args,
                         with_imm=not args.no_imm and k == k_list[0] and uniform is None)
    print(f"\nload after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def _compare(g: Graph, label: str, name: str, tools: list[Tool], k: int, eps: float,
             reps: int, args: argparse.Namespace, with_imm: bool) -> None:
    """Alternating runs of every tool at one k and eps, then one table."""
    runners = _runners(tools, g, name, k, eps, not args.no_cpp_hist, with_imm)
    results: dict[str, list] = {lab: [] for lab, _ in runners}
    for rep in range(reps):
        shift = rep % len(runners)
        for lab, fn in runners[shift:] + runners[:shift]:
            try:
                results[lab].append(fn(rep))
            except subprocess.CalledProcessError as exc:
                print(f"  {lab} failed on {label} (eps {eps}): exit {exc.returncode}")
    results = {lab: r for lab, r in results.items() if r}
    # Every run's seeds, scored by the same simulator and stream.
    scored = {lab: [spread(g, "ic", g.index_of(r[1]), runs=args.mc_runs,
                           seed=20_261_201).mean for r in runs]
              for lab, runs in results.items()}
    med = {lab: statistics.median(r[0] for r in runs) for lab, runs in results.items()}
    ref_spread = statistics.mean(scored["OPIM-C"]) if "OPIM-C" in scored else None
    cpu = {lab: statistics.median(r[3] for r in runs) for lab, runs in results.items()}
    header = (f"{'graph':32} {'k':>5} {'eps':>5} {'tool':16} {'median s':>9} {'min s':>8} "
              f"{'CPU s':>7} {'vs OPIM-C':>9} {'vs SUBSIM':>9} {'vs HIST':>9} {'own est.':>9} "
              f"{'MC spread':>16} {'vs OPIM-C':>9}")
    print(header)
    print("-" * len(header))
    for lab, runs in results.items():
        ref, sub, hst = med.get("OPIM-C"), med.get("SUBSIM"), med.get("HIST")
        est = scored[lab]
        mean = statistics.mean(est)
        half = 1.96 * statistics.stdev(est) / len(est) ** 0.5 if len(est) > 1 else 0.0
        own = statistics.median(r[2] for r in runs)
        print(f"{label:32} {k:>5} {eps:>5} {lab:16} {med[lab]:>9.4f} "
              f"{min(r[0] for r in runs):>8.4f} {cpu[lab]:>7.4f} "
              f"{(f'{med[lab] / ref:.2f}x' if ref else '-'):>9} "
              f"{(f'{med[lab] / sub:.2f}x' if sub else '-'):>9} "
              f"{(f'{med[lab] / hst:.2f}x' if hst else '-'):>9} {own:>9,.0f} "
              f"{mean:>9,.1f}±{half:<6.1f} "
              f"{(f'{mean / ref_spread - 1:+.2%}' if ref_spread else '-'):>9}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
