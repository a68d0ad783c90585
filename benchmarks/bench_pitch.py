"""Posts per second of ``downline.pitch`` on one core: rules alone, and with the model.

Run: ``PYTHONPATH=src python benchmarks/bench_pitch.py`` (target: at least 2,000 posts/s
with the rules alone). Posts are the shipped train and eval sets, repeated.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from downline.pitch import screen, screen_many
from downline.pitch.model import default_classifier, load_dataset


def _rate(fn, posts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(posts)
        best = min(best, time.perf_counter() - t)
    return len(posts) / best


def main() -> None:
    base = [r["text"] for r in load_dataset("train") + load_dataset("eval")]
    posts = (base * (4000 // len(base) + 1))[:4000]
    screen("warm up", model=False)
    t = time.perf_counter()
    default_classifier()
    train_s = time.perf_counter() - t
    rules_one = _rate(lambda ps: [screen(p, model=False) for p in ps], posts)
    rules_batch = _rate(lambda ps: screen_many(ps, model=False), posts)
    model_one = _rate(lambda ps: [screen(p) for p in ps], posts[:1000], repeat=1)
    model_batch = _rate(lambda ps: screen_many(ps), posts)
    print(f"posts: {len(posts)} (mean {sum(map(len, posts)) / len(posts):.0f} chars)")
    print(f"rules only, screen() one by one : {rules_one:8.0f} posts/s (target >= 2000)")
    print(f"rules only, screen_many()       : {rules_batch:8.0f} posts/s")
    print(f"rules + model, screen() one by one: {model_one:6.0f} posts/s")
    print(f"rules + model, screen_many()    : {model_batch:8.0f} posts/s")
    print(f"model training at first use     : {train_s:8.1f} s")
    long_posts = [" ".join(posts[i:i + 4]) for i in range(0, len(posts), 4)]
    long_rate = _rate(lambda ps: [screen(p, model=False) for p in ps], long_posts)
    print(f"rules only, {sum(map(len, long_posts)) / len(long_posts):.0f}-char posts, one by one: "
          f"{long_rate:6.0f} posts/s")
    big = "quit your job " * 80_000
    t = time.perf_counter()
    screen(big)
    print(f"one 1.1 MB post (truncated to 100,000 chars): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
