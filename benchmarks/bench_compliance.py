"""The compliance program's cost beside the pitch screen's own, on 100,000 posts.

Run: ``PYTHONPATH=src python benchmarks/bench_compliance.py [--posts 100000] [--repeats 3]``.

Each run is a fresh process (so peak memory is that run's own): the *anchor* screens the
posts' texts with :func:`downline.pitch.screen_many` (rules and statistical layer); the
*program* stores a company in a new workspace file, ingests the same posts with
:func:`downline.compliance.ingest_posts` (validation against the tree, screening,
library share matching, cases with their evidence and audit rows, all written to DuckDB),
applies the deadline rules, builds the case queue, the tree report and the share report.
Both train the screen's classifier before the clock starts. Anchor and program runs
alternate; medians are printed with the machine load, and the ratio of the program's
posts/s to the screen's, by wall time and by CPU time of the process (all its threads; the
fairer figure on a machine shared with other work). Posts: the generated sample company
(:func:`downline.compliance.sample_company`, 20,000 members) cut to ``--posts``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def _status(key: str) -> float:
    """A ``/proc/self/status`` memory figure in MiB (VmRSS now, VmHWM the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _data(n_posts: int, seed: int):
    from downline.compliance import sample_company

    members = max(200, n_posts // 5)
    company = sample_company(members, seed=seed, posts_per_member=n_posts / members * 1.05)
    posts = company.posts.iloc[:n_posts].drop(columns=["label", "shared_item", "planted"])
    return company, posts.reset_index(drop=True)


def _child(kind: str, n_posts: int, seed: int) -> dict:
    from downline.pitch import screen_many

    company, posts = _data(n_posts, seed)
    screen_many(posts["text"].head(200).tolist())  # trains the classifier (not timed)
    rss_before = _status("VmRSS")
    cpu0 = time.process_time()
    out: dict = {"kind": kind, "posts": len(posts)}
    if kind == "anchor":
        t = time.perf_counter()
        batch = screen_many(posts["text"].tolist())
        out["screen_s"] = time.perf_counter() - t
        out["flagged"] = batch.n_violations
        out["total_s"] = out["screen_s"]
    else:
        from downline.compliance import (
            advance,
            approve,
            case_queue,
            compliance_report,
            ingest_posts,
            share_report,
        )
        from downline.store import Workspace

        with tempfile.TemporaryDirectory() as folder:
            t0 = time.perf_counter()
            with Workspace(Path(folder) / "ws.duckdb") as ws:
                ws.add_genealogy("bench", company.members)
                first = posts["posted_at"].min()
                for text in company.library:
                    approve(ws, "bench", text, approved_by="bench", at=first)
                t1 = time.perf_counter()
                result = ingest_posts(ws, "bench", posts, gen=company.genealogy)
                t2 = time.perf_counter()
                advance(ws, "bench", company.genealogy, now=company.end)
                queue = case_queue(ws, "bench", company.genealogy, now=company.end)
                t3 = time.perf_counter()
                report = compliance_report(ws, "bench", company.genealogy, min_posts=30)
                shares = share_report(ws, "bench", company.genealogy)
                t4 = time.perf_counter()
            out.update(setup_s=t1 - t0, ingest_s=t2 - t1, cases_s=t3 - t2, reports_s=t4 - t3,
                       total_s=t4 - t1, flagged=result.flagged, cases=queue.total,
                       shares=shares.shares, top_leg=report.by_leg[0].group,
                       planted_leg=company.planted_leg)
    # CPU seconds of every thread of the process: far less sensitive than wall time to
    # other work on a shared machine.
    out["cpu_s"] = time.process_time() - cpu0
    out["rss_before_mib"] = rss_before
    out["peak_rss_mib"] = _status("VmHWM")
    return out


def _run(kind: str, n_posts: int, seed: int) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--posts", str(n_posts),
           "--seed", str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=["anchor", "program"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.posts, args.seed)))
        return
    print(f"load average before: {os.getloadavg()}")
    runs: dict[str, list[dict]] = {"anchor": [], "program": []}
    for r in range(args.repeats):
        for kind in (("anchor", "program") if r % 2 == 0 else ("program", "anchor")):
            out = _run(kind, args.posts, args.seed)
            runs[kind].append(out)
            print(f"run {r + 1} {kind:7s}: {out['posts'] / out['total_s']:8.0f} posts/s, "
                  f"{out['total_s']:.1f} s, {out['posts'] / out['cpu_s']:7.0f} posts per CPU "
                  f"s, peak RSS {out['peak_rss_mib']:.0f} MiB "
                  f"(load {os.getloadavg()[0]:.2f})")

    def med(kind: str, key: str) -> float:
        return statistics.median(x[key] for x in runs[kind])

    n = runs["anchor"][0]["posts"]
    anchor_rate = n / med("anchor", "total_s")
    program_rate = n / med("program", "total_s")
    p = runs["program"][0]
    print(f"\nposts: {n:,}; flagged {p['flagged']:,}, cases {p['cases']:,}, shares "
          f"{p['shares']:,}; top leg {p['top_leg']} (planted {p['planted_leg']})")
    print(f"pitch.screen_many (anchor)  : {anchor_rate:8.0f} posts/s, peak RSS "
          f"{med('anchor', 'peak_rss_mib'):.0f} MiB (before screening "
          f"{med('anchor', 'rss_before_mib'):.0f} MiB)")
    print(f"compliance program, total   : {program_rate:8.0f} posts/s, peak RSS "
          f"{med('program', 'peak_rss_mib'):.0f} MiB (before ingest "
          f"{med('program', 'rss_before_mib'):.0f} MiB)")
    print(f"  ingest (validate, screen, match, cases, store): {med('program', 'ingest_s'):.1f} s;"
          f" deadlines + queue {med('program', 'cases_s'):.1f} s; reports "
          f"{med('program', 'reports_s'):.1f} s (medians of {args.repeats})")
    anchor_cpu = n / med("anchor", "cpu_s")
    program_cpu = n / med("program", "cpu_s")
    print(f"posts per CPU second: screen {anchor_cpu:.0f}, program {program_cpu:.0f}")
    print(f"ratio program / screen posts/s: {program_rate / anchor_rate:.2f} (wall), "
          f"{program_cpu / anchor_cpu:.2f} (CPU)")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
