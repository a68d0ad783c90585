"""Exposure and thresholds on a million-node diffusion network over 20 periods.

Run: ``python benchmarks/bench_diffusion.py [nodes] [ties_per_node] [periods]``
(default 1,000,000 nodes, 10 ties each, 20 periods). netdiffuseR is R and absent here;
the anchor, timed side by side in the same process, is what a Python user writes first:
plain ``scipy.sparse`` (``A @ cumadopt`` over a dense ``n x T`` adoption matrix, divided
by the row sums). Both answers are compared. Two graphs: a static one, and a
time-stamped one where each tie belongs to one period (20 adjacency matrices).
Medians of five alternated runs; peak Python-tracked memory (tracemalloc, which sees
NumPy buffers) of one run each; the machine load. Results go to
``benchmarks/results/diffusion.json``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from downline.adoption.netstats import exposure, network_thresholds
from downline.adoption.network import DiffusionNetwork


def make(n: int, k: int, periods: int, timed: bool, seed: int = 1) -> DiffusionNetwork:
    rng = np.random.default_rng(seed)
    m = n * k
    src = rng.integers(0, n, m, dtype=np.int64)
    dst = rng.integers(0, n, m, dtype=np.int64)
    toa = rng.integers(1, periods + 1, n).astype(np.float64)
    toa[rng.random(n) < 0.1] = np.nan  # never adopted
    if timed:
        when = rng.integers(0, periods, m)
        graphs = tuple(sparse.csr_matrix((np.ones(int((when == p).sum())),
                                          (src[when == p], dst[when == p])), shape=(n, n))
                       for p in range(periods))
    else:
        graphs = (sparse.csr_matrix((np.ones(m), (src, dst)), shape=(n, n)),)
    graphs = tuple(_clean(g) for g in graphs)
    return DiffusionNetwork(ids=np.arange(n), toa=toa, t0=1, t1=periods, graphs=graphs,
                            covariates=pd.DataFrame(index=pd.RangeIndex(n, name="id")))


def _clean(g: sparse.csr_matrix) -> sparse.csr_matrix:
    g.setdiag(0)
    g.eliminate_zeros()
    g.data[:] = 1.0
    return g


def scipy_exposure(net: DiffusionNetwork) -> np.ndarray:
    """The anchor: dense adoption matrix times the adjacency, divided by row sums."""
    cum = (net.toa[:, None] <= net.periods[None, :]).astype(np.float64)
    out = np.empty((net.n, net.n_periods))
    for k in range(net.n_periods):
        g = net.graph_at(k)
        den = np.asarray(g.sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, k] = np.where(den > 0, (g @ cum[:, k]) / den, 0.0)
    return out


def scipy_thresholds(net: DiffusionNetwork) -> np.ndarray:
    e = scipy_exposure(net)
    ok = np.isfinite(net.toa)
    th = np.full(net.n, np.nan)
    th[ok] = e[np.flatnonzero(ok), (net.toa[ok] - net.t0).astype(np.int64)]
    return th


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def peak(fn, *args) -> float:
    tracemalloc.start()
    fn(*args)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    periods = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    print(f"load average before: {os.getloadavg()}")
    small = make(1000, 5, periods, False)
    exposure(small), network_thresholds(small)  # compile the kernels
    results = {}
    for kind in ("static", "time-stamped"):
        net = make(n, k, periods, kind == "time-stamped")
        edges = sum(g.nnz for g in net.graphs)
        ours = {
            "exposure": lambda net=net: exposure(net).to_numpy(),
            "thresholds": lambda net=net: network_thresholds(net).to_numpy(),
        }
        anchor = {"exposure": lambda net=net: scipy_exposure(net),
                  "thresholds": lambda net=net: scipy_thresholds(net)}
        for what in ("exposure", "thresholds"):
            t_ours, t_anchor = [], []
            a = b = None
            for _ in range(5):
                dt, a = timed(ours[what])
                t_ours.append(dt)
                dt, b = timed(anchor[what])
                t_anchor.append(dt)
            same = bool(np.allclose(a, b, equal_nan=True))
            mo, ma = peak(ours[what]), peak(anchor[what])
            row = {"nodes": n, "edges": int(edges), "periods": periods,
                   "downline_s": statistics.median(t_ours),
                   "scipy_s": statistics.median(t_anchor),
                   "downline_peak_mib": mo, "scipy_peak_mib": ma, "same_answer": same}
            row["ratio_scipy_over_downline"] = row["scipy_s"] / row["downline_s"]
            results[f"{kind} {what}"] = row
            print(f"{kind:>12} {what:<10} n={n:,} ties={edges:,} T={periods}: downline "
                  f"{row['downline_s']:.2f} s ({mo:.0f} MiB peak), scipy.sparse "
                  f"{row['scipy_s']:.2f} s ({ma:.0f} MiB), ratio "
                  f"{row['ratio_scipy_over_downline']:.1f}x, same answer: {same}",
                  flush=True)
        del net
    print(f"load average after: {os.getloadavg()}")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "diffusion.json").write_text(json.dumps(
        {"load_average": os.getloadavg(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
