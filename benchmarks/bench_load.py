"""Loading a 10-million-line edge list: downline.read_graph against networkx.read_edgelist.

Two seeded files are written once into a temporary folder (``--data`` to choose it):

* clean: ``u<TAB>v`` integer ids, LF (about 130 MB for 10M lines);
* messy: string ids (``u123``), CRLF, ``#`` comment lines at the top and inside the data,
  a blank line every 997 lines, a names header ``source target weight note``, a weight
  and an extra column, separators mixed (tabs on most lines, runs of spaces with
  trailing blanks on every seventh), about 270 MB for 10M lines.

Each reader runs in a fresh Python process, alternating (downline, networkx, downline,
...), and the medians are printed:

* whole process: exec to exit as the parent sees it (imports, numba's cached kernels,
  reading, exit): the time a user waits;
* CPU: user + system seconds of that process (less sensitive than wall time to a
  machine shared with other work);
* read alone: the ``read_graph`` call inside that process;
* memory: the process's peak RSS (``VmHWM``) minus its RSS (``VmRSS``) once imports are
  done and the kernels are loaded by a tiny read, so what the load itself adds; compared
  with the finished graph's arrays: indptr + indices + probs + the id map (labels; for
  string ids the Python strings too). The figure without the probabilities (an
  unweighted file gets a float32 array of ones) is printed as well.

networkx reads the clean file with ``nodetype=int`` and the messy one with its defaults
(string ids, ``data=False``: it keeps no weights and reads the names header as an edge);
it takes about 40 s a run, so it runs ``--nx-repeat`` times (default 1) against
``--repeat`` (default 3) for downline. Results also go to benchmarks/results/load.json.

    python benchmarks/bench_load.py [--lines 10000000] [--repeat 3] [--nx-repeat 1]
        [--skip-networkx] [--files clean,messy] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

CHILD = r"""
import json, sys, time

def status(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

kind, path, which = sys.argv[1], sys.argv[2], sys.argv[3]
if kind == "downline":
    import os, tempfile
    import numpy as np
    import downline
    tiny = os.path.join(tempfile.mkdtemp(), "tiny.txt")
    with open(tiny, "w") as fh:
        fh.write("source target weight\n1 2 0.5\n2 3 0.5\n")
    downline.read_graph(tiny)  # load the cached kernels before the baseline
    base = status("VmRSS")
    t = time.perf_counter()
    g = downline.read_graph(path)
    wall = time.perf_counter() - t
    labels = g.labels.nbytes
    if g.labels.dtype == object:
        labels += sum(sys.getsizeof(x) for x in g.labels.tolist())
    csr = g.indptr.nbytes + g.indices.nbytes + g.probs.nbytes + labels
    n, m = g.number_of_nodes(), g.number_of_edges()
    unweighted = bool(np.all(g.probs == 1.0))
    no_probs = csr - g.probs.nbytes
else:
    import networkx as nx
    base = status("VmRSS")
    t = time.perf_counter()
    if which == "clean":
        g = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int)
    else:
        g = nx.read_edgelist(path, create_using=nx.DiGraph, data=False)
    wall = time.perf_counter() - t
    csr = no_probs = None
    unweighted = None
    n, m = g.number_of_nodes(), g.number_of_edges()
peak = status("VmHWM")
print(json.dumps({"wall_s": wall, "peak_rss_mb": peak / 2**20,
                  "added_rss_mb": (peak - base) / 2**20,
                  "csr_mb": None if csr is None else csr / 2**20,
                  "csr_no_probs_mb": None if no_probs is None else no_probs / 2**20,
                  "unweighted": unweighted, "nodes": n, "edges": m}))
