"""Scaling the Monte Carlo on Dask: in-process against 1 and 2 local workers.

One run, same graph, same seeds, same chunking. Reports throughput (runs/s), the
overhead of the Dask path on one worker against in-process on one thread, and the
scaling efficiency of two workers. Writes benchmarks/results/engine.json.

    python benchmarks/bench_engine.py [--runs 40000] [--rr-sets 8000000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numba
import numpy as np

from downline.cascade import simulate
from downline.engine import DaskBackend
from downline.graph import read_graph

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=40000)
    ap.add_argument("--rr-sets", type=int, default=8_000_000)
    args = ap.parse_args()
    g = read_graph(SHARED / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt",
                   weights="wc")
    seeds = [int(s) for s in (SHARED / "facebook" /
             "OPIM_seeds_facebook_opim-c_minBound_k50_load.txt").read_text().split()]
    simulate(g, "ic", seeds, runs=10, seed=0)  # compile
    report: dict = {"graph": "ego-Facebook IC-WC, 50 OPIM-C seeds", "runs": args.runs}

    numba.set_num_threads(1)
    t = time.perf_counter()
    base = simulate(g, "ic", seeds, runs=args.runs, seed=1)
    report["inprocess_1thread_s"] = time.perf_counter() - t
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    t = time.perf_counter()
    simulate(g, "ic", seeds, runs=args.runs, seed=1)
    report["inprocess_all_threads_s"] = time.perf_counter() - t

    for workers in (1, 2):
        with DaskBackend(workers=workers) as backend:
            simulate(g, "ic", seeds, runs=50 * workers, seed=0, backend=backend)  # warm up
            t = time.perf_counter()
            est = simulate(g, "ic", seeds, runs=args.runs, seed=1, backend=backend)
            report[f"dask_{workers}_workers_s"] = time.perf_counter() - t
            assert np.array_equal(est.sizes, base.sizes), "Dask result differs"

    # RR-set sampling (IMM's inner loop): the same chunks in-process and on the workers.
    from downline.influence.rrsets import RRSets

    sets = args.rr_sets
    numba.set_num_threads(1)
    t = time.perf_counter()
    local = RRSets(g, "ic", entropy=1, stream=0, threads=1)
    local.extend_to(sets)
    report["rr_inprocess_1thread_s"] = time.perf_counter() - t
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    for workers in (1, 2):
        with DaskBackend(workers=workers) as backend:
            RRSets(g, "ic", entropy=0, stream=0, backend=backend).extend_to(4096 * workers)
            t = time.perf_counter()
            remote = RRSets(g, "ic", entropy=1, stream=0, backend=backend)
            remote.extend_to(sets)
            report[f"rr_dask_{workers}_workers_s"] = time.perf_counter() - t
            assert np.array_equal(remote.members, local.members), "Dask RR sets differ"
    report["rr_sets"] = len(local)
    report["rr_overhead_dask_1_worker"] = (report["rr_dask_1_workers_s"]
                                           / report["rr_inprocess_1thread_s"] - 1)
    report["rr_efficiency_2_workers"] = (report["rr_dask_1_workers_s"]
                                         / report["rr_dask_2_workers_s"] / 2)

    one = report["inprocess_1thread_s"]
    report["overhead_dask_1_worker"] = report["dask_1_workers_s"] / one - 1
    report["speedup_2_workers"] = report["dask_1_workers_s"] / report["dask_2_workers_s"]
    report["efficiency_2_workers"] = report["speedup_2_workers"] / 2
    for k, v in report.items():
        print(f"{k:28s} {v:.3f}" if isinstance(v, float) else f"{k:28s} {v}")
    print(f"runs/s: in-process 1 thread {args.runs / one:,.0f}; "
          f"dask 1 worker {args.runs / report['dask_1_workers_s']:,.0f}; "
          f"dask 2 workers {args.runs / report['dask_2_workers_s']:,.0f}")
    print(f"RR sets/s: in-process 1 thread {sets / report['rr_inprocess_1thread_s']:,.0f}; "
          f"dask 1 worker {sets / report['rr_dask_1_workers_s']:,.0f}; "
          f"dask 2 workers {sets / report['rr_dask_2_workers_s']:,.0f}")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "engine.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
