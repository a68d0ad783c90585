"""Posts per second of ``downline.pitch`` on one core, and the cold ``downline screen``.

Run: ``PYTHONPATH=src python benchmarks/bench_pitch.py [--cli-runs N]``.

Targets (issue 16): rules alone >= 2,000 posts/s; rules + model, batched, >= 1,000 posts/s;
a cold CLI screen < 1.5 s. Posts are the cited corpus and the shipped train/eval sets,
repeated. Anchors, in the same run: scikit-learn's ``HashingVectorizer`` +
``LogisticRegression.predict_proba`` on the same posts (what scoring would cost through
scikit-learn), and the CLI with ``--no-model``. Times are medians of repeats; the machine
load (``os.getloadavg()``) is printed before and after, since a loaded machine slows
everything.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from downline.pitch import screen, screen_many
from downline.pitch.corpus import load_corpus
from downline.pitch.model import default_classifier, load_dataset


def _median_rate(fn, posts: list[str], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(posts)
        times.append(time.perf_counter() - t)
    return len(posts) / statistics.median(times)


def _cli_seconds(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a fresh CLI process.

    On a loaded machine the wall time mostly measures waiting for a core; the CPU time is
    what the command itself costs.
    """
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "downline.cli", *args], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _sklearn_anchor(posts: list[str]) -> float | None:
    try:
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("anchor skipped: scikit-learn is not installed")
        return None
    vec = HashingVectorizer(n_features=2**18, ngram_range=(1, 2), alternate_sign=False)
    labels = [i % 4 for i in range(len(posts))]
    clf = LogisticRegression(max_iter=200).fit(vec.transform(posts[:800]), labels[:800])
    return _median_rate(lambda ps: clf.predict_proba(vec.transform(ps)), posts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    base = ([r.text for r in load_corpus()]
            + [r["text"] for r in load_dataset("train") + load_dataset("eval")])
    posts = (base * (4000 // len(base) + 1))[:4000]
    screen("warm up", model=False)
    t = time.perf_counter()
    default_classifier()
    load_s = time.perf_counter() - t
    rules_one = _median_rate(lambda ps: [screen(p, model=False) for p in ps], posts)
    rules_batch = _median_rate(lambda ps: screen_many(ps, model=False), posts)
    model_batch = _median_rate(lambda ps: screen_many(ps), posts)
    model_one = _median_rate(lambda ps: [screen(p) for p in ps], posts[:1000], repeat=1)
    clf = default_classifier()
    from downline.pitch.normalize import normalize

    norm = [normalize(p).text for p in posts]
    score_only = _median_rate(lambda ps: clf.predict_proba(ps), norm)
    anchor = _sklearn_anchor(norm)
    print(f"posts: {len(posts)} (mean {sum(map(len, posts)) / len(posts):.0f} chars)")
    print(f"model artifact load (first use)    : {load_s * 1000:8.1f} ms")
    print(f"rules only, screen() one by one    : {rules_one:8.0f} posts/s (target >= 2000)")
    print(f"rules only, screen_many()          : {rules_batch:8.0f} posts/s")
    print(f"rules + model, screen_many()       : {model_batch:8.0f} posts/s (target >= 1000)")
    print(f"rules + model, screen() one by one : {model_one:8.0f} posts/s")
    print(f"model scoring only (numpy)         : {score_only:8.0f} posts/s")
    if anchor:
        print(f"anchor: sklearn hashing + LR       : {anchor:8.0f} posts/s "
              f"(ours / anchor = {score_only / anchor:.2f})")
    with tempfile.TemporaryDirectory() as d:
        post = Path(d) / "post.txt"
        post.write_text("I made $1,730 in my first 10 days! DM me #quityourjob", encoding="utf-8")
        cold, cold_cpu = _cli_seconds(["screen", str(post)], args.cli_runs)
        rules, rules_cpu = _cli_seconds(["screen", str(post), "--no-model"], args.cli_runs)
    print(f"cold CLI 'downline screen post.txt'            : {cold:6.2f} s wall, "
          f"{cold_cpu:.2f} s CPU (target < 1.5 s)")
    print(f"cold CLI 'downline screen post.txt --no-model' : {rules:6.2f} s wall, "
          f"{rules_cpu:.2f} s CPU (model adds {cold_cpu - rules_cpu:+.2f} s CPU)")
    big = "quit your job " * 80_000
    t = time.perf_counter()
    screen(big)
    print(f"one 1.1 MB post (truncated to 100,000 chars): {time.perf_counter() - t:.2f} s")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
