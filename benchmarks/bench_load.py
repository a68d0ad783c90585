"""Loading a 10-million-line edge list: downline.read_graph against networkx.read_edgelist.

Each reader runs in a fresh Python process so that its peak resident memory is its own.
Two figures per reader, printed side by side with networkx in one run:

* whole process: ``python -c "read the file"`` from exec to exit (imports, compilation
  from numba's cache, reading), the time a user waits;
* in process: the read alone, and the memory it adds (peak RSS minus RSS before it), also
  as a multiple of the finished CSR arrays (the goal: at most 3x).

Medians of ``--repeat`` alternating runs, the machine load printed. Results are written
as JSON to benchmarks/results/load.json.

    python benchmarks/bench_load.py [--lines 10000000] [--repeat 3] [--skip-networkx]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
RESULTS = HERE / "results"

CHILD = r"""
import json, resource, sys, time
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kind, path = sys.argv[1], sys.argv[2]
if kind == "downline":
    import downline
    from downline.graph import Graph
    Graph.from_edges([0], [1])  # compile the numba kernels outside the timed part
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    g = downline.read_graph(path)
    wall = time.perf_counter() - t
    csr = g.indptr.nbytes + g.indices.nbytes + g.probs.nbytes + g.labels.nbytes
    n, m = g.number_of_nodes(), g.number_of_edges()
else:
    import networkx as nx
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    g = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int)
    wall = time.perf_counter() - t
    csr = None
    n, m = g.number_of_nodes(), g.number_of_edges()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak / 1024, "added_rss_mb": (peak - base) / 1024,
                  "csr_mb": None if csr is None else csr / 2**20, "nodes": n, "edges": m}))
"""


def make_file(path: Path, lines: int, messy: bool, seed: int = 1) -> None:
    """A directed power-law-ish edge list, written in chunks."""
    if path.exists():
        return
    rng = np.random.default_rng(seed)
    n = lines // 10
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as fh:
        if messy:
            fh.write("# messy: runs of spaces, CRLF, trailing blanks\r\n")
        for start in range(0, lines, 1_000_000):
            k = min(1_000_000, lines - start)
            u = (rng.pareto(1.5, k) * 10).astype(np.int64) % n
            v = rng.integers(0, n, k)
            if messy:
                body = "\r\n".join(f"{a}   {b} " for a, b in zip(u.tolist(), v.tolist(),
                                                                  strict=True))
                fh.write(body + "\r\n")
            else:
                fh.write("\n".join(f"{a}\t{b}" for a, b in zip(u.tolist(), v.tolist(),
                                                              strict=True)) + "\n")
    tmp.rename(path)


def run(kind: str, path: Path) -> dict:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    return result


def median_runs(kinds: dict[str, Path], repeat: int) -> dict[str, dict]:
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(repeat):
        for key, path in kinds.items():
            runs[key].append(run(key.split("_")[0], path))
    out = {}
    for key, rs in runs.items():
        med = {f: statistics.median(r[f] for r in rs) for f in ("wall_s", "process_s",
                                                                 "peak_rss_mb", "added_rss_mb")}
        med.update({f: rs[0][f] for f in ("csr_mb", "nodes", "edges")})
        out[key] = med
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-networkx", action="store_true")
    args = ap.parse_args()
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    clean = DATA / f"edges_{args.lines}.tsv"
    messy = DATA / f"edges_{args.lines}_messy.txt"
    t = time.perf_counter()
    make_file(clean, args.lines, messy=False)
    make_file(messy, args.lines, messy=True)
    sizes = [f.stat().st_size / 2**20 for f in (clean, messy)]
    print(f"input files ready in {time.perf_counter() - t:.1f} s: {sizes[0]:.0f} MiB and "
          f"{sizes[1]:.0f} MiB")
    print(f"machine load before: {os.getloadavg()}")
    kinds = {"downline_clean": clean, "downline_messy": messy}
    if not args.skip_networkx:
        kinds["networkx_clean"] = clean
    report: dict = {"lines": args.lines, "repeat": args.repeat,
                    "load_before": os.getloadavg()}
    report.update(median_runs(kinds, args.repeat))
    print(f"machine load after: {os.getloadavg()}")
    for key in kinds:
        r = report[key]
        csr = ""
        if r.get("csr_mb"):
            csr = (f", CSR arrays {r['csr_mb']:.0f} MiB, added memory "
                   f"{r['added_rss_mb'] / r['csr_mb']:.1f}x the CSR")
        print(f"{key:16s} whole process {r['process_s']:7.2f} s, read {r['wall_s']:7.2f} s, "
              f"peak RSS {r['peak_rss_mb']:6.0f} MiB (+{r['added_rss_mb']:.0f} MiB while "
              f"reading){csr}; nodes {r['nodes']:,} edges {r['edges']:,}")
    if "networkx_clean" in report:
        nxr = report["networkx_clean"]
        for key in ("downline_clean", "downline_messy"):
            whole = nxr["process_s"] / report[key]["process_s"]
            inproc = nxr["wall_s"] / report[key]["wall_s"]
            report[f"speedup_whole_{key}"] = whole
            report[f"speedup_read_{key}"] = inproc
            print(f"speed-up of {key} over networkx.read_edgelist: whole process {whole:.1f}x, "
                  f"read alone {inproc:.1f}x (memory added: "
                  f"{nxr['added_rss_mb'] / report[key]['added_rss_mb']:.1f}x less)")
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