"""


def make_clean(path: Path, lines: int, seed: int = 1) -> None:
    """``u<TAB>v`` lines of a directed power-law-ish graph with lines / 10 nodes."""
    rng = np.random.default_rng(seed)
    n = max(lines // 10, 10)
    tmp = path.with_suffix(".partial")
    with tmp.open("w") as fh:
        for start in range(0, lines, 1_000_000):
            k = min(1_000_000, lines - start)
            u = (rng.pareto(1.5, k) * 10).astype(np.int64) % n
            v = rng.integers(0, n, k)
            fh.write("\n".join(f"{a}\t{b}" for a, b in zip(u.tolist(), v.tolist(),
                                                          strict=True)) + "\n")
    tmp.rename(path)


def make_messy(path: Path, lines: int, seed: int = 2) -> None:
    """The same kind of graph written as people have it (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n = max(lines // 10, 10)
    tmp = path.with_suffix(".partial")
    with tmp.open("w", newline="") as fh:
        fh.write("# exported from a follower graph\r\n# columns: source, target, weight, "
                 "note\r\n\r\nsource\ttarget\tweight\tnote\r\n")
        row = 0
        for start in range(0, lines, 1_000_000):
            k = min(1_000_000, lines - start)
            u = (rng.pareto(1.5, k) * 10).astype(np.int64) % n
            v = rng.integers(0, n, k)
            w = rng.integers(1, 1000, k)
            out = []
            for a, b, c in zip(u.tolist(), v.tolist(), w.tolist(), strict=True):
                if row % 7 == 3:
                    out.append(f"u{a}   u{b}  0.{c:03d} x{c % 10}  \r\n")
                else:
                    out.append(f"u{a}\tu{b}\t0.{c:03d}\tx{c % 10}\r\n")
                row += 1
                if row % 997 == 0:
                    out.append("\r\n")
                if row % 250_000 == 0:
                    out.append(f"# {row} lines written\r\n")
            fh.write("".join(out))
    tmp.rename(path)


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run(kind: str, path: Path, which: str) -> dict:
    cpu = _children_cpu()
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), which], check=True,
                         capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - t
    result["cpu_s"] = _children_cpu() - cpu
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="downline runs per file")
    ap.add_argument("--nx-repeat", type=int, default=1, help="networkx runs per file")
    ap.add_argument("--skip-networkx", action="store_true")
    ap.add_argument("--files", default="clean,messy")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "downline-bench")
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    makers = {"clean": (f"edges_{args.lines}.tsv", make_clean),
              "messy": (f"edges_{args.lines}_messy.txt", make_messy)}
    files = {}
    for which in args.files.split(","):
        name, make = makers[which]
        path = args.data / name
        if not path.exists():
            t = time.perf_counter()
            make(path, args.lines)
            print(f"wrote {path} in {time.perf_counter() - t:.0f} s")
        files[which] = path
        print(f"{which:6s} {path}: {path.stat().st_size / 1e6:.0f} MB, {args.lines:,} edge lines")
    nx_repeat = 0 if args.skip_networkx else args.nx_repeat
    print(f"runs: downline {args.repeat} per file, networkx {nx_repeat} per file, "
          "alternating, each in a fresh process")
    load_before = os.getloadavg()
    print(f"machine load before: {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f} (1/5/15 min, 2 cores)")
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in range(max(args.repeat, nx_repeat)):
        for which, path in files.items():
            if r < args.repeat:
                runs.setdefault(("downline", which), []).append(run("downline", path, which))
            if r < nx_repeat:
                runs.setdefault(("networkx", which), []).append(run("networkx", path, which))
    load_after = os.getloadavg()
    print(f"machine load after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    report: dict = {"lines": args.lines, "repeat": args.repeat, "nx_repeat": nx_repeat,
                    "load_before": load_before, "load_after": load_after, "files": {}}
    for which, path in files.items():
        d = runs[("downline", which)]
        med = {f: statistics.median(x[f] for x in d)
               for f in ("process_s", "cpu_s", "wall_s", "added_rss_mb", "peak_rss_mb")}
        csr, csr_np = d[0]["csr_mb"], d[0]["csr_no_probs_mb"]
        entry = {"path": str(path), "bytes": path.stat().st_size, "downline": med,
                 "downline_runs": d, "csr_mb": csr, "csr_no_probs_mb": csr_np,
                 "nodes": d[0]["nodes"], "edges": d[0]["edges"],
                 "memory_ratio": med["added_rss_mb"] / csr,
                 "memory_ratio_no_probs": med["added_rss_mb"] / csr_np}
        print(f"\n{which}: {d[0]['nodes']:,} nodes, {d[0]['edges']:,} edges"
              f"{' (unweighted)' if d[0]['unweighted'] else ''}")
        shown = ", ".join(f"{x['process_s']:.2f}" for x in d)
        print(f"  downline  whole process {med['process_s']:6.2f} s (runs: {shown}), "
              f"CPU {med['cpu_s']:.2f} s, read alone {med['wall_s']:.2f} s")
        print(f"  memory    +{med['added_rss_mb']:.0f} MiB peak RSS over the baseline; graph "
              f"arrays {csr:.0f} MiB -> {entry['memory_ratio']:.2f}x (without the probs "
              f"{csr_np:.0f} MiB -> {entry['memory_ratio_no_probs']:.2f}x); goal <= 3x")
        if ("networkx", which) in runs:
            x = runs[("networkx", which)]
            nmed = {f: statistics.median(y[f] for y in x)
                    for f in ("process_s", "cpu_s", "wall_s", "added_rss_mb")}
            entry["networkx"] = nmed
            entry["speedup_whole"] = nmed["process_s"] / med["process_s"]
            entry["speedup_read"] = nmed["wall_s"] / med["wall_s"]
            entry["speedup_cpu"] = nmed["cpu_s"] / med["cpu_s"]
            print(f"  networkx  whole process {nmed['process_s']:6.2f} s, CPU "
                  f"{nmed['cpu_s']:.2f} s, read alone {nmed['wall_s']:.2f} s, "
                  f"+{nmed['added_rss_mb']:.0f} MiB ({x[0]['nodes']:,} nodes, "
                  f"{x[0]['edges']:,} edges)")
            print(f"  ratio     whole process {entry['speedup_whole']:.1f}x networkx "
                  f"(goal >= 20x), CPU {entry['speedup_cpu']:.1f}x, read alone "
                  f"{entry['speedup_read']:.1f}x")
        report["files"][which] = entry
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
