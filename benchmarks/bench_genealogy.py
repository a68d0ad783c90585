"""Reading a 1M-member sponsor-tree CSV: ``read_genealogy`` beside plain ``pandas.read_csv``.

Run: ``python benchmarks/bench_genealogy.py [members]`` (default 1,000,000). The anchor is
pandas' C reader with every column as text (what any user would start from: it parses
but checks nothing). ``read_genealogy`` also validates the tree (unknown sponsors,
duplicates, cycles), parses dates and volumes and builds the Euler tour. The modes are
alternated five times in one process; medians are printed and written to
``benchmarks/results/genealogy.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from downline.genealogy import generate_genealogy, read_genealogy, write_genealogy
from downline.genealogy import io as gio
from downline.genealogy import tree as gtree


def _read(path: Path, arrow: bool) -> None:
    gio._ARROW_CSV, gtree._ARROW_ROUTE = arrow, arrow
    try:
        read_genealogy(path)
    finally:
        gio._ARROW_CSV, gtree._ARROW_ROUTE = True, True


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "genealogy.csv"
        write_genealogy(generate_genealogy(members, seed=1), path)
        modes = {
            "pandas.read_csv, text columns (anchor)": lambda: pd.read_csv(
                path, dtype=str, keep_default_na=False),
            "read_genealogy": lambda: _read(path, True),
            "read_genealogy, generic route (before)": lambda: _read(path, False),
        }
        read_genealogy(path)  # warm up: imports and compiled kernels
        times: dict[str, list[float]] = {m: [] for m in modes}
        for _ in range(5):
            for mode, run in modes.items():
                t = time.perf_counter()
                run()
                times[mode].append(time.perf_counter() - t)
        size = path.stat().st_size
    medians = {m: statistics.median(ts) for m, ts in times.items()}
    anchor = medians["pandas.read_csv, text columns (anchor)"]
    print(f"{members:,} members, {size / 2**20:.0f} MiB of CSV")
    for mode, value in medians.items():
        print(f"{mode:42s} {value:6.2f} s  ({value / anchor:.2f} x the anchor)")
    out = Path(__file__).parent / "results" / "genealogy.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"members": members, "bytes": size, "median_s": medians},
                              indent=2))


if __name__ == "__main__":
    main()
